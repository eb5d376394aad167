"""One read-only admin for the rows that only services write (records, objections, measures applied,
the audit chain, the access log): the admin shows them, and every change goes through the service
that audits it (STYLE §2-3)."""


class ReadOnlyAdminMixin:
    """Put first among a ``ModelAdmin``'s bases: no add, change or delete in the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
