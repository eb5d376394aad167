"""Set-based history rows for bulk writes.

django-simple-history's ``bulk_create_with_history`` builds one Python object per history row; for a
50,000-row spreadsheet that costs as much as the import itself. Here the history rows are copied from
the rows just written by one ``INSERT … SELECT`` — the same columns simple-history writes itself.
"""

from django.db import connection, models
from django.utils import timezone


def history_copy(
    *,
    model: type[models.Model],
    where: str,
    params: list,
    user_id: int | None,
    reason: str = "",
    history_type: str = "+",
) -> int:
    """Write a history row for every row of ``model`` matching ``where`` (SQL on its table): "created"
    (``+``) by default, "changed" (``~``) after a set-based update."""
    history_model = model.history.model
    quote = connection.ops.quote_name
    columns = [f.column for f in history_model._meta.concrete_fields if not f.name.startswith("history_")]
    history_columns = ["history_date", "history_type", "history_user_id", "history_change_reason"]
    sql = (
        f"INSERT INTO {quote(history_model._meta.db_table)} "
        f"({', '.join(quote(c) for c in columns + history_columns)}) "
        f"SELECT {', '.join(quote(c) for c in columns)}, %s, %s, %s, %s "
        f"FROM {quote(model._meta.db_table)} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), history_type, user_id, reason or None, *params])
        return cursor.rowcount
