"""Characters no stored text may hold, checked by every entry point (form, API, spreadsheet rows).

A NUL byte or a C0 control character cannot be written to a spreadsheet or a PDF and breaks other
systems the data goes to (the platform exchange). Bidirectional overrides and isolates (U+202A–U+202E,
U+2066–U+2069) and the invisible direction marks U+200E/U+200F make a text display differently from
what it holds (a name or a document number that looks like another one: CVE-2021-42574 "Trojan
Source"); no Chinese administrative text needs them, so they are refused rather than removed, and the
clerk sees which cell to fix.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def unsafe_character_message(text) -> str:
    """The reason ``text`` is refused, or "" when it holds none of the characters above."""
    if not isinstance(text, str):
        return ""
    found = UNSAFE.search(text)
    if found is None:
        return ""
    char = found.group()
    if char == "\x00":
        return _("The text contains a NUL character (U+0000); remove it.")
    if char in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        return _(
            "The text contains an invisible text-direction control character (U+%(code)04X) that makes it "
            "display differently from what it holds; remove it."
        ) % {"code": ord(char)}
    return _("The text contains a control character (U+%(code)04X); remove it.") % {"code": ord(char)}


def text_clean(value, *, field: str, label, max_length: int | None = None, required: bool = True) -> str:
    """A text input of a service as it is kept: a short one (``max_length``) on one line with single
    spaces, a long one stripped; refused on ``field`` — with ``label`` in the message — when required
    and empty, too long, or holding a character no stored text may hold."""
    value = " ".join(str(value or "").split()) if max_length else str(value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Enter the %(label)s.") % {"label": label}})
    if max_length and len(value) > max_length:
        raise ValidationError(
            {
                field: _("The %(label)s is too long (at most %(n)s characters).")
                % {"label": label, "n": max_length}
            }
        )
    unsafe = unsafe_character_message(value)
    if unsafe:
        raise ValidationError({field: unsafe})
    return value
