"""The ``where``-string form of ``core.history.history_copy``, for ``records/importing.py`` only, until
the importer's rewrite calls ``core.history.history_copy`` with a queryset; then this module goes.

The condition is the importer's own constant text with its values as parameters, never user input."""

from django.db import models

from core.history import history_copy as history_copy_rows


def history_copy(
    *,
    model: type[models.Model],
    where: str,
    params: list,
    user_id: int | None,
    reason: str = "",
    history_type: str = "+",
) -> int:
    return history_copy_rows(
        queryset=model._default_manager.extra(where=[where], params=params),
        user_id=user_id,
        reason=reason,
        history_type=history_type,
    )
