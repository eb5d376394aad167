"""Writes of credit commitments (004 §3(1)) and voluntary registration (004 §5(3)).

One service per transition: each locks the row, refuses a move its transition map does not allow with
a clear message (nothing changed), writes a transition row and the audit log. A breach becomes a record
of the kind 违反信用承诺 through the intake services (``record_create`` then ``record_submit``), so it
is validated like any other record and takes effect only after the four-eyes review of the department.
A verified voluntary registration becomes, where configured, a positive record the same way.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.services import audited_save, model_snapshot
from audit.workflow import Permission, Workflow
from core.files import evidence_check, file_store
from core.text import text_clean
from core.types import Actor
from records.services import record_create, record_submit
from records.validation import RecordInput, parse_date
from subjects.models import Subject
from workcalendar.workdays import add_working_days

from .models import (
    COMMITMENT_TRANSITIONS,
    VOLUNTARY_TRANSITIONS,
    Channel,
    Commitment,
    CommitmentStatus,
    CommitmentTemplate,
    CommitmentTransition,
    VoluntaryCategory,
    VoluntaryEntry,
    VoluntaryFile,
    VoluntaryStatus,
    VoluntaryTransition,
)
from .permissions import (
    can_maintain_template,
    can_record_outcome,
    can_register_paper,
    can_register_voluntary,
    can_sign_online,
    can_verify_voluntary,
    can_withdraw_voluntary,
)

BREACH_KIND = "commitment_breach"  # 违反信用承诺 (records/migrations/0002_reference_kinds.py)
# Our default: every verified category becomes a positive record of the kind 自愿注册信息, which the
# default schemes do not weigh — a scheme counts it only when the credit office names the kind in one
# of its items. ``settings.VOLUNTARY_POSITIVE_RECORD_KINDS`` maps a category to another kind or to ""
# (no record).
DEFAULT_POSITIVE_KINDS = {category: "voluntary_registration" for category in VoluntaryCategory.values}
TRUTHFULNESS_TEXT = gettext_lazy(
    "We commit that the information registered here and its files are true, complete and valid, agree "
    "that it is published and shared for credit purposes, and accept the consequences of false information."
)
TEMPLATE_AUDIT_FIELDS = ["department", "matter", "title", "text", "materials_working_days", "is_active"]
COMMITMENT_AUDIT_FIELDS = [
    "template",
    "subject",
    "department",
    "matter",
    "channel",
    "materials_due",
    "status",
]
VOLUNTARY_AUDIT_FIELDS = ["subject", "department", "category", "title", "issuer", "reference", "status"]


COMMITMENTS = Workflow(
    CommitmentTransition,
    COMMITMENT_TRANSITIONS,
    gettext_lazy("A commitment that is “%(status)s” cannot be %(action)s."),
    related=("subject",),
    audit_after=("breach_record",),
    reason_field="outcome_note",
)
VOLUNTARY = Workflow(
    VoluntaryTransition,
    VOLUNTARY_TRANSITIONS,
    gettext_lazy("A registration that is “%(status)s” cannot be %(action)s."),
    audit_after=("positive_record",),
)
VERIFIERS = Permission(
    can_verify_voluntary,
    gettext_lazy("Only a reviewer of the department named by the subject verifies its information."),
)


# --- templates ----------------------------------------------------------------------------------


def _template_values(*, matter, title, text, materials_working_days) -> dict:
    values: dict[str, str | int] = {
        "matter": text_clean(matter, field="matter", label=_("matter"), max_length=200),
        "title": text_clean(title, field="title", label=_("title"), max_length=200),
        "text": text_clean(text, field="text", label=_("text of the commitment")),
    }
    try:
        days = int(materials_working_days)
    except (TypeError, ValueError):
        days = -1
    if not 1 <= days <= 120:
        raise ValidationError({"materials_working_days": _("Give between 1 and 120 working days.")})
    values["materials_working_days"] = days
    return values


def _matter_taken(*, department_id: int, matter: str, exclude_pk=None) -> None:
    taken = CommitmentTemplate.objects.filter(department_id=department_id, matter=matter, is_active=True)
    if taken.exclude(pk=exclude_pk).exists():
        raise ValidationError({"matter": _("Your department already has a template for this matter.")})


@transaction.atomic
def commitment_template_create(
    *, actor: User, matter: str, title: str, text: str, materials_working_days: int = 20
) -> CommitmentTemplate:
    """A department's template for a matter handled with a written commitment (004 §3(1))."""
    # Unsaved, for the permission check only: a user of no department is refused just below.
    template = CommitmentTemplate(department_id=getattr(actor, "department_id", None))  # type: ignore[misc]
    if not can_maintain_template(actor, template):
        raise PermissionDenied(_("Only department staff maintain their department's commitment templates."))
    assert actor.department_id is not None  # department staff have a department (User.is_department_staff)
    values = _template_values(
        matter=matter, title=title, text=text, materials_working_days=materials_working_days
    )
    _matter_taken(department_id=actor.department_id, matter=values["matter"])
    template.created_by = actor
    audited_save(
        template,
        actor=actor,
        action="commitment.template_create",
        fields=TEMPLATE_AUDIT_FIELDS,
        values=values,
    )
    return template


@transaction.atomic
def commitment_template_update(
    *,
    actor: Actor,
    template: CommitmentTemplate,
    matter: str,
    title: str,
    text: str,
    materials_working_days: int,
    is_active: bool,
) -> CommitmentTemplate:
    """Change a template; commitments already signed keep the text they were signed with."""
    template = CommitmentTemplate.objects.select_for_update().get(pk=template.pk)
    if not can_maintain_template(actor, template):
        raise PermissionDenied(_("Only department staff maintain their department's commitment templates."))
    values = _template_values(
        matter=matter, title=title, text=text, materials_working_days=materials_working_days
    )
    if is_active:
        _matter_taken(department_id=template.department_id, matter=values["matter"], exclude_pk=template.pk)
    audited_save(
        template,
        actor=actor,
        action="commitment.template_update",
        fields=TEMPLATE_AUDIT_FIELDS,
        values=values | {"is_active": bool(is_active)},
    )
    return template


# --- commitments --------------------------------------------------------------------------------


@transaction.atomic
def commitment_sign(
    *,
    actor: User,
    template: CommitmentTemplate,
    subject: Subject | None = None,
    missing_materials: str = "",
    materials_due: datetime.date | str | None = None,
    today: datetime.date | None = None,
) -> Commitment:
    """Sign a commitment: online by a verified subject user for its own subject, or on paper,
    registered by staff of the template's department for the subject named. Materials accepted as
    missing (容缺受理) get a deadline — the one given, or the template's working days from today."""
    today = today or timezone.localdate()
    if can_sign_online(actor):
        if subject is not None and subject.pk != actor.subject_id:
            raise PermissionDenied(_("A subject signs commitments only for itself."))
        subject, channel = actor.subject, Channel.ONLINE
        assert subject is not None  # can_sign_online: a verified subject user has its subject
    elif can_register_paper(actor, template):
        if subject is None:
            raise ValidationError({"subject_code": _("Enter the subject's code.")})
        channel = Channel.PAPER
    else:
        raise PermissionDenied(
            _(
                "Only the subject itself, or staff of the template's department, sign or register a commitment."  # noqa: E501
            )
        )
    template = CommitmentTemplate.objects.get(pk=template.pk)
    if not template.is_active:
        raise ValidationError(_("This commitment template is no longer in use."))
    missing = text_clean(
        missing_materials, field="missing_materials", label=_("missing materials"), required=False
    )
    due = None
    if missing:
        if materials_due in (None, ""):
            due = add_working_days(today, template.materials_working_days)
        else:
            try:
                due = parse_date(materials_due)
            except ValueError:
                raise ValidationError(
                    {
                        "materials_due": _("“%(value)s” is not a date; write it as YYYY-MM-DD.")
                        % {"value": materials_due}
                    }
                ) from None
            if due <= today:
                raise ValidationError(
                    {"materials_due": _("The deadline for missing materials must be after today.")}
                )
    elif materials_due not in (None, ""):
        raise ValidationError({"materials_due": _("A deadline is only given for materials still missing.")})
    commitment = Commitment.objects.create(
        template=template,
        subject=subject,
        department_id=template.department_id,
        matter=template.matter,
        text=template.text,
        channel=channel,
        missing_materials=missing,
        materials_due=due,
        signed_by=actor,
    )
    COMMITMENTS.created(
        commitment,
        actor=actor,
        action="commitment.sign",
        after=model_snapshot(commitment, COMMITMENT_AUDIT_FIELDS),
    )
    return commitment


def _outcome_begin(commitment: Commitment, to: str, *, actor: Actor, verb) -> Commitment:
    """The signed commitment, locked for its outcome, which the department that accepted it records."""
    recorders = Permission(
        can_record_outcome, _("Only staff of the department that accepted the commitment record its outcome.")
    )
    return COMMITMENTS.begin(commitment, to, actor=actor, verb=verb, permission=recorders)


@transaction.atomic
def commitment_fulfil(*, actor: Actor, commitment: Commitment, note: str = "") -> Commitment:
    """Signed → fulfilled (the missing materials came in time, the conditions were met)."""
    commitment = _outcome_begin(
        commitment, CommitmentStatus.FULFILLED, actor=actor, verb=_("recorded as fulfilled")
    )
    note = (note or "").strip()
    return COMMITMENTS.decide(
        commitment, CommitmentStatus.FULFILLED, actor=actor, action="commitment.fulfil", reason=note
    )


@transaction.atomic
def commitment_breach(
    *, actor: User, commitment: Commitment, document_number: str, decision_date, reason: str
) -> Commitment:
    """Signed → breached: the breach becomes a credit record of the kind 违反信用承诺, entered and
    submitted through the intake services; it takes effect after the department's four-eyes review."""
    commitment = _outcome_begin(
        commitment, CommitmentStatus.BREACHED, actor=actor, verb=_("recorded as breached")
    )
    reason = text_clean(reason, field="reason", label=_("facts of the breach"))
    record = record_create(
        actor=actor,
        subject=commitment.subject,
        data=RecordInput(
            kind=BREACH_KIND,
            document_number=document_number,
            decision_date=decision_date,
            matter=(_("Breach of the credit commitment: %(matter)s") % {"matter": commitment.matter})[:200],
            content=reason,
        ),
    )
    commitment.breach_record = record_submit(actor=actor, record=record)
    return COMMITMENTS.decide(
        commitment, CommitmentStatus.BREACHED, actor=actor, action="commitment.breach", reason=reason
    )


# --- voluntary registration ---------------------------------------------------------------------


def _store_file(entry: VoluntaryEntry, uploaded, suffix: str) -> VoluntaryFile:
    return file_store(VoluntaryFile(entry=entry), uploaded, suffix)


def _optional_date(value, field: str):
    if value in (None, ""):
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise ValidationError(
            {field: _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}}
        ) from None


@transaction.atomic
def voluntary_register(
    *,
    actor: User,
    department,
    category: str,
    title: str,
    truthful: bool,
    issuer: str = "",
    reference: str = "",
    valid_from=None,
    valid_until=None,
    description: str = "",
    files: list | None = None,
) -> VoluntaryEntry:
    """A subject registers credit information of its own with a truthfulness commitment (004 §5(3));
    it awaits verification by the department it names."""
    if not can_register_voluntary(actor):
        raise PermissionDenied(_("Only a verified subject user registers information for its subject."))
    assert actor.subject_id is not None  # can_register_voluntary: a verified subject user has its subject
    if category not in VoluntaryCategory.values:
        raise ValidationError({"category": _("Choose the category of the information.")})
    if department is None or not department.is_active:
        raise ValidationError({"department": _("Choose the department that verifies the information.")})
    if not truthful:
        raise ValidationError(
            {"truthful": _("Registration needs the commitment that the information is true.")}
        )
    valid_from, valid_until = (
        _optional_date(valid_from, "valid_from"),
        _optional_date(valid_until, "valid_until"),
    )
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The end of validity is before its start.")})
    checked = []
    for uploaded in files or []:
        try:
            checked.append((uploaded, evidence_check(uploaded)))
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from None
    entry = VoluntaryEntry.objects.create(
        subject_id=actor.subject_id,
        department=department,
        category=category,
        title=text_clean(title, field="title", label=_("title"), max_length=200),
        issuer=text_clean(issuer, field="issuer", label=_("issuer"), max_length=200, required=False),
        reference=text_clean(reference, field="reference", label=_("number"), max_length=100, required=False),
        valid_from=valid_from,
        valid_until=valid_until,
        description=(description or "").strip(),
        truthfulness_commitment=str(TRUTHFULNESS_TEXT),
        submitted_by=actor,
    )
    for uploaded, suffix in checked:
        _store_file(entry, uploaded, suffix)
    VOLUNTARY.created(
        entry, actor=actor, action="voluntary.register", after=model_snapshot(entry, VOLUNTARY_AUDIT_FIELDS)
    )
    return entry


def positive_kind_for(category: str) -> str:
    return getattr(settings, "VOLUNTARY_POSITIVE_RECORD_KINDS", DEFAULT_POSITIVE_KINDS).get(category, "")


@transaction.atomic
def voluntary_verify(*, actor: User, entry: VoluntaryEntry, note: str = "", today=None) -> VoluntaryEntry:
    """Awaiting → verified by a reviewer of the named department. Where a positive kind is configured
    for the category, the verified information is entered as a positive record of the department and
    submitted for its four-eyes review (a scheme counts it only if it names the kind)."""
    entry = VOLUNTARY.begin(
        entry, VoluntaryStatus.VERIFIED, actor=actor, verb=_("verified"), permission=VERIFIERS
    )
    kind = positive_kind_for(entry.category)
    if kind:
        record = record_create(
            actor=actor,
            subject=entry.subject,
            data=RecordInput(
                kind=kind,
                document_number=_("Voluntary registration %(id)s") % {"id": entry.pk},
                decision_date=today or timezone.localdate(),
                matter=f"{VoluntaryCategory(entry.category).label}：{entry.title}"[:200],
                content="\n".join(filter(None, [entry.issuer, entry.reference, entry.description])),
            ),
        )
        entry.positive_record = record_submit(actor=actor, record=record)
    note = (note or "").strip()
    return VOLUNTARY.decide(
        entry, VoluntaryStatus.VERIFIED, actor=actor, action="voluntary.verify", reason=note
    )


@transaction.atomic
def voluntary_reject(*, actor: Actor, entry: VoluntaryEntry, reason: str) -> VoluntaryEntry:
    """Awaiting → not verified, with the reasons the subject reads."""
    entry = VOLUNTARY.begin(
        entry, VoluntaryStatus.REJECTED, actor=actor, verb=_("rejected"), permission=VERIFIERS
    )
    reason = text_clean(reason, field="reason", label=_("reasons"))
    return VOLUNTARY.decide(
        entry, VoluntaryStatus.REJECTED, actor=actor, action="voluntary.reject", reason=reason
    )


@transaction.atomic
def voluntary_withdraw(*, actor: Actor, entry: VoluntaryEntry) -> VoluntaryEntry:
    """Awaiting → withdrawn by the subject (no decision of the department: nobody is named as decider)."""
    subject = Permission(can_withdraw_voluntary, _("Only the subject withdraws its own registration."))
    entry = VOLUNTARY.begin(
        entry, VoluntaryStatus.WITHDRAWN, actor=actor, verb=_("withdrawn"), permission=subject
    )
    entry.decided_at, entry.decision_reason = timezone.now(), ""
    return VOLUNTARY.transition(entry, VoluntaryStatus.WITHDRAWN, actor=actor, action="voluntary.withdraw")
