"""Credit reports (信用报告, 004 §3(3), §5(3); SPEC §5 Documents, §7 ``credit_report``).

Firms need a credit report to bid, borrow and apply for subsidies; a report is a document issued through
``documents.services`` (a PDF with a number, the issuing office, the date, a verification code and a QR
code pointing at the public check), so whoever is handed one can check it is genuine and unaltered.

Two versions:

- the **public** version states what the public look-up shows that day (``public.selectors``): the
  grades in force (SPEC §3.5), the records within their publication period, the red and black list
  memberships in force — and the credit commitments kept and broken (004 §3(1)) and the verified
  voluntary information (004 §5(3));
- the subject's own **full** version states everything the subject's credit file holds about it
  (``workbench.credit_file``): every record that took effect with its status, the repairs, the
  objections and their outcomes, the reminders and interviews, the list memberships past and present,
  the commitments, and the measures that apply to it now (``measures.selectors.measures_applicable``).

A natural person's report also names the subjects the person answers for (004 §6(5), 000 Art. 11(3))
with their grades in force, lists and records. Every report issued to an account is logged in the access
log (003 §5(1) 查询使用) with its number; a subject's own download is its own business and is not.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from accesslog.services import access_log_credit_report
from accounts.models import Department
from commitments.models import Commitment, CommitmentStatus, VoluntaryEntry, VoluntaryStatus
from core.masking import mask_resident_id
from core.types import Actor
from documents.models import DocumentKind
from documents.services import Issued, document_issue, documents_issue_bulk
from grading.selectors import grades_in_force
from measures.models import MeasureKind
from measures.selectors import list_entries_in_force, measures_applicable
from objections.models import Objection
from public.selectors import records_published_on
from records.models import CreditRecord
from subjects.models import Subject
from subjects.permissions import can_see_full_code
from subjects.selectors import subjects_answered_for
from workbench.credit_file import (
    credit_file_list_entries,
    credit_file_records,
    credit_file_reminders,
    credit_file_repair_applications,
)

NONE = "—"


def _d(value) -> str:
    if value is None:
        return NONE
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def report_office() -> str:
    """The issuing office of a credit report: the county credit office (信用办)."""
    code = getattr(settings, "CREDITREG_CREDIT_OFFICE_DEPARTMENT", "xyb")
    name = Department.objects.filter(code=code).values_list("name", flat=True).first()
    return name or _("County credit office")


def _subject_code_shown(subject: Subject, *, whole: bool) -> str:
    """A person's number whole only where the reader may see it (the person's own full report, or staff
    whose role sees numbers whole); masked 6+4 otherwise, and always on the public version (SPEC §6)."""
    if subject.is_natural_person and not whole:
        return mask_resident_id(subject.code)
    return subject.code


def _grade_rows(grades) -> list[list[str]]:
    return [
        [g.scheme.name, g.department.name if g.department_id else _("County"), g.grade, _d(g.as_of)]
        for g in grades
        if g.grade
    ]


def _list_rows(entries) -> list[list[str]]:
    return [[e.list_name, e.reason, e.authority, _d(e.listed_on), _d(e.ends_on)] for e in entries]


GRADE_COLUMNS = (N_("Grading scheme"), N_("Department"), N_("Grade"), N_("As of"))
LIST_COLUMNS = (N_("List"), N_("Reason"), N_("Deciding authority"), N_("Listed on"), N_("Listed until"))


def _columns(names) -> list[str]:
    return [_(n) for n in names]


class ReportData:
    """What one report reads, loaded for many subjects at once (a fixed number of queries)."""

    def __init__(self, *, subjects: list[Subject], day: datetime.date, commitments: bool = True):
        self.day = day
        ids = [s.pk for s in subjects]
        persons = [s.pk for s in subjects if s.is_natural_person]
        self.answered = subjects_answered_for(person_ids=persons) if persons else {}
        firm_ids = sorted({firm.pk for firms in self.answered.values() for firm, _role in firms})
        all_ids = ids + [i for i in firm_ids if i not in ids]
        self.grades: dict[int, list] = defaultdict(list)
        for grade in grades_in_force(subject_ids=all_ids, with_reasons=False):
            self.grades[grade.subject_id].append(grade)
        self.records: dict[int, list] = defaultdict(list)
        for record in records_published_on(day=day, subject_ids=all_ids):
            self.records[record.subject_id].append(record)
        self.lists: dict[int, list] = defaultdict(list)
        for entry in list_entries_in_force(subject_ids=all_ids, on=day):
            self.lists[entry.subject_id].append(entry)
        self.commitments: dict[int, list] = defaultdict(list)
        self.voluntary: dict[int, list] = defaultdict(list)
        if not commitments:  # a page that shows the grades, lists and records only
            return
        for commitment in (
            Commitment.objects.filter(
                subject_id__in=ids, status__in=[CommitmentStatus.FULFILLED, CommitmentStatus.BREACHED]
            )
            .select_related("department")
            .order_by("-signed_at", "-id")
        ):
            self.commitments[commitment.subject_id].append(commitment)
        for entry in (
            VoluntaryEntry.objects.filter(subject_id__in=ids, status=VoluntaryStatus.VERIFIED)
            .select_related("department")
            .order_by("-decided_at", "-id")
        ):
            self.voluntary[entry.subject_id].append(entry)


def _header(subject: Subject, *, full: bool, whole_code: bool, day: datetime.date) -> list[str]:
    code_label = _("Identity number") if subject.is_natural_person else _("Unified social credit code")
    version = _("Full version (for the subject itself)") if full else _("Public version")
    return [
        "：".join((_("Subject"), subject.name)),
        "：".join((code_label, _subject_code_shown(subject, whole=full and whole_code))),
        "：".join((_("Kind"), str(subject.get_kind_display()))),
        "：".join((_("Version"), version)),
        "：".join((_("Information as of"), day.isoformat())),
    ]


def _record_rows_public(records) -> list[list[str]]:
    return [
        [
            r.document_number,
            r.kind.name,
            r.matter,
            _d(r.decision_date),
            _d(r.publish_until),
            r.department.name,
        ]
        for r in records
    ]


def _objection_target(objection: Objection) -> str:
    if objection.record is not None:
        return objection.record.document_number
    if objection.grade is not None:
        return f"{objection.grade.scheme.name} {objection.grade.grade}"
    return NONE


def _status_shown(record: CreditRecord) -> str:
    status = str(record.get_status_display())
    return "".join((status, "（", _("under objection"), "）")) if record.under_objection else status


def _answered_block(subject: Subject, data: ReportData) -> list[dict]:
    """The subjects a natural person answers for (004 §6(5)), each with its grades in force, lists and
    published records."""
    if not subject.is_natural_person:
        return []
    firms = data.answered.get(subject.pk, [])
    blocks: list[dict] = [
        {
            "heading": _("Subjects this person answers for"),
            "text": [
                _(
                    "004 §6(5): the legal representative, the principal and the actual controller answer "
                    "for a subject's serious dishonesty."
                )
            ],
            "columns": [
                _("Subject"),
                _("Code"),
                _("Role"),
                _("Grades in force"),
                _("Lists"),
                _("Published records"),
            ],
            "rows": [
                [
                    firm.name,
                    firm.code,
                    role,
                    "；".join(f"{g.scheme.name} {g.grade}" for g in data.grades.get(firm.pk, []) if g.grade)
                    or NONE,
                    "；".join(e.list_name for e in data.lists.get(firm.pk, [])) or NONE,
                    "；".join(r.document_number for r in data.records.get(firm.pk, [])) or NONE,
                ]
                for firm, role in firms
            ],
            "empty": _("This person answers for no registered subject."),
        }
    ]
    return blocks


def _public_blocks(subject: Subject, data: ReportData) -> list[dict]:
    pk = subject.pk
    return [
        {
            "heading": _("Grades in force"),
            "columns": _columns(GRADE_COLUMNS),
            "rows": _grade_rows(data.grades.get(pk, [])),
            "empty": _("No grade in force."),
        },
        {
            "heading": _("Published credit records"),
            "columns": [
                _("Document number"),
                _("Record kind"),
                _("Violation or matter"),
                _("Decision date"),
                _("Published until"),
                _("Department"),
            ],
            "rows": _record_rows_public(data.records.get(pk, [])),
            "empty": _("No credit record is published at present."),
        },
        {
            "heading": _("Red and black lists"),
            "columns": _columns(LIST_COLUMNS),
            "rows": _list_rows(data.lists.get(pk, [])),
            "empty": _("Not on a red or black list."),
        },
        {
            "heading": _("Credit commitments kept and broken"),
            "columns": [_("Matter"), _("Department"), _("Signed at"), _("Status")],
            "rows": [
                [c.matter, c.department.name, _d(c.signed_at), c.get_status_display()]
                for c in data.commitments.get(pk, [])
            ],
            "empty": _("No commitment kept or broken."),
        },
        {
            "heading": _("Verified voluntary information"),
            "columns": [_("Category"), _("Title"), _("Verified by"), _("Verified on")],
            "rows": [
                [
                    v.get_category_display(),
                    v.title,
                    v.department.name if v.department_id else NONE,
                    _d(v.decided_at),
                ]
                for v in data.voluntary.get(pk, [])
            ],
            "empty": _("No verified voluntary information."),
        },
        *_answered_block(subject, data),
    ]


def _full_blocks(subject: Subject, data: ReportData) -> list[dict]:
    """Everything the subject's credit file holds, for the subject itself."""
    records: list[CreditRecord] = list(credit_file_records(subject=subject))
    objections = list(
        Objection.objects.filter(subject=subject)
        .select_related("record", "grade__scheme", "department")
        .order_by("-submitted_at", "-id")
    )
    measures = measures_applicable(subject=subject)
    blocks = _public_blocks(subject, data)
    blocks[1:2] = [
        {
            "heading": _("Credit records (all, with their status)"),
            "columns": [
                _("Document number"),
                _("Record kind"),
                _("Violation or matter"),
                _("Decision date"),
                _("Severity"),
                _("Status"),
                _("Published until"),
                _("Department"),
            ],
            "rows": [
                [
                    r.document_number,
                    r.kind.name,
                    r.matter,
                    _d(r.decision_date),
                    r.get_severity_display() if r.severity else NONE,
                    _status_shown(r),
                    _d(r.publish_until),
                    r.department.name,
                ]
                for r in records
            ],
            "empty": _("No credit record."),
        }
    ]
    blocks[2] = {
        "heading": _("Red and black lists"),
        "columns": _columns(LIST_COLUMNS),
        "rows": _list_rows(credit_file_list_entries(subject=subject, today=data.day)),
        "empty": _("Never on a red or black list."),
    }
    blocks += [
        {
            "heading": _("Objections and their outcomes"),
            "columns": [
                _("Objection number"),
                _("Against"),
                _("Submitted at"),
                _("Status"),
                _("Reasons for the decision"),
            ],
            "rows": [
                [
                    o.number or NONE,
                    _objection_target(o),
                    _d(o.submitted_at),
                    o.get_status_display(),
                    o.decision_reason or NONE,
                ]
                for o in objections
            ],
            "empty": _("No objection."),
        },
        {
            "heading": _("Credit repair applications"),
            "columns": [
                _("Record"),
                _("Department"),
                _("Filed at"),
                _("Status"),
                _("Reasons for the decision"),
            ],
            "rows": [
                [
                    a.record.document_number,
                    a.department.name,
                    _d(a.submitted_at),
                    a.get_status_display(),
                    a.decision_reason or NONE,
                ]
                for a in credit_file_repair_applications(subject=subject)
            ],
            "empty": _("No repair application."),
        },
        {
            "heading": _("Reminders and interviews"),
            "columns": [
                _("Department"),
                _("Held on"),
                _("What"),
                _("Record"),
                _("Rectification deadline"),
                _("Status"),
            ],
            "rows": [
                [
                    m.department.name,
                    _d(m.held_at),
                    m.get_kind_display(),
                    m.record.document_number if m.record is not None else NONE,
                    _d(m.rectification_deadline),
                    m.get_status_display(),
                ]
                for m in credit_file_reminders(subject=subject)
            ],
            "empty": _("No reminder or interview."),
        },
        {
            "heading": _("Measures that apply now"),
            "columns": [
                _("Measure"),
                _("Measure kind"),
                _("Grade or list"),
                _("Via subject"),
                _("Legal basis"),
            ],
            "rows": [
                [
                    m["measure_name"],
                    str(MeasureKind(m["kind"]).label),
                    m["grade"] or m["list_name"] or NONE,
                    m["via_subject_name"] or NONE,
                    m["legal_basis"],
                ]
                for m in measures
            ],
            "empty": _("No measure applies."),
        },
    ]
    return blocks


def credit_report_content(
    *, subject: Subject, full: bool, data: ReportData, whole_code: bool = True
) -> tuple[str, dict]:
    """The title and what the report states (the structure ``documents.pdf`` draws)."""
    title = _("Credit report (full version)") if full else _("Credit report (public version)")
    blocks = _full_blocks(subject, data) if full else _public_blocks(subject, data)
    note = _(
        "This report states the credit information the system holds on the day of issue. Check it at "
        "the address below with its number and verification code."
    )
    stated = {
        "intro": _header(subject, full=full, whole_code=whole_code, day=data.day),
        "blocks": [*blocks, {"text": [note]}],
        "subject_name": subject.name,
    }
    return title, stated


def _kind(full: bool) -> str:
    return DocumentKind.CREDIT_REPORT_FULL if full else DocumentKind.CREDIT_REPORT_PUBLIC


def credit_report_issue(
    *, subject: Subject, full: bool, actor: Actor = None, request: HttpRequest | None = None
) -> Issued:
    """Issue ``subject``'s credit report (``full``: the subject's own version) and log it for ``actor``
    (the access log, with the report's number). Who may have which version is the caller's to check:
    the portal gives a subject its own, staff get either for a subject they may see. A natural person's
    identity number is printed whole only on a full version for a reader whose role sees it whole (the
    person's own account, the credit office, reviewers; the command's operator); masked otherwise."""
    day = timezone.localdate()
    whole_code = actor is None or bool(can_see_full_code(actor, subject))
    with translation.override(settings.LANGUAGE_CODE):
        title, stated = credit_report_content(
            subject=subject, full=full, data=ReportData(subjects=[subject], day=day), whole_code=whole_code
        )
        office = report_office()
    issued = document_issue(
        kind=_kind(full),
        title=title,
        office=office,
        stated=stated,
        actor=actor,
        subject_id=subject.pk,
        holder_name=subject.name,
        holder_code=subject.code,
        holder_is_person=subject.is_natural_person,
    )
    if actor is not None:
        access_log_credit_report(
            user=actor, subject=subject, document_number=issued.document.number, request=request
        )
    return issued


def credit_reports_issue_public(*, subjects: list[Subject], actor: Actor = None) -> list[Issued]:
    """Public credit reports of many subjects at once: the data read in a fixed number of queries, the
    documents kept in one insert (a batch run, and the benchmark of 1,000 reports)."""
    day = timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        data = ReportData(subjects=subjects, day=day)
        office = report_office()
        prepared = []
        for subject in subjects:
            title, stated = credit_report_content(subject=subject, full=False, data=data)
            prepared.append(
                {
                    "kind": DocumentKind.CREDIT_REPORT_PUBLIC,
                    "title": title,
                    "office": office,
                    "stated": stated,
                    "actor": actor,
                    "subject_id": subject.pk,
                    "holder_name": subject.name,
                    "holder_code": subject.code,
                    "holder_is_person": subject.is_natural_person,
                }
            )
        return documents_issue_bulk(prepared=prepared)
