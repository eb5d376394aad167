"""Validation of the identifiers a subject is registered under.

Every subject in the county credit registry is keyed by a national identifier, so a mistyped one would
silently create a second subject or attach records to the wrong one. The check characters defined in
the national standards catch every single mistyped character, and the registry uses them:

* GB 32100-2015 — the 18-character unified social credit code (统一社会信用代码) of an organisation or
  individual business: registration authority and category (characters 1–2), the administrative
  division code of the registration authority (3–8), the organisation body (9–17, whose last character
  is itself a check character) and a MOD 31 check character (18);
* GB 11714-1997 — the organisation code (组织机构代码) whose check character is character 17 of the
  unified social credit code;
* GB 11643-1999 — the 18-character citizen / resident identity number (公民身份号码) of a natural
  person: address code (1–6), date of birth (7–14), sequence code (15–17) and an ISO 7064 MOD 11-2
  check character (18).

SPEC: an invalid identifier is rejected with a message saying which character is wrong (and, for a
check character, what it should be), so that a clerk can correct the typing error rather than guess.

Input is normalised first (surrounding whitespace, full-width characters typed with a Chinese input
method, lower case), so those differences are never reported as errors. Only ``ValidationError`` and
``gettext_lazy`` come from Django: the module imports without settings or a database.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.masking import mask_resident_id

__all__ = [
    "USCC_ALPHABET",
    "birth_date_from_resident_id",
    "mask_resident_ids_in_text",
    "normalize_identifier",
    "org_code_check_char",
    "resident_id_check_char",
    "uscc_check_char",
    "validate_resident_id",
    "validate_uscc",
]

# --- algorithms -----------------------------------------------------------------------------------

#: GB 32100-2015 code character set: the digits and the capital letters without I, O, S, V and Z.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# GB 32100-2015: the weight of character i (1-based) is 3^(i-1) mod 31.
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11714-1997: weights of the 8-character organisation code body.
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_BODY_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # index = value (A = 10 … Z = 35)

# GB 11643-1999 (ISO 7064 MOD 11-2): the weight of character i is 2^(18-i) mod 11.
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK_MAP = "10X98765432"  # indexed by (weighted sum mod 11)

# GB/T 2260 province-level codes (characters 1–2 of a resident identity number); 71 Taiwan, 81 Hong
# Kong, 82 Macao and 83 (residence permits of Taiwan residents) are also issued.
_PROVINCE_CODES = frozenset(
    [f"{n}" for n in range(11, 16)]
    + [f"{n}" for n in range(21, 24)]
    + [f"{n}" for n in range(31, 38)]
    + [f"{n}" for n in range(41, 47)]
    + [f"{n}" for n in range(50, 55)]
    + [f"{n}" for n in range(61, 66)]
    + ["71", "81", "82", "83"]
)

_EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character (character 18) for the first 17 characters of a code.

    Raises ``ValueError`` if ``first17`` is not 17 characters of ``USCC_ALPHABET``.
    """
    if len(first17) != 17:
        raise ValueError(f"expected 17 characters, got {len(first17)}")
    try:
        total = sum(
            USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, _USCC_WEIGHTS, strict=True)
        )
    except ValueError:
        raise ValueError(f"{first17!r} has a character outside the code character set") from None
    check = 31 - total % 31
    return USCC_ALPHABET[0 if check == 31 else check]


def org_code_check_char(first8: str) -> str:
    """The GB 11714-1997 check character for the 8-character body of an organisation code.

    Raises ``ValueError`` if ``first8`` is not 8 digits or capital letters.
    """
    if len(first8) != 8:
        raise ValueError(f"expected 8 characters, got {len(first8)}")
    try:
        total = sum(
            _ORG_CODE_BODY_CHARS.index(char) * weight
            for char, weight in zip(first8, _ORG_CODE_WEIGHTS, strict=True)
        )
    except ValueError:
        raise ValueError(f"{first8!r} has a character other than a digit or a capital letter") from None
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def resident_id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character (character 18) for the first 17 digits of an identity number.

    Raises ``ValueError`` if ``first17`` is not 17 ASCII digits.
    """
    if len(first17) != 17 or not _is_ascii_digits(first17):
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(int(char) * weight for char, weight in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK_MAP[total % 11]


# --- normalisation and masking --------------------------------------------------------------------

_FULL_WIDTH_START, _FULL_WIDTH_END = 0xFF10, 0xFF5A  # "０" … "ｚ"
_FULL_TO_HALF_OFFSET = 0xFF10 - ord("0")


def normalize_identifier(value: str) -> str:
    """Return ``value`` as it is stored: surrounding whitespace (including the full-width space
    U+3000) removed, full-width characters U+FF10–U+FF5A (digits and letters typed with a Chinese
    input method) turned into their ASCII forms, and ASCII letters upper-cased.

    Only ASCII letters are upper-cased, so every character keeps its position (``"ß".upper()`` would
    be two characters) and the position named in an error message is the one the user typed.
    """
    # str.strip() removes every Unicode space, the full-width space U+3000 included.
    value = value.strip()
    if value.isascii():  # nearly every code: no full-width character, and upper() changes only a-z
        return value.upper()
    chars = []
    for char in value:
        code = ord(char)
        if _FULL_WIDTH_START <= code <= _FULL_WIDTH_END:
            char = chr(code - _FULL_TO_HALF_OFFSET)
        if "a" <= char <= "z":
            char = char.upper()
        chars.append(char)
    return "".join(chars)


_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def _organisation_code_only(token: str) -> bool:
    """A valid unified social credit code that cannot be an identity number (all-digit codes exist)."""
    try:
        validate_uscc(token)
    except ValidationError:
        return False
    try:
        validate_resident_id(token)
    except ValidationError:
        return True
    return False  # both readings hold: privacy first


def mask_resident_ids_in_text(text: str) -> str:
    """``text`` with every identity number in it masked 6+4, whatever its check character (a number
    with a typo is still nearly the person's number); an organisation's code is left alone. For free
    text and file cells shown to a role that may not see identity numbers (SPEC §6: error workbooks
    alike)."""
    if not text or not isinstance(text, str):
        return text
    return _ID_LIKE.sub(
        lambda m: m.group(0) if _organisation_code_only(m.group(0)) else mask_resident_id(m.group(0)), text
    )


def birth_date_from_resident_id(value: str) -> datetime.date:
    """The date of birth in characters 7–14 of an 18-character identity number (normalised first).

    Raises ``ValueError`` if the value is not 18 characters long or characters 7–14 are not a date;
    call ``validate_resident_id`` first for a message fit for a user.
    """
    value = normalize_identifier(value)
    if len(value) != 18:
        raise ValueError(f"a resident identity number has 18 characters, not {len(value)}")
    birth = _parse_yyyymmdd(value[6:14])
    if birth is None:
        raise ValueError(f"characters 7-14 ({value[6:14]!r}) are not a date")
    return birth


# --- messages ---------------------------------------------------------------------------------------
# The msgids are English; the intended Chinese translation for the catalogue is in the comment above
# each one.

# zh: 请输入统一社会信用代码。
_USCC_REQUIRED = _("Enter the unified social credit code.")
# zh: 统一社会信用代码应为18位，当前为%(length)d位。
_USCC_LENGTH = _("The unified social credit code must have 18 characters, not %(length)d.")
# zh: 第%(position)d位（%(char)s）不是统一社会信用代码允许的字符（不使用字母I、O、S、V、Z）。
_USCC_CHARACTER = _(
    "Character %(position)d (%(char)s) is not allowed in a unified social credit code "
    "(letters I, O, S, V, Z are never used)."
)
# zh: 统一社会信用代码第3–8位应为6位数字的登记管理机关行政区划码。
_USCC_DIVISION = _(
    "Characters 3–8 of the unified social credit code must be the 6-digit administrative division code."
)
# zh: 第17位（组织机构代码校验码）应为 %(expected)s。
_USCC_ORG_CHECK = _("Character 17 (the organisation code check character) should be %(expected)s.")
# zh: 第18位校验码应为 %(expected)s。
_USCC_CHECK = _("Character 18 (check character) should be %(expected)s.")

# zh: 请输入居民身份号码。
_RESIDENT_ID_REQUIRED = _("Enter the resident identity number.")
# zh: 居民身份号码应为18位，当前为%(length)d位。
_RESIDENT_ID_LENGTH = _("The resident identity number must have 18 characters, not %(length)d.")
# zh: 第%(position)d位（%(char)s）不是居民身份号码允许的字符（前17位为数字，第18位为数字或X）。
_RESIDENT_ID_CHARACTER = _(
    "Character %(position)d (%(char)s) is not allowed in a resident identity number "
    "(characters 1–17 are digits, character 18 is a digit or X)."
)
# zh: 第1–2位（%(value)s）不是有效的省级行政区划代码。
_RESIDENT_ID_REGION = _("Characters 1–2 (%(value)s) are not a valid province code.")
# zh: 第7–14位（%(value)s）不是有效的出生日期。
_RESIDENT_ID_BIRTH_DATE = _("Characters 7–14 (%(value)s) are not a valid date of birth.")
# zh: 第18位校验码应为 %(expected)s。
_RESIDENT_ID_CHECK = _("Character 18 (check digit) should be %(expected)s.")


# --- validators -----------------------------------------------------------------------------------


def validate_uscc(value: str) -> str:
    """Return the normalised 18-character unified social credit code, or raise ``ValidationError``
    for the first problem found: ``required``, ``length``, ``character``, ``division``, ``org_check``,
    ``check`` (in that order)."""
    value = normalize_identifier(value)
    if not value:
        raise ValidationError(_USCC_REQUIRED, code="required")
    if len(value) != 18:
        raise ValidationError(_USCC_LENGTH, code="length", params={"length": len(value)})
    for position, char in enumerate(value, start=1):
        if char not in USCC_ALPHABET:
            raise ValidationError(
                _USCC_CHARACTER, code="character", params={"position": position, "char": char}
            )
    if not _is_ascii_digits(value[2:8]):
        raise ValidationError(_USCC_DIVISION, code="division")
    expected = org_code_check_char(value[8:16])
    if value[16] != expected:
        raise ValidationError(_USCC_ORG_CHECK, code="org_check", params={"expected": expected})
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(_USCC_CHECK, code="check", params={"expected": expected})
    return value


def validate_resident_id(value: str, *, today: datetime.date | None = None) -> str:
    """Return the normalised 18-character resident identity number (a final ``x`` as ``X``), or raise
    ``ValidationError`` for the first problem found: ``required``, ``length``, ``character``,
    ``region``, ``birth_date``, ``check`` (in that order).

    The date of birth must lie between 1900-01-01 and ``today`` (default: ``datetime.date.today()``,
    the server's local date; pass ``django.utils.timezone.localdate()`` to use the project's zone).
    """
    value = normalize_identifier(value)
    if not value:
        raise ValidationError(_RESIDENT_ID_REQUIRED, code="required")
    if len(value) != 18:
        raise ValidationError(_RESIDENT_ID_LENGTH, code="length", params={"length": len(value)})
    for position, char in enumerate(value, start=1):
        if not (_is_ascii_digits(char) or (position == 18 and char == "X")):
            raise ValidationError(
                _RESIDENT_ID_CHARACTER, code="character", params={"position": position, "char": char}
            )
    if value[:2] not in _PROVINCE_CODES:
        raise ValidationError(_RESIDENT_ID_REGION, code="region", params={"value": value[:2]})
    birth = _parse_yyyymmdd(value[6:14])
    if today is None:
        today = datetime.date.today()
    if birth is None or not _EARLIEST_BIRTH_DATE <= birth <= today:
        raise ValidationError(_RESIDENT_ID_BIRTH_DATE, code="birth_date", params={"value": value[6:14]})
    expected = resident_id_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(_RESIDENT_ID_CHECK, code="check", params={"expected": expected})
    return value


# --- helpers --------------------------------------------------------------------------------------


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit() also accepts "²", "٣" and other Unicode digits, which int() would then misread.
    return bool(text) and all("0" <= char <= "9" for char in text)


def _parse_yyyymmdd(text: str) -> datetime.date | None:
    if len(text) != 8 or not _is_ascii_digits(text):
        return None
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
