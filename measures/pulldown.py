"""Data the platform pushes down to the county (SPEC §5 "Platform exchange", 000 Art. 4): national
public-credit evaluation results and red/black lists, imported idempotently so that they feed grading.

Both arrive as items in the platform's envelope — the same one we push up — one JSON object per line
of a file (``manage.py import_pulldown``), or a list in the body of a POST to
``/api/exchange/pulldown/``::

    {"id": "<the platform's id>", "type": "national_evaluation",
     "payload": {"subject_code", "subject_name", "subject_kind", "grade", "as_of"}}
    {"id": "<the platform's id>", "type": "list.entry",
     "payload": {"subject_code", "subject_name", "subject_kind", "list_type": "red" | "black",
                 "reason", "authority", "level", "listed_on", "removed_on"?, "removal_reason"?}}

- A national result becomes an effective record of the credit office through the intake writer
  (``records.pulldown``); the platform's id is its document number, so it is imported once.
- A list entry goes through ``list_entry_add(source="platform", external_id=id)``, idempotent on the
  platform's id; a ``removed_on`` ends the listing (once).

National results are not queued to be pushed back up (the platform sent them); a listing is not
either (the rule for platform entries), while the county record it creates is queued as every record
is. A bad item is reported with its position in the list and its reason and changes nothing; the good
ones are kept.
"""

import json
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Department
from accounts.permissions import is_credit_office
from audit.services import audit_log_write
from records.intake import subject_kind_from
from records.pulldown import national_results_import
from records.services import record_subject_resolve

from .models import ListEntry, ListSource
from .services import CREDIT_OFFICE_DEPARTMENT, list_entry_add, list_entry_remove

NATIONAL = "national_evaluation"
LIST_ENTRY = "list.entry"


class PulldownError(Exception):
    """The input as a whole is unusable (nothing imported)."""


@dataclass
class PulldownResult:
    national_created: int = 0
    national_duplicates: int = 0
    lists_added: int = 0
    lists_existing: int = 0
    lists_removed: int = 0
    rejected: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "national_created": self.national_created,
            "national_duplicates": self.national_duplicates,
            "lists_added": self.lists_added,
            "lists_existing": self.lists_existing,
            "lists_removed": self.lists_removed,
            "rejected": self.rejected,
        }


def pulldown_parse_lines(content: bytes) -> list[dict]:
    """The items of a JSON Lines file (UTF-8, with or without BOM); blank lines are skipped."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PulldownError(_("The file is not UTF-8 text.")) from None
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except ValueError:
            raise PulldownError(_("Line %(line)s is not valid JSON.") % {"line": number}) from None
    return items


def _reject(result: PulldownResult, index: int, item, message: str) -> None:
    result.rejected.append(
        {"item": index, "id": item.get("id", "") if isinstance(item, dict) else "", "error": message}
    )


def _list_entry_import(*, actor, index: int, item: dict, result: PulldownResult) -> None:
    p = item["payload"]
    external_id = str(item.get("id", "")).strip()
    try:
        with transaction.atomic():
            existing = ListEntry.objects.filter(source=ListSource.PLATFORM, external_id=external_id).first()
            if existing is None:
                code, kind = p.get("subject_code", ""), p.get("subject_kind", "")
                subject = record_subject_resolve(
                    actor=actor,
                    code=code,
                    kind=subject_kind_from(kind, code) or kind,
                    name=p.get("subject_name", ""),
                )
                existing = list_entry_add(
                    actor=actor,
                    list_type=p.get("list_type", ""),
                    subject=subject,
                    reason=p.get("reason", ""),
                    authority=p.get("authority", ""),
                    listed_on=p.get("listed_on", ""),
                    level=p.get("level") or "national",
                    source=ListSource.PLATFORM,
                    external_id=external_id,
                    document_number=p.get("document_number", ""),
                )
                result.lists_added += 1
            else:
                result.lists_existing += 1
            if p.get("removed_on") and existing.removed_on is None:
                list_entry_remove(
                    actor=actor,
                    entry=existing,
                    removed_on=p["removed_on"],
                    reason=p.get("removal_reason") or _("Removed by the platform."),
                )
                result.lists_removed += 1
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            texts = [
                f"{k}：{'；'.join(v)}" if k != "__all__" else "；".join(v)
                for k, v in exc.message_dict.items()
            ]
        else:
            texts = exc.messages
        _reject(result, index, item, "；".join(texts))


def pulldown_import(*, actor, items: list, source: str) -> PulldownResult:
    """Import the platform's items (see the module docstring). Only the credit office or the system."""
    if actor is not None and not is_credit_office(actor):
        raise PermissionDenied(_("Only the credit office imports the platform's data."))
    if not isinstance(items, list):
        raise PulldownError(_("Send a list of items."))
    result = PulldownResult()
    national: list[tuple[int, dict]] = []
    lists: list[tuple[int, dict]] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("payload"), dict):
            _reject(result, index, item, _("Each item needs an id, a type and a payload object."))
        elif not str(item.get("id", "")).strip():
            _reject(result, index, item, _("The item has no id from the platform."))
        elif item.get("type") == NATIONAL:
            national.append((index, item))
        elif item.get("type") == LIST_ENTRY:
            lists.append((index, item))
        else:
            _reject(
                result,
                index,
                item,
                _("Unknown type “%(type)s”: use national_evaluation or list.entry.")
                % {"type": item.get("type")},
            )
    if national:
        outcome = national_results_import(
            actor=actor,
            department=Department.objects.get(code=CREDIT_OFFICE_DEPARTMENT),
            items=national,
            source=source,
        )
        by_index = dict(national)
        for index, message in outcome.rejected.items():
            _reject(result, index, by_index[index], message)
        result.national_created += outcome.created
        result.national_duplicates += outcome.duplicates
    for index, item in lists:
        _list_entry_import(actor=actor, index=index, item=item, result=result)
    result.rejected.sort(key=lambda r: r["item"])
    with transaction.atomic():
        audit_log_write(
            actor=actor,
            action="exchange.pulldown",
            after={"source": source, **{k: v for k, v in result.as_dict().items() if k != "rejected"}}
            | {"rejected": len(result.rejected)},
        )
    return result
