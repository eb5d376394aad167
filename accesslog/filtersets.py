"""Filters of the credit office's access-log page: by subject (row id, so no identity number travels in
an address), by user, by kind, by the purpose stated for a credit file and by date."""

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import AccessEntry, AccessKind, AccessPurpose


class AccessEntryFilterSet(django_filters.FilterSet):
    subject = django_filters.NumberFilter(field_name="subject_id", label=_("Subject"), min_value=1)
    user = django_filters.CharFilter(method="filter_user", label=_("User name"), max_length=150)
    kind = django_filters.ChoiceFilter(choices=AccessKind.choices, label=_("What was read"))
    purpose = django_filters.ChoiceFilter(choices=AccessPurpose.choices, label=_("Purpose"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AccessEntry
        fields = ["subject", "user", "kind", "purpose", "since", "until"]

    def filter_user(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Through the user's row id, which the log is indexed on.
        users = get_user_model().objects.filter(username__iexact=value).values("pk")
        return queryset.filter(user_id__in=users)
