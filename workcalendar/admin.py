"""The adjustment table in the admin, where the credit office enters the State Council's yearly
holiday notice. Every change clears the working-day cache of this process at once, so the next
deadline computed here already follows the new schedule."""

from django.contrib import admin
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import workdays
from .models import DayAdjustment


@admin.register(DayAdjustment)
class DayAdjustmentAdmin(SimpleHistoryAdmin):
    list_display = ["day", "weekday", "kind", "note", "created_at"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["note"]
    ordering = ["day"]
    readonly_fields = ["created_at"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: DayAdjustment) -> str:
        # Shown because the notice's make-up days are Saturdays and Sundays: a wrong weekday in
        # this column is the quickest sign of a mistyped date.
        return WEEKDAYS[obj.day.weekday()]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        workdays.clear_cache()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        workdays.clear_cache()

    def delete_queryset(self, request, queryset) -> None:
        # The "delete selected" action bypasses delete_model.
        super().delete_queryset(request, queryset)
        workdays.clear_cache()
