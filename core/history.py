"""Set-based history rows for bulk writes.

django-simple-history's ``bulk_create_with_history`` builds one Python object per history row; for a
50,000-row spreadsheet that costs as much as the import itself. Here the history rows are copied from
the rows just written by one ``INSERT … SELECT`` — the same columns simple-history writes itself.

The rows are chosen by a queryset, not by SQL text: the ORM writes the condition and its parameters,
so no caller can put an unescaped value into the statement.
"""

from django.db import connections, models
from django.utils import timezone


def history_copy(
    *,
    queryset: models.QuerySet,
    user_id: int | None,
    reason: str = "",
    history_type: str = "+",
) -> int:
    """Write a history row for every row of ``queryset`` (a queryset of a model with
    ``HistoricalRecords``): "created" (``+``) by default, "changed" (``~``) after a set-based update.
    Returns how many rows were written."""
    model = queryset.model
    history_model = model.history.model
    fields = [f for f in history_model._meta.concrete_fields if not f.name.startswith("history_")]
    # The current values of the tracked columns, in the history table's column order.
    select_sql, select_params = (
        queryset.order_by().values_list(*(f.attname for f in fields)).query.sql_with_params()
    )
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    history_columns = ["history_date", "history_type", "history_user_id", "history_change_reason"]
    sql = (
        f"INSERT INTO {quote(history_model._meta.db_table)} "
        f"({', '.join(quote(c) for c in [f.column for f in fields] + history_columns)}) "
        f"SELECT src.*, %s, %s, %s, %s FROM ({select_sql}) src"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), history_type, user_id, reason or None, *select_params])
        return cursor.rowcount
