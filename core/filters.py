"""Filters shared by the apps' filter sets (pages and API alike; one ``filtersets.py`` per app, STYLE §7)."""

import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

# The largest key a database row can have (PostgreSQL bigint, SQLite integer).
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """The number of a row, as a whole number within the range of a key. ``NumberFilter`` reads a
    decimal, so ``?record=1e30`` reached the database as a 31-digit integer (an OverflowError on
    SQLite: a 500). A value such as ``1e30``, ``1.5`` or a number past the key range is refused by the
    form (the API answers 400; a list page ignores it) instead of reaching the database."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


_ID = re.compile(r"[0-9]{1,19}")


def id_from_text(text: str | None) -> int | None:
    """A row id from a query string or form value, or None. ``str.isdigit`` accepts "²" (which int()
    then refuses: a 500) and any length (an integer the database cannot hold)."""
    if text and _ID.fullmatch(text) and 0 < (value := int(text)) <= MAX_ID:
        return value
    return None


class _YesNoSelect(forms.NullBooleanSelect):
    """The select of the list pages ("unknown", "true", "false"); any other value is passed on as it
    is, for the field to refuse, instead of being read as "unknown"."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if value in (None, "", "unknown"):
            return None
        known = {
            True: True,
            "True": True,
            "true": True,
            "1": True,
            "2": True,
            False: False,
            "False": False,
            "false": False,
            "0": False,
            "3": False,
        }
        return known.get(value, value)


class _YesNoField(forms.NullBooleanField):
    widget = _YesNoSelect

    def to_python(self, value):
        if value in (None, True, False):
            return value
        raise forms.ValidationError(_("Enter true or false."), code="invalid")


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter that refuses a value other than true/false (the API answers 400) instead of
    ignoring it: ``?overdue=junk`` listed everything, as if the filter had not been asked for."""

    field_class = _YesNoField
