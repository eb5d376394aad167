"""Writes of the subject portal: account registration and verification, objections and notices.

Objections follow the workflow in ``objections.models.TRANSITIONS``: one function per arrow, each
locking the objection, refusing an illegal move with a clear message (and changing nothing), writing
an ``ObjectionTransition`` row, the audit log and a notice to the subject. A decision on a record
objection acts on the record only through the intake services (``records.services``), which regrade
the subject after commit; every decision is queued for the municipal platform (003 §5(2): "上报市公共
信用信息平台同步…更新").
"""

from datetime import date

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Department, Role, User
from accounts.permissions import is_subject_user_of
from accounts.services import user_create
from audit.services import audit_log_write
from creditreg.workdays import add_working_days
from exchange.models import OutboxType
from exchange.services import outbox_enqueue
from grading.models import Grade
from records.evidence import evidence_check, file_store
from records.hooks import regrade_after_commit
from records.models import CreditRecord, RecordStatus
from records.services import record_objection_mark, record_revoke
from subjects.identifiers import normalize_identifier, validate_resident_id
from subjects.models import Subject, SubjectKind
from subjects.services import subject_code_clean, subject_register

from .models import (
    OPEN_STATUSES,
    TRANSITIONS,
    AccountRequestStatus,
    AccountVerification,
    NoticeEvent,
    Notification,
    Objection,
    ObjectionEvidence,
    ObjectionStatus,
    ObjectionTarget,
    ObjectionTransition,
    RecordAction,
    SubjectAccountRequest,
)
from .permissions import can_handle_objection, can_verify_accounts

# 003 §5(2): "有关单位在5个工作日内处理完成".
OBJECTION_WORKING_DAYS = 5
MAX_EVIDENCE_FILES = 10


def credit_office_department() -> Department:
    """The unit that handles grade objections: the county credit office (信用办)."""
    return Department.objects.get(code=getattr(settings, "CREDITREG_CREDIT_OFFICE_DEPARTMENT", "xyb"))


# --- notices ----------------------------------------------------------------------------------------


def _notice_text(event: str, objection: Objection | None, detail: str) -> tuple[str, str]:
    """Mail subject and body in the site's language (Chinese by default)."""
    with translation.override(settings.LANGUAGE_CODE):
        title = str(NoticeEvent(event).label)
        lines = [title]
        if objection is not None:
            lines.append(
                _("Objection %(id)s, to be handled by %(deadline)s.")
                % {"id": objection.pk, "deadline": objection.deadline.isoformat()}
            )
        if detail:
            lines.append(detail)
        return title, "\n".join(lines)


def notification_send(*, users, event: str, objection: Objection | None = None, detail: str = "") -> int:
    """A notice to each user in the portal, and by e-mail (after commit) to those with an address."""
    count = 0
    for user in users:
        emailed = bool(user.email)
        Notification.objects.create(
            user=user, event=event, objection=objection, detail=detail, emailed=emailed
        )
        count += 1
        if emailed:
            title, body = _notice_text(event, objection, detail)
            address = user.email
            transaction.on_commit(
                lambda t=title, b=body, a=address: send_mail(
                    t, b, settings.DEFAULT_FROM_EMAIL, [a], fail_silently=True
                )
            )
    return count


def _subject_users(subject: Subject):
    return User.objects.filter(role=Role.SUBJECT, subject=subject, is_active=True).order_by("id")


@transaction.atomic
def notifications_mark_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# --- subject accounts -------------------------------------------------------------------------------


def _representative_matches(subject: Subject | None, kind: str, id_number: str, name: str) -> bool:
    rep = getattr(subject, "legal_representative", None)
    if subject is None or rep is None or subject.kind != kind:
        return False
    return rep.code == id_number and " ".join(name.split()) == rep.name


@transaction.atomic
def subject_account_register(
    *,
    username: str,
    password: str,
    kind: str,
    code: str,
    name: str,
    contact_name: str,
    phone: str,
    email: str = "",
    representative_name: str = "",
    representative_id_number: str = "",
) -> SubjectAccountRequest:
    """An enterprise, organisation or person opens an account. It sees nothing of any subject until
    verified: automatically when the legal representative's name and identity number entered match
    the registry's, otherwise by the credit office (``subject_account_verify``)."""
    errors: dict = {}
    try:
        clean_code = subject_code_clean(kind=kind, code=code)
    except ValidationError as exc:
        errors.update(exc.error_dict)
        clean_code = ""
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = [_("Enter the name.")]
    contact_name = " ".join((contact_name or "").split())
    if not contact_name:
        errors["contact_name"] = [_("Enter the contact person.")]
    phone = (phone or "").strip()
    if not phone:
        errors["phone"] = [_("Enter a contact phone number.")]
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("Choose a user name.")]
    elif User.objects.filter(username=username).exists():
        errors["username"] = [_("The user name %(name)s is taken.") % {"name": username}]
    try:
        validate_password(password, User(username=username, full_name=contact_name))
    except ValidationError as exc:
        errors["password"] = exc.error_list
    rep_number = normalize_identifier(representative_id_number or "")
    if rep_number:
        if kind == SubjectKind.NATURAL_PERSON:
            errors["representative_id_number"] = [_("A natural person has no legal representative.")]
        else:
            try:
                rep_number = validate_resident_id(rep_number)
            except ValidationError as exc:
                errors["representative_id_number"] = exc.error_list
            if not (representative_name or "").strip():
                errors["representative_name"] = [_("Enter the legal representative's name.")]
    if errors:
        raise ValidationError(errors)
    user = user_create(
        actor=None,
        username=username,
        password=password,
        role=Role.SUBJECT,
        full_name=contact_name,
        phone=phone,
    )
    if email:
        user.email = email.strip()
        user.save(update_fields=["email"])
    request = SubjectAccountRequest.objects.create(
        user=user,
        kind=kind,
        code=clean_code,
        name=name,
        contact_name=contact_name,
        phone=phone,
        email=user.email,
    )
    audit_log_write(
        actor=user,
        action="subject_account.register",
        target=request,
        after={"kind": kind, "code": clean_code, "name": name, "user": user.username},
    )
    subject = Subject.objects.select_related("legal_representative").filter(code=clean_code).first()
    if rep_number and _representative_matches(subject, kind, rep_number, representative_name):
        _link(request, subject=subject, actor=None, method=AccountVerification.REPRESENTATIVE)
    return request


def _link(request: SubjectAccountRequest, *, subject: Subject, actor, method: str, reason: str = "") -> None:
    user = User.objects.select_for_update().get(pk=request.user_id)
    user.subject = subject
    user.save(update_fields=["subject"])
    request.status = AccountRequestStatus.VERIFIED
    request.verified_by_method = method
    request.subject = subject
    request.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save()
    audit_log_write(
        actor=actor,
        action="subject_account.verify",
        target=request,
        before={"subject": None},
        after={"subject": subject.pk, "method": method, "user": user.username},
        reason=reason,
    )
    notification_send(users=[user], event=NoticeEvent.ACCOUNT_VERIFIED, detail=subject.name)


def _locked_request(request: SubjectAccountRequest) -> SubjectAccountRequest:
    request = SubjectAccountRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AccountRequestStatus.PENDING:
        raise ValidationError(
            _("This account request is already decided (%(status)s).")
            % {"status": request.get_status_display()}
        )
    return request


@transaction.atomic
def subject_account_verify(
    *, actor, request: SubjectAccountRequest, reason: str = ""
) -> SubjectAccountRequest:
    """The credit office checked the applicant (licence, identity) and links the account to its subject,
    registering the subject first when the registry does not hold it yet."""
    if not can_verify_accounts(actor):
        raise PermissionDenied(_("Only the credit office verifies subject accounts."))
    request = _locked_request(request)
    subject = Subject.objects.filter(code=request.code).first()
    if subject is None:
        subject = subject_register(actor=actor, kind=request.kind, code=request.code, name=request.name)
    elif subject.kind != request.kind:
        raise ValidationError(
            _("The registry holds %(code)s as %(kind)s, not as the kind the applicant gave.")
            % {"code": subject.code, "kind": subject.get_kind_display()}
        )
    _link(request, subject=subject, actor=actor, method=AccountVerification.CREDIT_OFFICE, reason=reason)
    return request


@transaction.atomic
def subject_account_reject(*, actor, request: SubjectAccountRequest, reason: str) -> SubjectAccountRequest:
    if not can_verify_accounts(actor):
        raise PermissionDenied(_("Only the credit office verifies subject accounts."))
    reason = _require_reason(reason)
    request = _locked_request(request)
    request.status = AccountRequestStatus.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save()
    audit_log_write(
        actor=actor,
        action="subject_account.reject",
        target=request,
        after={"status": request.status},
        reason=reason,
    )
    notification_send(users=[request.user], event=NoticeEvent.ACCOUNT_REJECTED, detail=reason)
    return request


# --- objections -------------------------------------------------------------------------------------


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    return reason


def _status_label(status: str) -> str:
    return str(ObjectionStatus(status).label)


def _log(objection: Objection, *, actor, from_status: str, reason: str = "") -> None:
    ObjectionTransition.objects.create(
        objection=objection,
        from_status=from_status,
        to_status=objection.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )


def objection_deadline(*, filed_on: date) -> date:
    """5 working days after the day of filing (that day not counted; Chinese statutory holidays off and
    make-up working days worked, through ``creditreg.workdays``)."""
    return add_working_days(filed_on, OBJECTION_WORKING_DAYS)


def _store_evidence(objection: Objection, *, actor, uploaded) -> ObjectionEvidence:
    suffix = evidence_check(uploaded)
    return file_store(ObjectionEvidence(objection=objection, uploaded_by=actor), uploaded, suffix)


@transaction.atomic
def objection_file(
    *, actor, reasons: str, record: CreditRecord | None = None, grade=None, files=()
) -> Objection:
    """A subject user objects to one of its subject's records in force, or to one of its grades.

    Routed to the department that entered the record, or to the credit office for a grade; the record
    is marked "under objection" until the objection is decided."""
    if (record is None) == (grade is None):
        raise ValidationError(_("An objection is about one record or one grade."))
    target_obj = record if record is not None else grade
    subject = target_obj.subject
    if not is_subject_user_of(actor, subject):
        raise PermissionDenied(_("Only a verified account of the subject files objections about it."))
    errors: dict = {}
    reasons = (reasons or "").strip()
    if not reasons:
        errors["reasons"] = [_("Say why the information is wrong.")]
    files = [f for f in files if f]
    if len(files) > MAX_EVIDENCE_FILES:
        errors["evidence"] = [_("At most %(n)s files.") % {"n": MAX_EVIDENCE_FILES}]
    else:
        for uploaded in files:
            try:
                evidence_check(uploaded)
            except ValidationError as exc:
                errors.setdefault("evidence", []).extend(exc.message_dict["evidence"])
    if errors:
        raise ValidationError(errors)
    if record is not None:
        record = CreditRecord.objects.select_for_update().get(pk=record.pk)
        if record.status != RecordStatus.EFFECTIVE or not record.is_current:
            raise ValidationError(
                _("Only a record in force can be objected to; this one is “%(status)s”.")
                % {"status": record.get_status_display()}
            )
        open_same = Objection.objects.filter(record=record, status__in=OPEN_STATUSES)
        department = record.department
        target = ObjectionTarget.RECORD
    else:
        grade = Grade.objects.select_for_update().get(pk=grade.pk)
        if not grade.is_current and not grade.published:
            raise ValidationError(_("Only a current or published grade can be objected to."))
        open_same = Objection.objects.filter(grade=grade, status__in=OPEN_STATUSES)
        department = credit_office_department()
        target = ObjectionTarget.GRADE
    if open_same.exists():
        raise ValidationError(_("An objection against this is already being handled."))
    objection = Objection.objects.create(
        subject=subject,
        target=target,
        record=record,
        grade=grade,
        department=department,
        reasons=reasons,
        submitted_by=actor,
        deadline=objection_deadline(filed_on=timezone.localdate()),
    )
    for uploaded in files:
        _store_evidence(objection, actor=actor, uploaded=uploaded)
    if record is not None:
        record_objection_mark(record=record, under_objection=True)
    _log(objection, actor=actor, from_status="")
    audit_log_write(
        actor=actor,
        action="objection.submit",
        target=objection,
        after={
            "target": target,
            "record": getattr(record, "pk", None),
            "grade": getattr(grade, "pk", None),
            "department": department.code,
            "deadline": objection.deadline.isoformat(),
            "files": len(files),
        },
    )
    notification_send(
        users=_subject_users(subject), event=NoticeEvent.OBJECTION_SUBMITTED, objection=objection
    )
    return objection


def _start(objection: Objection, *, actor, to: str) -> Objection:
    """Lock the objection, check the handler and that ``to`` is a legal next status."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if not can_handle_objection(actor, objection):
        raise PermissionDenied(
            _(
                "Only a reviewer of the department that entered the record handles a record objection; "
                "the credit office handles grade objections."
            )
        )
    if to not in TRANSITIONS[objection.status]:
        raise ValidationError(
            _("An objection that is “%(status)s” cannot become “%(to)s”.")
            % {"status": _status_label(objection.status), "to": _status_label(to)}
        )
    return objection


def _move(objection: Objection, *, actor, to: str, action: str, reason: str = "") -> Objection:
    from_status = objection.status
    objection.status = to
    objection.save()
    _log(objection, actor=actor, from_status=from_status, reason=reason)
    audit_log_write(
        actor=actor,
        action=action,
        target=objection,
        before={"status": from_status},
        after={"status": to, "record_action": objection.record_action},
        reason=reason,
    )
    return objection


@transaction.atomic
def objection_accept(*, actor, objection: Objection, reason: str = "") -> Objection:
    """Submitted → accepted: the handler takes it up (the 5-working-day deadline keeps running)."""
    objection = _start(objection, actor=actor, to=ObjectionStatus.ACCEPTED)
    objection.accepted_by = actor
    objection.accepted_at = timezone.now()
    _move(
        objection, actor=actor, to=ObjectionStatus.ACCEPTED, action="objection.accept", reason=reason.strip()
    )
    notification_send(
        users=_subject_users(objection.subject), event=NoticeEvent.OBJECTION_ACCEPTED, objection=objection
    )
    return objection


def _payload(objection: Objection) -> dict:
    subject = objection.subject
    record = objection.record
    grade = objection.grade
    return {
        "subject_code": subject.code,
        "subject_name": subject.name,
        "subject_kind": subject.kind,
        "objection_id": objection.pk,
        "target": objection.target,
        "department": objection.department.code,
        "status": objection.status,
        "record_action": objection.record_action,
        "reasons": objection.reasons,
        "decision_reason": objection.decision_reason,
        "submitted_at": objection.submitted_at,
        "deadline": objection.deadline,
        "decided_at": objection.decided_at,
        "record_id": getattr(record, "pk", None),
        "document_number": getattr(record, "document_number", ""),
        "correction_id": objection.correction_id,
        "grade_scheme": grade.scheme.code if grade is not None else "",
        "grade": grade.grade if grade is not None else "",
        "grade_as_of": grade.as_of if grade is not None else None,
    }


_EVENTS = {
    ObjectionStatus.UPHELD: (NoticeEvent.OBJECTION_UPHELD, "objection.uphold"),
    ObjectionStatus.PARTLY_UPHELD: (NoticeEvent.OBJECTION_PARTLY_UPHELD, "objection.partly_uphold"),
    ObjectionStatus.REJECTED: (NoticeEvent.OBJECTION_REJECTED, "objection.reject"),
}


def _decide(objection: Objection, *, actor, to: str, reason: str) -> Objection:
    """The common end of every decision: the record's mark, the status, the platform, the notice."""
    objection.decided_by = actor
    objection.decided_at = timezone.now()
    objection.decision_reason = reason
    event, action = _EVENTS[to]
    _move(objection, actor=actor, to=to, action=action, reason=reason)
    if objection.record_id is not None:
        still_open = (
            Objection.objects.filter(record_id=objection.record_id, status__in=OPEN_STATUSES)
            .exclude(pk=objection.pk)
            .exists()
        )
        if not still_open:
            record_objection_mark(record=objection.record, under_objection=False)
    outbox_enqueue(type=OutboxType.OBJECTION_DECIDED, key=str(objection.pk), payload=_payload(objection))
    notification_send(
        users=_subject_users(objection.subject), event=event, objection=objection, detail=reason
    )
    return objection


@transaction.atomic
def objection_uphold(*, actor, objection: Objection, reason: str) -> Objection:
    """Accepted → upheld. A record objection revokes the record (through ``record_revoke``, which
    regrades the subject after commit); a grade objection regrades the subject at once."""
    objection = _start(objection, actor=actor, to=ObjectionStatus.UPHELD)
    reason = _require_reason(reason)
    if objection.target == ObjectionTarget.RECORD:
        record = objection.record
        if record.status != RecordStatus.REVOKED:  # already revoked by the department: nothing to redo
            record_revoke(
                actor=actor,
                record=record,
                reason=_("Objection %(id)s upheld: %(reason)s") % {"id": objection.pk, "reason": reason},
            )
        objection.record_action = RecordAction.REVOKED
    else:
        regrade_after_commit([objection.subject_id])
        objection.record_action = RecordAction.REGRADED
    return _decide(objection, actor=actor, to=ObjectionStatus.UPHELD, reason=reason)


@transaction.atomic
def objection_partly_uphold(*, actor, objection: Objection, reason: str) -> Objection:
    """Accepted → partly upheld. A record objection needs the correction of the record started through
    the intake services (``record_correction_start``: a new version that replaces the record once
    approved, four-eyes, and then regrades); a grade objection regrades the subject."""
    objection = _start(objection, actor=actor, to=ObjectionStatus.PARTLY_UPHELD)
    reason = _require_reason(reason)
    if objection.target == ObjectionTarget.RECORD:
        correction = CreditRecord.objects.filter(replaces_id=objection.record_id).order_by("-id").first()
        if correction is None:
            raise ValidationError(
                _(
                    "Start the correction of the record first (“Correct” on the record's page); "
                    "the corrected version replaces the record once approved."
                )
            )
        objection.correction = correction
        objection.record_action = RecordAction.CORRECTED
    else:
        regrade_after_commit([objection.subject_id])
        objection.record_action = RecordAction.REGRADED
    return _decide(objection, actor=actor, to=ObjectionStatus.PARTLY_UPHELD, reason=reason)


@transaction.atomic
def objection_reject(*, actor, objection: Objection, reason: str) -> Objection:
    """Accepted → rejected, with the reasons the subject is given (003 §5(2))."""
    objection = _start(objection, actor=actor, to=ObjectionStatus.REJECTED)
    reason = _require_reason(reason)
    return _decide(objection, actor=actor, to=ObjectionStatus.REJECTED, reason=reason)
