"""Filters shared by the apps' filter sets (pages and API alike)."""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

# The largest key a database row can have (PostgreSQL bigint, SQLite integer).
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """The number of a row, as a whole number within the range of a key. A value such as ``1e30``,
    ``1.5`` or a number past the key range is refused by the form (the API answers 400) instead of
    reaching the database, where SQLite overflows and PostgreSQL compares numerics."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
