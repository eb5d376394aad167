"""Password rules of a level-3 system (GB/T 22239-2019 8.1.4.1 a: 身份鉴别信息具有复杂度要求).

SPEC §7: a password of at least 8 characters from 3 of the 4 character classes (such as the demo's
``Demo@2026``) is accepted. The length is Django's ``MinimumLengthValidator``; these two add the
character classes and refuse a password that contains the user name (Django's similarity validator
catches passwords that merely look like it).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CHARACTER_CLASSES = (
    ("upper", str.isupper),
    ("lower", str.islower),
    ("digit", str.isdigit),
)


def password_character_classes(password: str) -> set[str]:
    """The classes present in ``password``: upper- and lower-case letters, digits and symbols (anything
    else, Chinese characters included)."""
    found: set[str] = set()
    for char in password:
        for name, test in CHARACTER_CLASSES:
            if char.isascii() and test(char):
                found.add(name)
                break
        else:
            found.add("symbol")
    return found


class CharacterClassValidator:
    """At least ``min_classes`` of the four classes: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if len(password_character_classes(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "The password must mix at least %(n)d of these: upper-case letters, lower-case letters, "
            "digits and symbols.",
            "The password must mix at least %(n)d of these: upper-case letters, lower-case letters, "
            "digits and symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}


class UserNameInPasswordValidator:
    """The user name (3 characters or more), in any case, must not appear in the password."""

    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").casefold()
        if len(username) >= 3 and username in password.casefold():
            raise ValidationError(
                _("The password must not contain the user name."), code="password_has_username"
            )

    def get_help_text(self) -> str:
        return _("The password must not contain the user name.")
