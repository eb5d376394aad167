"""Data the platform pushes down to the county (SPEC §5 "Platform exchange", 000 Art. 4): national
public-credit evaluation results and red/black lists, imported idempotently so that they feed grading.

Both arrive as items in the platform's envelope — the same one we push up — one JSON object per line
of a file, or a list in the body of a POST to ``/api/exchange/pulldown/``::

    {"id": "<the platform's id>", "type": "national_evaluation",
     "payload": {"subject_code", "subject_name", "subject_kind", "grade", "as_of"}}
    {"id": "<the platform's id>", "type": "list.entry",
     "payload": {"subject_code", "subject_name", "subject_kind", "list_type": "red" | "black",
                 "reason", "authority", "level", "listed_on", "removed_on"?, "removal_reason"?}}

- A national result becomes an effective record of the kind 国家公共信用综合评价结果 with the grade as
  its external grade, entered for the credit office by the set-based record import (unknown subjects
  are registered, identifiers checked); the platform's id is its document number, so the same result
  imported again is a duplicate and creates nothing.
- A list entry goes through ``measures.services.list_entry_add(source="platform", external_id=id)``,
  idempotent on the platform's id; a ``removed_on`` ends the listing (once).

National results are not queued to be pushed back up (the platform sent them); a listing is not
either (measures' rule for platform entries), while the county record it creates is queued as every
record is. A bad item is reported with its position and reason and changes nothing; the good ones
are kept.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_log_write

NATIONAL = "national_evaluation"
LIST_ENTRY = "list.entry"
CREDIT_OFFICE_DEPARTMENT = "xyb"
NATIONAL_MATTER = "国家公共信用综合评价"

# Subject kinds the platform may send (our codes or the Chinese names) → 主体类别 of the record template.
KIND_NAMES = {
    "legal_person": "法人",
    "unincorporated": "非法人组织",
    "social_organisation": "社会组织",
    "public_institution": "事业单位",
    "individual_business": "个体工商户",
    "natural_person": "自然人",
}


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


def _national_rows(items: list[tuple[int, dict]], result: PulldownResult) -> tuple[bytes, list[int]]:
    """A general-template CSV of the national results, and the item index of each data row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "主体名称",
            "主体类别",
            "主体代码",
            "信息类别",
            "决定文书号",
            "决定日期",
            "处罚类别",
            "罚款金额（元）",
        ]
        + ["严重程度", "内容", "违法行为", "评定等级"]
    )
    indexes = []
    for index, item in items:
        p = item["payload"]
        grade = str(p.get("grade") or "").strip()
        writer.writerow(
            [
                p.get("subject_name", ""),
                KIND_NAMES.get(p.get("subject_kind", ""), p.get("subject_kind", "")),
                p.get("subject_code", ""),
                "国家公共信用综合评价结果",
                str(item.get("id", "")).strip(),
                p.get("as_of") or p.get("evaluated_on") or "",
                "",
                "",
                "",
                f"国家公共信用综合评价结果：{grade}" if grade else "",
                NATIONAL_MATTER,
                grade,
            ]
        )
        indexes.append(index)
    return buffer.getvalue().encode("utf-8"), indexes


def _import_national(*, actor, items: list[tuple[int, dict]], result: PulldownResult) -> None:
    from accounts.models import Department
    from records.importing import ImportFileError, records_import

    if not items:
        return
    content, indexes = _national_rows(items, result)
    try:
        outcome = records_import(
            content=content,
            file_name="platform-national-evaluation.csv",
            department=Department.objects.get(code=CREDIT_OFFICE_DEPARTMENT),
            actor=actor,
            approve=True,
            push=False,
        )
    except ImportFileError as exc:
        for index, item in items:
            _reject(result, index, item, str(exc))
        return
    by_item = dict(items)
    messages: dict[int, list[str]] = {}
    for error in outcome.errors:
        index = indexes[error.row_number - 2]  # row 1 is the header
        messages.setdefault(index, []).append(
            f"{error.column}：{error.message}" if error.column else error.message
        )
    for index, texts in messages.items():
        _reject(result, index, by_item[index], "；".join(texts))
    result.national_created += outcome.batch.rows_created
    result.national_duplicates += outcome.batch.rows_duplicate


def _import_list_entry(*, actor, index: int, item: dict, result: PulldownResult) -> None:
    from measures.models import ListEntry, ListSource
    from measures.services import list_entry_add, list_entry_remove
    from records.services import record_subject_resolve

    p = item["payload"]
    external_id = str(item.get("id", "")).strip()
    try:
        with transaction.atomic():
            existing = ListEntry.objects.filter(source=ListSource.PLATFORM, external_id=external_id).first()
            if existing is None:
                subject = record_subject_resolve(
                    actor=actor,
                    code=p.get("subject_code", ""),
                    kind={v: k for k, v in KIND_NAMES.items()}.get(p.get("subject_kind", ""), "")
                    or p.get("subject_kind", ""),
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
    from accounts.permissions import is_credit_office

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
    _import_national(actor=actor, items=national, result=result)
    for index, item in lists:
        _import_list_entry(actor=actor, index=index, item=item, result=result)
    result.rejected.sort(key=lambda r: r["item"])
    with transaction.atomic():
        audit_log_write(
            actor=actor,
            action="exchange.pulldown",
            after={"source": source, **{k: v for k, v in result.as_dict().items() if k != "rejected"}}
            | {"rejected": len(result.rejected)},
        )
    return result
