"""Filters shared by the filter sets of every app (one ``filtersets.py`` per app, STYLE §7)."""

import re

import django_filters
from django import forms

# The largest value a BigAutoField (and any integer column we filter on) holds.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A row id in a query string. ``NumberFilter`` reads a decimal, so ``?record=1e30`` reached the
    database as a 31-digit integer (an OverflowError on SQLite, out of range on PostgreSQL: a 500).
    A whole number between 1 and the largest id is accepted; anything else is a 400 in the API and is
    ignored on a list page."""

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
