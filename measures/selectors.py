"""Reads of the measures app: list memberships in force, and which measures apply to a subject now."""

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import ListEntry


def list_entries_in_force(*, subject_ids: Iterable[int] | None, on: datetime.date | None = None) -> QuerySet:
    """Listings in force on ``on`` (today by default): listed on or before that day and not removed by
    then (``removed_on`` is the first day a listing no longer holds). ``subject_ids=None``: every
    subject (the public lists)."""
    on = on or timezone.localdate()
    qs = ListEntry.objects.filter(listed_on__lte=on).filter(Q(removed_on__isnull=True) | Q(removed_on__gt=on))
    if subject_ids is not None:
        qs = qs.filter(subject_id__in=list(subject_ids))
    return qs.select_related("subject", "department").order_by("list_type", "-listed_on", "-id")
