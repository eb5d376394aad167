"""Identifier validation (subjects.identifiers): the check-character algorithms of GB 32100-2015,
GB 11714-1997 and GB 11643-1999, the order and wording of the errors, normalisation and masking.

No database: every test here is a plain function. Messages are read in English (the msgids) with
``translation.override("en")`` because the project's default language is Chinese.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.masking import mask_resident_id
from subjects.identifiers import (
    USCC_ALPHABET,
    birth_date_from_resident_id,
    normalize_identifier,
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
    validate_resident_id,
    validate_uscc,
)

# Published codes of well-known organisations, and the example of GB 32100-2015 commentaries.
PUBLISHED_USCCS = [
    "91350100M000100Y43",  # the example cited with GB 32100-2015
    "914403001922038216",  # 华为技术有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司 (organisation check character X)
]
GB11643_EXAMPLE = "11010519491231002X"  # the example in GB 11643-1999 (Beijing, born 1949-12-31)
GB11643_EXAMPLE_1880 = "440524188001010014"  # also in the standard; born 1880, before our 1900 limit

# Written out here rather than imported, so a mistake in the module's list cannot hide.
PROVINCE_CODES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83"
).split()
TODAY = datetime.date(2025, 6, 15)

PROPERTY_SETTINGS = hypothesis_settings(max_examples=200, deadline=None, database=None)


def _error(validator, value: str, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validator(value, **kwargs)
    return info.value


def _message(error: ValidationError) -> str:
    with translation.override("en"):
        (message,) = error.messages
    return message


def _resident_id(first17: str) -> str:
    """Complete 17 characters with their correct check digit, so only the intended problem remains."""
    return first17 + resident_id_check_char(first17)


# --- the algorithms ---------------------------------------------------------------------------------


def test_uscc_alphabet_is_the_31_characters_of_gb_32100():
    assert len(USCC_ALPHABET) == len(set(USCC_ALPHABET)) == 31
    assert USCC_ALPHABET == "".join(sorted(USCC_ALPHABET))
    assert set("0123456789") <= set(USCC_ALPHABET)
    assert set("ABCDEFGHIJKLMNOPQRSTUVWXYZ") - set(USCC_ALPHABET) == set("IOSVZ")


@pytest.mark.parametrize("position", range(1, 18))
def test_uscc_weight_of_each_position_is_a_power_of_three_mod_31(position):
    # A single "1" (value 1) at ``position``: the weighted sum is the weight itself, 3^(position-1) mod 31.
    first17 = "0" * (position - 1) + "1" + "0" * (17 - position)
    weight = pow(3, position - 1, 31)
    assert uscc_check_char(first17) == USCC_ALPHABET[(31 - weight) % 31]


def test_uscc_check_char_of_all_zeros_is_zero_not_31():
    assert uscc_check_char("0" * 17) == "0"


@pytest.mark.parametrize(
    ("body", "expected"),
    [("D2143569", "X"), ("M000100Y", "4"), ("00000000", "0"), ("W1234567", "4"), ("Z0000000", "5")],
)
def test_org_code_check_char_examples(body, expected):
    # D2143569: 13*3+2*7+1*9+4*10+3*5+5*8+6*4+9*2 = 199, 199 mod 11 = 1, 11-1 = 10 -> X (GB 11714 example).
    # M000100Y: 22*3+1*5+34*2 = 139, 139 mod 11 = 7, 11-7 = 4.   All zeros: 11 -> 0.
    # Letters count A=10 ... Z=35 (not their place in USCC_ALPHABET):
    # W1234567: 32*3+1*7+2*9+3*10+4*5+5*8+6*4+7*2 = 249, 249 mod 11 = 7, 11-7 = 4.
    # Z0000000: 35*3 = 105, 105 mod 11 = 6, 11-6 = 5 (GB 11714 itself allows every letter).
    assert org_code_check_char(body) == expected


@pytest.mark.parametrize(
    ("first17", "expected"),
    [("11010519491231002", "X"), ("44052418800101001", "4"), ("00000000000000000", "1")],
)
def test_resident_id_check_char_examples(first17, expected):
    assert resident_id_check_char(first17) == expected


@pytest.mark.parametrize("position", range(1, 18))
def test_resident_id_weight_of_each_position_is_a_power_of_two_mod_11(position):
    # ISO 7064 MOD 11-2: the weight of the character at ``position`` is 2^(18-position) mod 11.
    first17 = "0" * (position - 1) + "1" + "0" * (17 - position)
    assert resident_id_check_char(first17) == "10X98765432"[pow(2, 18 - position, 11)]


@pytest.mark.parametrize(
    ("function", "value"),
    [
        (uscc_check_char, "0" * 16),
        (uscc_check_char, "0" * 16 + "I"),
        (org_code_check_char, "0000000"),
        (org_code_check_char, "0000000*"),
        (resident_id_check_char, "1" * 16 + "X"),
    ],
)
def test_check_char_functions_refuse_malformed_input(function, value):
    with pytest.raises(ValueError):
        function(value)


# --- unified social credit code ---------------------------------------------------------------------


@pytest.mark.parametrize("code", PUBLISHED_USCCS)
def test_published_unified_social_credit_codes_are_valid(code):
    assert org_code_check_char(code[8:16]) == code[16]
    assert uscc_check_char(code[:17]) == code[17]
    assert validate_uscc(code) == code


def test_uscc_input_is_normalised():
    assert validate_uscc(" 91350100m000100y43\n") == "91350100M000100Y43"
    assert validate_uscc("\u3000９１３５０１００ｍ０００１００Ｙ４３\u3000") == "91350100M000100Y43"
    assert validate_uscc("9144030071526726xg") == "9144030071526726XG"


@pytest.mark.parametrize(
    ("value", "code", "params", "fragment"),
    [
        ("", "required", None, "Enter the unified social credit code."),
        (" \u3000\t", "required", None, "Enter the unified social credit code."),
        ("91350100M000100Y4", "length", {"length": 17}, "must have 18 characters, not 17."),
        ("91350100M000100Y431", "length", {"length": 19}, "must have 18 characters, not 19."),
        # The length is reported before a bad character.
        ("91350100M000I00Y4", "length", {"length": 17}, "not 17"),
        ("91350100M000O00Y43", "character", {"position": 13, "char": "O"}, "Character 13 (O) is not allowed"),
        ("91350100m000o00y43", "character", {"position": 13, "char": "O"}, "Character 13 (O) is not allowed"),
        ("I1350100M000100Y43", "character", {"position": 1, "char": "I"}, "Character 1 (I) is not allowed"),
        ("91350100M000100Y4*", "character", {"position": 18, "char": "*"}, "Character 18 (*) is not allowed"),
        ("9135 100M000100Y43", "character", {"position": 5, "char": " "}, "Character 5 ( ) is not allowed"),
        ("91350100M000100S43", "character", {"position": 16, "char": "S"}, "I, O, S, V, Z are never used"),
        # A character outside the alphabet is reported before a letter in the division code.
        ("91A50100M000100Z43", "character", {"position": 16, "char": "Z"}, "Character 16 (Z)"),
        ("913501A0M000100Y43", "division", None, "Characters 3–8 of the unified social credit code must"),
        ("91350100M000100Y53", "org_check", {"expected": "4"}, "Character 17 (the organisation code check"),
        # M000200Y: 22*3+2*5+34*2 = 144, 144 mod 11 = 1, 11-1 = 10 -> X.
        ("91350100M000200Y43", "org_check", {"expected": "X"}, "should be X."),
        ("91350100M000100Y44", "check", {"expected": "3"}, "Character 18 (check character) should be 3."),
        ("914403001922038217", "check", {"expected": "6"}, "should be 6."),
        ("9144030071526726X0", "check", {"expected": "G"}, "should be G."),
        # Characters 1-2 only enter the final check.
        ("92350100M000100Y43", "check", {"expected": uscc_check_char("92350100M000100Y4")}, "should be"),
    ],
)
def test_uscc_errors_name_the_problem(value, code, params, fragment):
    error = _error(validate_uscc, value)
    assert error.code == code
    assert error.params == params
    assert fragment in _message(error)


@pytest.mark.parametrize("position", range(3, 9))
def test_uscc_letter_anywhere_in_the_division_code_is_refused(position):
    # Both check characters are made right, so the division code is the only problem.
    first16 = "91350100M000100Y"
    first16 = first16[: position - 1] + "A" + first16[position:]
    first17 = first16 + org_code_check_char(first16[8:])
    error = _error(validate_uscc, first17 + uscc_check_char(first17))
    assert (error.code, error.params) == ("division", None)
    assert _message(error) == (
        "Characters 3–8 of the unified social credit code must be the 6-digit administrative division code."
    )


def test_uscc_letters_outside_the_division_code_are_allowed():
    first16 = "AY350100MNPQRTUW"
    first17 = first16 + org_code_check_char(first16[8:])
    assert validate_uscc(first17 + uscc_check_char(first17)) == first17 + uscc_check_char(first17)


def test_uscc_org_check_error_names_the_expected_character():
    # Body "00000000" has check "0"; the final character is made right so only character 17 is wrong.
    first17 = "91350100" + "00000000" + "1"
    error = _error(validate_uscc, first17 + uscc_check_char(first17))
    assert (error.code, _message(error)) == (
        "org_check",
        "Character 17 (the organisation code check character) should be 0.",
    )


def test_uscc_wrong_final_character_message_in_full():
    error = _error(validate_uscc, "91330100716105852G")
    assert _message(error) == "Character 18 (check character) should be F."


# --- resident identity number -----------------------------------------------------------------------


def test_gb11643_example_is_valid_and_normalised():
    assert validate_resident_id(GB11643_EXAMPLE) == GB11643_EXAMPLE
    assert validate_resident_id("11010519491231002x") == GB11643_EXAMPLE
    assert validate_resident_id("\u3000１１０１０５１９４９１２３１００２ｘ ") == GB11643_EXAMPLE
    assert validate_resident_id("110105194912３1002X") == GB11643_EXAMPLE


def test_gb11643_1880_example_has_a_right_check_digit_but_a_date_before_1900():
    assert resident_id_check_char(GB11643_EXAMPLE_1880[:17]) == GB11643_EXAMPLE_1880[17]
    error = _error(validate_resident_id, GB11643_EXAMPLE_1880)
    assert (error.code, error.params) == ("birth_date", {"value": "18800101"})
    assert _message(error) == "Characters 7–14 (18800101) are not a valid date of birth."


@pytest.mark.parametrize(
    ("value", "code", "params", "fragment"),
    [
        ("", "required", None, "Enter the resident identity number."),
        ("\u3000", "required", None, "Enter the resident identity number."),
        ("11010519491231002", "length", {"length": 17}, "must have 18 characters, not 17."),
        ("1101051949123100201", "length", {"length": 19}, "must have 18 characters, not 19."),
        ("11010519491231002Y", "character", {"position": 18, "char": "Y"}, "Character 18 (Y) is not allowed"),
        ("1101051949123100X2", "character", {"position": 17, "char": "X"}, "Character 17 (X) is not allowed"),
        ("A1010519491231002X", "character", {"position": 1, "char": "A"}, "Character 1 (A) is not allowed"),
        ("110105194912-1002X", "character", {"position": 13, "char": "-"}, "Character 13 (-)"),
        # A superscript three is a Unicode digit but not an ASCII one.
        ("110105194912\u00b31002X", "character", {"position": 13, "char": "\u00b3"}, "Character 13 (\u00b3)"),
        ("110105194912310021", "check", {"expected": "X"}, "Character 18 (check digit) should be X."),
    ],
)
def test_resident_id_errors_name_the_problem(value, code, params, fragment):
    error = _error(validate_resident_id, value)
    assert error.code == code
    assert error.params == params
    assert fragment in _message(error)


@pytest.mark.parametrize(
    "province", ["00", "10", "16", "20", "24", "30", "38", "47", "55", "60", "66", "72", "84", "91"]
)
def test_resident_id_with_an_unknown_province_code_is_refused(province):
    error = _error(validate_resident_id, _resident_id(province + "010519491231002"))
    assert (error.code, error.params) == ("region", {"value": province})
    assert _message(error) == f"Characters 1–2 ({province}) are not a valid province code."


@pytest.mark.parametrize("province", PROVINCE_CODES)
def test_resident_id_accepts_every_province_code(province):
    number = _resident_id(province + "010519491231002")
    assert validate_resident_id(number) == number


@pytest.mark.parametrize(
    "birth", ["19491331", "19490230", "19000229", "18991231", "00000000", "20250616", "20991231"]
)
def test_resident_id_with_an_impossible_birth_date_is_refused(birth):
    error = _error(validate_resident_id, _resident_id("110105" + birth + "002"), today=TODAY)
    assert (error.code, error.params) == ("birth_date", {"value": birth})
    assert _message(error) == f"Characters 7–14 ({birth}) are not a valid date of birth."


@pytest.mark.parametrize("birth", ["19000101", "20000229", "20250615"])
def test_resident_id_birth_date_limits_are_inclusive(birth):
    number = _resident_id("110105" + birth + "002")
    assert validate_resident_id(number, today=TODAY) == number


def test_resident_id_born_tomorrow_is_refused_by_default():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    error = _error(validate_resident_id, _resident_id(f"110105{tomorrow:%Y%m%d}002"))
    assert error.code == "birth_date"


def test_resident_id_errors_come_in_order():
    # A bad province, an impossible date and a wrong check digit: the province is reported.
    assert _error(validate_resident_id, "990105194913310020").code == "region"
    # An impossible date and a wrong check digit: the date is reported.
    assert _error(validate_resident_id, "110105194913310020").code == "birth_date"
    # A bad character and a bad province: the character is reported.
    assert _error(validate_resident_id, "99010519491231002Y").code == "character"


def test_birth_date_from_resident_id():
    assert birth_date_from_resident_id(GB11643_EXAMPLE) == datetime.date(1949, 12, 31)
    assert birth_date_from_resident_id(" 11010519491231002x") == datetime.date(1949, 12, 31)
    with pytest.raises(ValueError):
        birth_date_from_resident_id("110105194913310020")
    with pytest.raises(ValueError):
        birth_date_from_resident_id("1101051949")


# --- normalisation and masking ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  abc123  ", "ABC123"),
        ("\u3000\t91350100m000100y43\r\n\u3000", "91350100M000100Y43"),
        ("ＡＢＣｘｙｚ０１２９", "ABCXYZ0129"),
        ("a b", "A B"),  # only surrounding whitespace is removed
        ("ß中", "ß中"),  # only ASCII letters change case, so every character keeps its position
        ("", ""),
    ],
)
def test_normalize_identifier(value, expected):
    assert normalize_identifier(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11010519491231002X", "110105********002X"),
        ("440524188001010014", "440524********0014"),
        ("91350100M000100Y43", "913501********0Y43"),
        ("1234567", "1*****7"),
        ("1101051949123100201", "1" + "*" * 17 + "1"),
        ("12", "12"),
        ("1", "1"),
        ("", ""),
    ],
)
def test_mask_resident_id(value, expected):
    assert mask_resident_id(value) == expected


# --- properties -------------------------------------------------------------------------------------

ALPHABET_CHARS = st.sampled_from(USCC_ALPHABET)
DIGITS = st.sampled_from("0123456789")
# Characters that are never valid (after normalisation) and some that normalise to a valid one.
INVALID_CHARS = "IOSVZ*-a io sz\u3000中é²Ｉ０ａｘ"


@st.composite
def valid_usccs(draw) -> str:
    head = draw(ALPHABET_CHARS) + draw(ALPHABET_CHARS)
    division = "".join(draw(st.lists(DIGITS, min_size=6, max_size=6)))
    body = "".join(draw(st.lists(ALPHABET_CHARS, min_size=8, max_size=8)))
    first17 = head + division + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


@st.composite
def valid_resident_ids(draw) -> str:
    address = draw(st.sampled_from(PROVINCE_CODES)) + "".join(draw(st.lists(DIGITS, min_size=4, max_size=4)))
    birth = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2020, 12, 31)))
    sequence = "".join(draw(st.lists(DIGITS, min_size=3, max_size=3)))
    first17 = f"{address}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence}"
    return first17 + resident_id_check_char(first17)


@PROPERTY_SETTINGS
@given(valid_usccs())
def test_property_every_well_formed_uscc_is_valid(code):
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code


@PROPERTY_SETTINGS
@given(valid_usccs(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET + INVALID_CHARS))
def test_property_any_single_substitution_in_a_uscc_is_refused(code, index, replacement):
    # Input is normalised on purpose (upper case, full-width to ASCII), so a "substitution" by the same
    # character in another case or width is no change at all and is left out.
    assume(normalize_identifier(replacement) != code[index])
    changed = code[:index] + replacement + code[index + 1 :]
    error = _error(validate_uscc, changed)
    assert error.code in {"length", "character", "division", "org_check", "check"}
    # Within the alphabet the check characters name the character that was there.
    if replacement in USCC_ALPHABET and index in (0, 1):  # characters 1-2 only enter the final check
        assert (error.code, error.params) == ("check", {"expected": uscc_check_char(changed[:17])})
    if replacement in USCC_ALPHABET and index == 16:
        assert (error.code, error.params) == ("org_check", {"expected": code[16]})
    if replacement in USCC_ALPHABET and index == 17:
        assert (error.code, error.params) == ("check", {"expected": code[17]})


@PROPERTY_SETTINGS
@given(valid_resident_ids())
def test_property_every_well_formed_resident_id_is_valid(number):
    assert validate_resident_id(number) == number
    assert validate_resident_id(number.lower()) == number
    assert mask_resident_id(number) == number[:6] + "********" + number[14:]


@PROPERTY_SETTINGS
@given(valid_resident_ids(), st.integers(0, 17), st.sampled_from("0123456789X" + INVALID_CHARS))
def test_property_any_single_substitution_in_a_resident_id_is_refused(number, index, replacement):
    # As above: a lower-case or full-width form of the same character is not a substitution.
    assume(normalize_identifier(replacement) != number[index])
    changed = number[:index] + replacement + number[index + 1 :]
    # A changed date may also be an impossible one; either refusal is right.
    error = _error(validate_resident_id, changed, today=TODAY)
    assert error.code in {"length", "character", "region", "birth_date", "check"}
    if replacement.isascii() and replacement.isdigit() and index == 17:
        assert (error.code, error.params) == ("check", {"expected": number[17]})
