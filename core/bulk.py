"""Bulk inserts of new rows at the speed of ``COPY`` on PostgreSQL.

``QuerySet.bulk_create`` sends a thousand rows as one statement whose values the driver spells out
as SQL literals and the server parses again; for the tens of thousands of records of a spreadsheet
import that costs several times the writing itself. ``rows_insert`` writes the same rows with
``COPY … FROM STDIN``: the values are the ones ``bulk_create`` would send (each field prepares its
own, ``pre_save`` included, so ``auto_now_add`` and encrypted fields behave the same), the primary
keys are drawn from the table's sequence beforehand and set on the objects, as ``bulk_create`` sets
them. Other databases, and a value this module cannot spell in ``COPY``'s text format, take
``bulk_create``. No signals are sent, as with ``bulk_create``.
"""

import datetime
import decimal
import io
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import connections, models, router
from django.db.models import Field

M = TypeVar("M", bound=models.Model)

# Field classes whose prepared value is the Python value itself when it has one of these types (their
# ``get_db_prep_save`` returns it unchanged on PostgreSQL); other fields prepare their values.
# (None of a nullable column is None to all of them.) A ``DateTimeField`` keeps an aware time as it is
# (a naive one is made aware by the field, with its warning).
_NONE = type(None)
_SAME_VALUE: dict[type, tuple[type, ...]] = {
    models.CharField: (str, _NONE),
    models.TextField: (str, _NONE),
    models.ForeignKey: (int, _NONE),
    models.OneToOneField: (int, _NONE),
    models.BooleanField: (bool, _NONE),
    models.IntegerField: (int, _NONE),
    models.PositiveIntegerField: (int, _NONE),
    models.PositiveSmallIntegerField: (int, _NONE),
    models.BigIntegerField: (int, _NONE),
    models.DateField: (datetime.date, _NONE),
    models.DateTimeField: (datetime.datetime, _NONE),
    models.DecimalField: (decimal.Decimal, _NONE),
}


class _NotCopyable(Exception):
    """A prepared value ``COPY``'s text format is not spelled for here: ``bulk_create`` writes it."""


def _escaped(text: str) -> str:
    # COPY's text format: a backslash starts an escape; tab, newline and carriage return end a field
    # or a row. A NUL is refused by the driver before an INSERT and by the server in a COPY: the
    # INSERT keeps the driver's error.
    if "\x00" in text:
        raise _NotCopyable(str)
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy_text(value) -> str:
    kind = type(value)
    if kind is str:
        return _escaped(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is decimal.Decimal or kind is uuid.UUID:
        return str(value)
    if kind is datetime.date:
        return value.isoformat()
    if kind is datetime.datetime:
        if value.tzinfo is None:  # a naive time means the server's zone to COPY; refuse to guess
            raise _NotCopyable(kind)
        return value.isoformat()
    if isinstance(value, str):  # a choice (``TextChoices`` member): the driver sends its text
        return _escaped(str.__str__(value))
    if isinstance(value, int):  # an ``IntegerChoices`` member
        return int.__repr__(value)
    if isinstance(value, _json_adapter()):  # a JSONField's value, as the driver would send it
        return _escaped(value.dumps(value.adapted))
    raise _NotCopyable(kind)


def _json_adapter() -> type:
    from psycopg2.extras import Json  # only on PostgreSQL, where Django adapts JSON with it

    return Json


def _column(field: Field, objs: Sequence[models.Model], connection) -> list[str]:
    """One column of the rows in COPY's text format, prepared as ``bulk_create`` prepares it."""
    if type(field).pre_save is Field.pre_save:
        values = [getattr(obj, field.attname) for obj in objs]
    else:
        values = [field.pre_save(obj, True) for obj in objs]
    same = _SAME_VALUE.get(type(field))
    prep = field.get_db_prep_save
    if same is None:
        values = [prep(v, connection) for v in values]
    elif same[0] is datetime.datetime:
        values = [
            v if v is None or (type(v) is datetime.datetime and v.tzinfo is not None) else prep(v, connection)
            for v in values
        ]
    elif not all(type(v) in same for v in values):
        values = [v if type(v) in same else prep(v, connection) for v in values]
    if all(type(v) is str for v in values):
        # Most text columns hold nothing COPY escapes: one look at them all instead of one per value.
        joined = "".join(values)
        if not any(char in joined for char in "\\\t\n\r\x00"):
            return values
    return [_copy_text(v) for v in values]


def _related_keys_set(obj: models.Model, relations: list[Field]) -> bool:
    """Whether every related object ``obj`` holds is saved and its key already in ``obj``'s column:
    then ``_prepare_related_fields_for_save`` has nothing to do (it is the slow part of a bulk write)."""
    if obj._meta.private_fields:
        return False
    cache = obj._state.fields_cache
    for field in relations:
        related = cache.get(field.cache_name)
        if related is None:
            continue
        if field.target_field is not related._meta.pk or related.pk is None:
            return False
        if getattr(obj, field.attname) != related.pk:
            return False
    return True


def new_instances(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> list[models.Model]:
    """Unsaved instances of ``model``, one per dict of field values (a related object by the field's
    name, or its key by the column's attribute name; the other fields take their defaults), made by
    the positional fast path of ``Model.__init__``: for tens of thousands of rows the keyword path
    and the related-object descriptors cost more than writing them. A related object given is kept
    on the instance, as assigning it would keep it."""
    opts = model._meta
    fields = opts.concrete_fields
    names = [f.attname for f in fields]
    related = {f.name: f for f in fields if f.is_relation and f.name != f.attname}
    per_instance = [f for f in fields if f.has_default() and callable(f.default)]
    fixed = {f.attname: f.get_default() for f in fields if f not in per_instance}
    made = []
    for row in rows:
        values = dict(fixed)
        for field in per_instance:
            values[field.attname] = field.get_default()
        keep = []
        for key, value in row.items():
            field = related.get(key)
            if field is not None:
                values[field.attname] = None if value is None else getattr(value, field.target_field.attname)
                keep.append((field, value))
            elif key in values:
                values[key] = value
            else:
                raise TypeError(f"{model.__name__} has no field {key!r}")
        instance = model(*[values[name] for name in names])
        for field, value in keep:
            field.set_cached_value(instance, value)
        made.append(instance)
    return made


def rows_insert(objs: list[M], *, batch_size: int = 1000) -> list[M]:
    """Insert the unsaved ``objs`` (all of one model with an automatic primary key) and return them
    with their primary keys set, like ``bulk_create(objs, batch_size=batch_size)``."""
    if not objs:
        return objs
    model = type(objs[0])
    opts = model._meta
    db = router.db_for_write(model)
    connection = connections[db]
    pk = opts.pk
    if (
        connection.vendor != "postgresql"
        or not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField)
        or any(obj.pk is not None for obj in objs)
    ):
        return model._base_manager.using(db).bulk_create(objs, batch_size=batch_size)
    relations = [f for f in opts.concrete_fields if f.is_relation]
    for obj in objs:
        if not _related_keys_set(obj, relations):
            # As bulk_create: a related object saved after it was assigned gives its key now (or the
            # insert is refused for one never saved).
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
    fields = [f for f in opts.concrete_fields if f is not pk]
    try:
        columns = [_column(f, objs, connection) for f in fields]
    except _NotCopyable:
        return model._base_manager.using(db).bulk_create(objs, batch_size=batch_size)
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in [pk.column] + [f.column for f in fields])
    sql = f"COPY {quote(opts.db_table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(opts.db_table), pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        lines = ["\t".join(row) + "\n" for row in zip(map(str, ids), *columns, strict=True)]
        for start in range(0, len(objs), batch_size):
            with connection.wrap_database_errors:
                cursor.cursor.copy_expert(sql, io.StringIO("".join(lines[start : start + batch_size])))
    for obj, key in zip(objs, ids, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = db
    return objs
