"""Writes of the subject portal: account registration and verification, objections and notices.

Objections follow the workflow in ``objections.models.TRANSITIONS``: one function per arrow, each
locking the objection, refusing an illegal move with a clear message (and changing nothing), writing
an ``ObjectionTransition`` row, the audit log and a notice to the subject. A decision on a record
objection acts on the record only through the intake services (``records.services``), which regrade
the subject after commit; every decision is queued for the municipal platform (003 §5(2): "上报市公共
信用信息平台同步…更新").
"""

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department, Role, User
from accounts.permissions import is_subject_user, is_subject_user_of
from accounts.services import user_create
from audit.services import audit_log_write
from audit.workflow import Permission, Workflow, actor_user, reason_required
from core.files import evidence_check, file_store
from core.types import Actor
from exchange.models import OutboxType
from grading.models import Grade, SchemeKind
from grading.rules import ABC, LEVELS
from grading.services import grade_in_force_correct
from records.models import CreditRecord, RecordStatus
from records.services import record_correct_by_decision, record_objection_mark, record_revoke
from records.validation import RecordCatalog
from subjects.models import Subject
from subjects.services import subject_code_clean, subject_register
from workcalendar.workdays import add_working_days, working_days_between

from .channels import contact_mask, contact_on_record, contact_send
from .claims import claim_clean, claim_correction, claim_subject
from .models import (
    OPEN_STATUSES,
    TRANSITIONS,
    AccountRequestStatus,
    AccountVerification,
    LinkCode,
    NoticeEvent,
    Notification,
    Objection,
    ObjectionEvidence,
    ObjectionStatus,
    ObjectionTarget,
    ObjectionTransition,
    RecordAction,
    SubjectAccountRequest,
    objection_number,
)
from .outbox import objection_outbox_enqueue
from .permissions import can_handle_objection, can_verify_accounts
from .selectors import account_request_for_holder
from .throttles import attempts_check
from .tokens import account_activation_token

# 003 §5(2): "有关单位在5个工作日内处理完成".
OBJECTION_WORKING_DAYS = 5
# SPEC §5: without an answer to a request for material within 10 working days, it is withdrawn.
MATERIAL_WORKING_DAYS = 10
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
                % {"id": objection.number, "deadline": objection.deadline.isoformat()}
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
                partial(send_mail, title, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)
            )
    return count


def _subject_users(subject: Subject):
    return User.objects.filter(role=Role.SUBJECT, subject=subject, is_active=True).order_by("id")


@transaction.atomic
def notifications_mark_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# --- subject accounts -------------------------------------------------------------------------------


def _clean_email_address(email: str) -> str:
    email = (email or "").strip()
    validate_email(email)
    return email


def _registration_mail(*, username: str, activation_url: str, taken: bool) -> tuple[str, str]:
    """The one place where the applicant learns whether the user name was free: its own mailbox."""
    with translation.override(settings.LANGUAGE_CODE):
        if taken:
            title = str(_("Your registration in the credit registry"))
            body = _(
                "Someone (you, perhaps) asked to open a subject account named “%(username)s” with this "
                "address. That user name is already in use, so no account was opened. If the account "
                "is yours, log in; otherwise register again with another user name."
            ) % {"username": username}
        else:
            title = str(_("Confirm your registration in the credit registry"))
            body = _(
                "Open this link to confirm your address and activate the account “%(username)s”:\n"
                "%(url)s\nThe account is linked to its subject only after verification: by the credit "
                "office, by an account already linked to the subject, or by a code sent to the "
                "subject's contact on record. If you did not register, ignore this message."
            ) % {"username": username, "url": activation_url}
    return title, body


def _mail_after_commit(address: str, title: str, body: str) -> None:
    transaction.on_commit(
        lambda: send_mail(title, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)
    )


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
    email: str,
    client_address: str = "",
    activation_url=None,
) -> SubjectAccountRequest | None:
    """An enterprise, organisation or person applies for a portal account.

    Nothing the applicant types links the account (SPEC §6; knowledge of a legal representative's
    identity number once did, issue 13): it is linked later by the credit office
    (``subject_account_verify``), by an account already linked to the subject
    (``subject_account_holder_approve``) or by a code sent to the subject's contact on record
    (``link_code_send`` / ``link_code_check``).

    Only the form of the input is checked on the spot; the answer is the same whether the subject is
    registered, whether the user name is free and whoever holds the subject: the result goes to the
    e-mail address given — an activation link, or a notice that the user name is taken (then nothing
    is created and None is returned; the caller must not tell). The account is inactive until the
    link is followed. Attempts are limited per client address and per subject code."""
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
    try:
        email = _clean_email_address(email)
    except ValidationError:
        errors["email"] = [_("Enter the e-mail address where we send the activation link.")]
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("Choose a user name.")]
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError as exc:
            errors["username"] = exc.error_list
    try:
        validate_password(password, User(username=username, full_name=contact_name))
    except ValidationError as exc:
        errors["password"] = exc.error_list
    if errors:
        raise ValidationError(errors)
    attempts_check(("register_address", client_address), ("register_subject", clean_code))
    user = None
    if not User.objects.filter(username=username).exists():
        try:
            with transaction.atomic():
                user = user_create(
                    actor=None,
                    username=username,
                    password=password,
                    role=Role.SUBJECT,
                    full_name=contact_name,
                    phone=phone,
                )
        except ValidationError:  # taken by a concurrent registration
            user = None
    if user is None:
        # Same work as the other branch (a password hash), so the time taken tells nothing either.
        make_password(password)
        _mail_after_commit(email, *_registration_mail(username=username, activation_url="", taken=True))
        return None
    user.email = email
    user.is_active = False
    user.save(update_fields=["email", "is_active"])
    request = SubjectAccountRequest.objects.create(
        user=user,
        kind=kind,
        code=clean_code,
        name=name,
        contact_name=contact_name,
        phone=phone,
        email=email,
        registered_from=client_address or None,
    )
    audit_log_write(
        actor=user,
        action="subject_account.register",
        target=request,
        after={"kind": kind, "code": clean_code, "name": name, "user": user.username},
    )
    url = activation_url(user) if activation_url is not None else ""
    _mail_after_commit(email, *_registration_mail(username=username, activation_url=url, taken=False))
    return request


def subject_account_activation_token(*, user) -> tuple[str, str]:
    """``(uidb64, token)`` of the activation link mailed to the applicant."""
    return urlsafe_base64_encode(force_bytes(user.pk)), account_activation_token.make_token(user)


@transaction.atomic
def subject_account_activate(*, uidb64: str, token: str) -> SubjectAccountRequest:
    """The applicant followed the mailed link: the address is confirmed and the account may log in (it
    still sees nothing of any subject). The subject's linked accounts are told, so a stranger's
    request does not go unnoticed."""
    invalid = ValidationError(_("This activation link is invalid or has expired."))
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        raise invalid from None
    user = User.objects.select_for_update().filter(pk=pk, role=Role.SUBJECT).first()
    if user is None or user.is_active or not account_activation_token.check_token(user, token):
        raise invalid
    request = SubjectAccountRequest.objects.select_for_update().filter(user=user).first()
    if request is None or request.email_confirmed_at is not None:
        raise invalid
    user.is_active = True
    user.save(update_fields=["is_active"])
    request.email_confirmed_at = timezone.now()
    request.save(update_fields=["email_confirmed_at"])
    audit_log_write(actor=user, action="subject_account.activate", target=request, after={"active": True})
    holders = _subject_users_of_request(request)
    if holders:
        notification_send(
            users=holders,
            event=NoticeEvent.LINK_REQUESTED,
            detail=_("%(username)s (contact %(contact)s, %(phone)s)")
            % {"username": user.username, "contact": request.contact_name, "phone": request.phone},
        )
    return request


def _request_subject(request: SubjectAccountRequest) -> Subject | None:
    return Subject.objects.filter(code=request.code, kind=request.kind).first()


def _subject_users_of_request(request: SubjectAccountRequest) -> list[User]:
    subject = _request_subject(request)
    return list(_subject_users(subject)) if subject is not None else []


def _link(
    request: SubjectAccountRequest, *, subject: Subject, actor: Actor, method: str, reason: str = ""
) -> None:
    user = User.objects.select_for_update().get(pk=request.user_id)
    holders = list(_subject_users(subject).exclude(pk=user.pk))
    user.subject = subject
    fields = ["subject"]
    if not user.is_active and user.last_login is None:
        # Never used yet: the verification stands for the confirmation of the address.
        user.is_active = True
        fields.append("is_active")
    user.save(update_fields=fields)
    request.status = AccountRequestStatus.VERIFIED
    request.verified_by_method = method
    request.subject = subject
    # A code is the subject contact's consent, not the applicant's decision: no one is named.
    decider = actor_user(actor)
    request.decided_by = None if method == AccountVerification.CONTACT_CODE else decider
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save()
    LinkCode.objects.filter(request=request, used_at__isnull=True).update(voided=True)
    audit_log_write(
        actor=actor,
        action="subject_account.verify",
        target=request,
        before={"subject": None},
        after={"subject": subject.pk, "method": method, "user": user.username},
        reason=reason,
    )
    notification_send(users=[user], event=NoticeEvent.ACCOUNT_VERIFIED, detail=subject.name)
    if holders:
        notification_send(
            users=holders,
            event=NoticeEvent.ACCOUNT_ADDED,
            detail=f"{user.username} · {AccountVerification(method).label}",
        )


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
    *, actor: Actor, request: SubjectAccountRequest, reason: str = ""
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
def subject_account_reject(
    *, actor: Actor, request: SubjectAccountRequest, reason: str
) -> SubjectAccountRequest:
    if not can_verify_accounts(actor):
        raise PermissionDenied(_("Only the credit office verifies subject accounts."))
    reason = reason_required(reason)
    return _close_unverified(
        _locked_request(request), actor=actor, action="subject_account.reject", reason=reason
    )


def _close_unverified(
    request: SubjectAccountRequest, *, actor: Actor, action: str, reason: str
) -> SubjectAccountRequest:
    """Close a pending (locked) request without linking the account, and tell the applicant why."""
    request.status = AccountRequestStatus.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save()
    audit_log_write(
        actor=actor, action=action, target=request, after={"status": request.status}, reason=reason
    )
    notification_send(users=[request.user], event=NoticeEvent.ACCOUNT_REJECTED, detail=reason)
    return request


def _holder_request(*, actor: User, request: SubjectAccountRequest) -> SubjectAccountRequest:
    found = account_request_for_holder(actor=actor, pk=request.pk)
    if found is None:
        raise PermissionDenied(_("Only an account linked to the subject decides on this request."))
    return _locked_request(found)


@transaction.atomic
def subject_account_holder_approve(*, actor: User, request: SubjectAccountRequest) -> SubjectAccountRequest:
    """An account already linked to the subject vouches for the new one (the holder's confirmation,
    SPEC §6)."""
    request = _holder_request(actor=actor, request=request)
    assert actor.subject is not None  # _holder_request: an account linked to the request's subject
    _link(request, subject=actor.subject, actor=actor, method=AccountVerification.HOLDER)
    return request


@transaction.atomic
def subject_account_holder_decline(
    *, actor: User, request: SubjectAccountRequest, reason: str = ""
) -> SubjectAccountRequest:
    """The subject's holder does not know the applicant: the request is closed (the applicant may
    still turn to the credit office with its documents)."""
    request = _holder_request(actor=actor, request=request)
    reason = (reason or "").strip() or _("Declined by an account of the subject.")
    LinkCode.objects.filter(request=request, used_at__isnull=True).update(voided=True)
    return _close_unverified(request, actor=actor, action="subject_account.holder_decline", reason=reason)


# --- one-time codes to the subject's contact on record ---------------------------------------------


def _link_code_settings() -> tuple[int, int]:
    """(minutes a code is valid, attempts allowed per code)."""
    return (
        int(getattr(settings, "CREDITREG_LINK_CODE_TTL_MINUTES", 15)),
        int(getattr(settings, "CREDITREG_LINK_CODE_ATTEMPTS", 5)),
    )


def link_code_minutes() -> int:
    return _link_code_settings()[0]


def _code_hash(salt: str, code: str) -> str:
    # Keyed by SECRET_KEY: a copy of the database alone does not give the codes back.
    return salted_hmac("creditreg.objections.link-code", f"{salt}:{code}", algorithm="sha256").hexdigest()


def _pending_request_of(user) -> SubjectAccountRequest | None:
    if not is_subject_user(user) or user.subject_id is not None:
        return None
    return (
        SubjectAccountRequest.objects.select_for_update()
        .filter(user=user, status=AccountRequestStatus.PENDING)
        .first()
    )


@transaction.atomic
def link_code_send(*, user, client_address: str = "") -> None:
    """Send a one-time code for the user's pending request to the contact on record of the subject
    it names. The applicant is told the same whether or not the registry holds the subject or a
    contact for it (the page says where a code would go only in general terms); a new code voids the
    previous one. Limited per client address and per subject."""
    request = _pending_request_of(user)
    if request is None:
        raise ValidationError(_("Your account has no request waiting to be linked."))
    attempts_check(("code_send_address", client_address), ("code_send_subject", request.code))
    subject = _request_subject(request)
    contact = contact_on_record(subject) if subject is not None else None
    if subject is None or contact is None:
        return
    channel, address = contact
    LinkCode.objects.filter(request=request, used_at__isnull=True, voided=False).update(voided=True)
    ttl, _attempts = _link_code_settings()
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(8)
    link_code = LinkCode.objects.create(
        request=request,
        subject=subject,
        salt=salt,
        code_hash=_code_hash(salt, code),
        channel=channel,
        sent_to=contact_mask(channel, address),
        expires_at=timezone.now() + timedelta(minutes=ttl),
    )
    audit_log_write(
        actor=user,
        action="subject_account.code_sent",
        target=request,
        after={"subject": subject.pk, "channel": channel, "sent_to": link_code.sent_to},
    )
    with translation.override(settings.LANGUAGE_CODE):
        title = str(_("Code to link an account to %(name)s") % {"name": subject.name})
        body = _(
            "The account “%(username)s” (contact %(contact)s, phone %(phone)s) asks to be linked to "
            "%(name)s in the credit registry; linked, it sees the subject's records, objections and "
            "repair applications.\nIf you agree, give the applicant this code: %(code)s (valid for "
            "%(minutes)s minutes).\nIf you do not know the applicant, do not pass the code on and tell "
            "the credit office."
        ) % {
            "username": user.username,
            "contact": request.contact_name,
            "phone": request.phone,
            "name": subject.name,
            "code": code,
            "minutes": ttl,
        }
    transaction.on_commit(lambda: contact_send(channel=channel, address=address, title=title, body=body))


@transaction.atomic
def _link_code_attempt(*, user, code: str, client_address: str) -> SubjectAccountRequest | None:
    request = _pending_request_of(user)
    if request is None:
        return None
    attempts_check(("code_check_address", client_address), ("code_check_subject", request.code))
    now = timezone.now()
    _ttl, allowed = _link_code_settings()
    link_code = (
        LinkCode.objects.select_for_update()
        .filter(request=request, used_at__isnull=True, voided=False, expires_at__gt=now)
        .select_related("subject")
        .order_by("-created_at", "-id")
        .first()
    )
    if link_code is None:
        return None
    link_code.attempts += 1
    code = "".join((code or "").split())
    if not constant_time_compare(_code_hash(link_code.salt, code), link_code.code_hash):
        link_code.voided = link_code.attempts >= allowed
        link_code.save(update_fields=["attempts", "voided"])
        return None
    link_code.used_at = now
    link_code.save(update_fields=["attempts", "used_at"])
    _link(request, subject=link_code.subject, actor=user, method=AccountVerification.CONTACT_CODE)
    return request


def link_code_check(*, user, code: str, client_address: str = "") -> SubjectAccountRequest:
    """The applicant enters the code the subject's contact passed on: the account is linked.

    One answer for a wrong, expired, used-up or never-sent code; a wrong attempt is counted (and kept:
    it commits before the refusal), and after the allowed attempts the code is void."""
    request = _link_code_attempt(user=user, code=code, client_address=client_address)
    if request is None:
        raise ValidationError({"code": _("The code is wrong or has expired.")})
    return request


# --- objections -------------------------------------------------------------------------------------

HANDLERS = Permission(
    can_handle_objection,
    gettext_lazy(
        "Only a reviewer of the department that entered the record handles a record objection; "
        "the credit office handles grade objections."
    ),
)
SUBJECT_ANSWERS = Permission(
    lambda actor, objection: is_subject_user_of(actor, objection.subject),
    gettext_lazy("Only a verified account of the subject answers for its objection."),
)
# Only an objection waiting for material is answered (back to accepted, the clock running again).
ANSWERED: dict[str, tuple[str, ...]] = {ObjectionStatus.MATERIAL_REQUESTED: (ObjectionStatus.ACCEPTED,)}
OBJECTIONS = Workflow(
    ObjectionTransition,
    TRANSITIONS,
    gettext_lazy("An objection that is “%(status)s” cannot become “%(to)s”."),
    audit_after=("record_action",),
)


def objection_deadline(*, filed_on: date) -> date:
    """5 working days after the day of filing (that day not counted; Chinese statutory holidays off and
    make-up working days worked, through ``creditreg.workdays``)."""
    return add_working_days(filed_on, OBJECTION_WORKING_DAYS)


def _store_evidence(objection: Objection, *, actor: Actor, uploaded) -> ObjectionEvidence:
    suffix = evidence_check(uploaded)
    return file_store(ObjectionEvidence(objection=objection, uploaded_by=actor), uploaded, suffix)


def _evidence_errors(files: list) -> list[str]:
    """What is wrong with the files given (their number, kinds and contents); none when all is well."""
    if len(files) > MAX_EVIDENCE_FILES:
        return [_("At most %(n)s files.") % {"n": MAX_EVIDENCE_FILES}]
    errors: list[str] = []
    for uploaded in files:
        try:
            evidence_check(uploaded)
        except ValidationError as exc:
            errors.extend(exc.message_dict["evidence"])
    return errors


@transaction.atomic
def objection_file(
    *,
    actor: User,
    reasons: str,
    record: CreditRecord | None = None,
    grade=None,
    field: str = "",
    claimed_value: str = "",
    files=(),
    today: date | None = None,
) -> Objection:
    """A subject user objects to one of its subject's records in force — the whole record, or one
    ``field`` of it with the value it claims (``objections.claims``) — or to one of its grades.

    Routed to the department that entered the record, or to the credit office for a grade; the record
    is marked "under objection" until the objection is closed, and the platform is told it opened. The
    objection gets its number and its due date at once: the receipt (回执) shows both."""
    if (record is None) == (grade is None):
        raise ValidationError(_("An objection is about one record or one grade."))
    target_obj = record if record is not None else grade
    subject = target_obj.subject
    if not is_subject_user_of(actor, subject):
        raise PermissionDenied(_("Only a verified account of the subject files objections about it."))
    today = today or timezone.localdate()
    errors: dict = {}
    reasons = (reasons or "").strip()
    if not reasons:
        errors["reasons"] = [_("Say why the information is wrong.")]
    field = (field or "").strip()
    claimed_value = (claimed_value or "").strip()
    if field and record is None:
        errors["field"] = [_("Only an objection to a record names one of its fields.")]
    elif field and record is not None:
        try:
            claimed_value = claim_clean(record=record, field=field, value=claimed_value)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    elif claimed_value:
        errors["field"] = [_("Name the field whose value you claim.")]
    files = [f for f in files if f]
    if evidence_errors := _evidence_errors(files):
        errors["evidence"] = evidence_errors
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
        field=field,
        claimed_value=claimed_value,
        department=department,
        reasons=reasons,
        submitted_by=actor,
        deadline=objection_deadline(filed_on=today),
    )
    objection.number = objection_number(year=today.year, pk=objection.pk)
    objection.save(update_fields=["number"])
    for uploaded in files:
        _store_evidence(objection, actor=actor, uploaded=uploaded)
    if record is not None:
        record_objection_mark(record=record, under_objection=True)
    OBJECTIONS.created(
        objection,
        actor=actor,
        action="objection.submit",
        after={
            "number": objection.number,
            "target": target,
            "record": getattr(record, "pk", None),
            "grade": getattr(grade, "pk", None),
            "field": field,
            "claimed_value": claimed_value,
            "department": department.code,
            "deadline": objection.deadline.isoformat(),
            "files": len(files),
        },
    )
    objection_outbox_enqueue(objection=objection, type=OutboxType.OBJECTION_OPENED)
    notification_send(
        users=_subject_users(subject), event=NoticeEvent.OBJECTION_SUBMITTED, objection=objection
    )
    return objection


def _accepted(objection: Objection, *, actor: Actor, reason: str = "") -> Objection:
    """Submitted → accepted (the objection locked and the handler checked by the caller)."""
    objection.accepted_by, objection.accepted_at = actor, timezone.now()
    OBJECTIONS.transition(
        objection, ObjectionStatus.ACCEPTED, actor=actor, action="objection.accept", reason=reason
    )
    notification_send(
        users=_subject_users(objection.subject), event=NoticeEvent.OBJECTION_ACCEPTED, objection=objection
    )
    return objection


def _handle(objection: Objection, *, actor: Actor, to: str) -> Objection:
    """Lock the objection, check the handler, accept it first when it is still submitted (SPEC §7:
    deciding a submitted objection accepts it), and guard the move to ``to``. The caller's transaction
    undoes the acceptance with the rest when its own step is refused."""
    objection = OBJECTIONS.lock(objection)
    HANDLERS.check(actor, objection)
    if objection.status == ObjectionStatus.SUBMITTED and to != ObjectionStatus.ACCEPTED:
        OBJECTIONS.guard(objection, ObjectionStatus.ACCEPTED)
        # Refuse before accepting what the workflow would not let go on to ``to``.
        if to not in TRANSITIONS[ObjectionStatus.ACCEPTED]:
            OBJECTIONS.refuse(objection, to=to)
        _accepted(objection, actor=actor)
    OBJECTIONS.guard(objection, to)
    return objection


@transaction.atomic
def objection_accept(*, actor: Actor, objection: Objection, reason: str = "") -> Objection:
    """Submitted → accepted: the handler takes it up (the 5-working-day deadline keeps running)."""
    objection = OBJECTIONS.begin(objection, ObjectionStatus.ACCEPTED, actor=actor, permission=HANDLERS)
    return _accepted(objection, actor=actor, reason=reason)


@transaction.atomic
def objection_material_request(
    *, actor: Actor, objection: Objection, reason: str, today: date | None = None
) -> Objection:
    """The handler asks the subject for more material, once (SPEC §5): the clock stops. The working
    days left are those after the request day up to the due date (SPEC §7); without an answer within
    10 working days the objection is withdrawn (``objections_withdraw_due``)."""
    today = today or timezone.localdate()
    objection = _handle(objection, actor=actor, to=ObjectionStatus.MATERIAL_REQUESTED)
    if objection.material_requested_on is not None:
        raise ValidationError(_("More material can be asked for only once."))
    reason = reason_required(reason, missing=_("Say what material is needed."))
    days_left = working_days_between(today, objection.deadline) if objection.deadline > today else 0
    OBJECTIONS.transition(
        objection,
        ObjectionStatus.MATERIAL_REQUESTED,
        actor=actor,
        action="objection.request_material",
        reason=reason,
        audit_after=("material_days_left", "material_due"),
        material_requested_on=today,
        material_request=reason,
        material_days_left=days_left,
        material_due=add_working_days(today, MATERIAL_WORKING_DAYS),
    )
    notification_send(
        users=_subject_users(objection.subject),
        event=NoticeEvent.OBJECTION_MATERIAL_REQUESTED,
        objection=objection,
        detail=_("%(request)s (answer by %(due)s)")
        % {"request": reason, "due": _iso(objection.material_due)},
    )
    return objection


@transaction.atomic
def objection_answer(
    *, actor: Actor, objection: Objection, reason: str, files=(), today: date | None = None
) -> Objection:
    """The subject answers the request for material, with what it says and files: the clock runs
    again, and the due date becomes ``add_working_days(answer day, days left)`` (SPEC §7)."""
    today = today or timezone.localdate()
    objection = OBJECTIONS.begin(
        objection, ObjectionStatus.ACCEPTED, actor=actor, permission=SUBJECT_ANSWERS, transitions=ANSWERED
    )
    reason = reason_required(reason, missing=_("Say what you answer."))
    files = [f for f in files if f]
    if evidence_errors := _evidence_errors(files):
        raise ValidationError({"evidence": evidence_errors})
    deadline = add_working_days(today, objection.material_days_left or 0)
    OBJECTIONS.transition(
        objection,
        ObjectionStatus.ACCEPTED,
        actor=actor,
        action="objection.answer_material",
        reason=reason,
        transitions=ANSWERED,
        audit_after=("deadline",),
        material_answered_on=today,
        material_answer=reason,
        deadline=deadline,
    )
    for uploaded in files:
        _store_evidence(objection, actor=actor, uploaded=uploaded)
    return objection


def _mark_cleared(objection: Objection) -> None:
    """The record's "under objection" mark ends with its last open objection."""
    if objection.record_id is None:
        return
    still_open = (
        Objection.objects.filter(record_id=objection.record_id, status__in=OPEN_STATUSES)
        .exclude(pk=objection.pk)
        .exists()
    )
    if not still_open:
        assert objection.record is not None  # a record objection (the caller's check)
        record_objection_mark(record=objection.record, under_objection=False)


@transaction.atomic
def _withdraw_if_due(pk: int, *, today: date) -> bool:
    objection = Objection.objects.filter(
        pk=pk, status=ObjectionStatus.MATERIAL_REQUESTED, material_due__lt=today
    ).first()
    if objection is None:
        return False
    objection = OBJECTIONS.lock(objection)
    if objection.status != ObjectionStatus.MATERIAL_REQUESTED:  # answered meanwhile
        return False
    reason = _("No answer to the request for material within %(n)s working days (by %(due)s).") % {
        "n": MATERIAL_WORKING_DAYS,
        "due": _iso(objection.material_due),
    }
    OBJECTIONS.transition(
        objection, ObjectionStatus.WITHDRAWN, actor=None, action="objection.withdraw", reason=reason
    )
    _mark_cleared(objection)
    objection_outbox_enqueue(objection=objection, type=OutboxType.OBJECTION_WITHDRAWN)
    notification_send(
        users=_subject_users(objection.subject),
        event=NoticeEvent.OBJECTION_WITHDRAWN,
        objection=objection,
        detail=reason,
    )
    return True


def objections_withdraw_due(*, today: date | None = None) -> int:
    """Daily: objections whose subject did not answer the request for material within 10 working days
    are withdrawn (SPEC §5), each in its own transaction. Running it again withdraws nothing twice."""
    today = today or timezone.localdate()
    due = Objection.objects.filter(
        status=ObjectionStatus.MATERIAL_REQUESTED, material_due__lt=today
    ).values_list("pk", flat=True)
    return sum(_withdraw_if_due(pk, today=today) for pk in list(due))


_EVENTS: dict[str, tuple[NoticeEvent, str]] = {
    ObjectionStatus.UPHELD: (NoticeEvent.OBJECTION_UPHELD, "objection.uphold"),
    ObjectionStatus.PARTLY_UPHELD: (NoticeEvent.OBJECTION_PARTLY_UPHELD, "objection.partly_uphold"),
    ObjectionStatus.REJECTED: (NoticeEvent.OBJECTION_REJECTED, "objection.reject"),
}


def _decide(objection: Objection, *, actor: Actor, to: str, reason: str) -> Objection:
    """The common end of every decision: the record's mark, the status, the platform, the notice."""
    event, action = _EVENTS[to]
    OBJECTIONS.decide(objection, to, actor=actor, action=action, reason=reason)
    _mark_cleared(objection)
    objection_outbox_enqueue(objection=objection, type=OutboxType.OBJECTION_DECIDED)
    notification_send(
        users=_subject_users(objection.subject), event=event, objection=objection, detail=reason
    )
    return objection


def grade_levels(grade: Grade) -> list[str]:
    """The grades a scheme gives: A+ … D- for the county score model, A/B/C for a department scheme."""
    return LEVELS if grade.scheme.kind == SchemeKind.SCORE else ABC


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def _corrected_grade(objection: Objection, corrected_grade: str) -> str:
    corrected_grade = (corrected_grade or "").strip()
    assert objection.grade is not None  # a grade objection (the caller's check)
    levels = grade_levels(objection.grade)
    if corrected_grade not in levels:
        raise ValidationError(
            {
                "corrected_grade": _("Set the corrected grade: one of %(levels)s.")
                % {"levels": ", ".join(levels)}
            }
        )
    return corrected_grade


def _decide_grade(
    objection: Objection, *, actor: Actor, to: str, reason: str, corrected_grade: str
) -> Objection:
    """A grade objection upheld, in whole or in part: the grade in force is corrected at once."""
    objection.corrected_grade = _corrected_grade(objection, corrected_grade)
    grade = objection.grade
    assert grade is not None  # a grade objection (the caller's check)
    grade_in_force_correct(
        actor=actor,
        subject=objection.subject,
        scheme=grade.scheme,
        department=grade.department,
        grade=objection.corrected_grade,
        reason=reason,
        decision=objection.decision_number,
    )
    objection.record_action = RecordAction.REGRADED
    return _decide(objection, actor=actor, to=to, reason=reason)


def _correct_field(objection: Objection, *, actor: Actor, value: str, reason: str) -> Objection:
    """The named field corrected to ``value`` through the record correction service, as the handler's
    decision: a new version in force at once, the old one kept (SPEC §5, §7)."""
    record = objection.record
    assert record is not None  # a field objection names a record (filing refuses it otherwise)
    correction = claim_correction(record=record, field=objection.field, value=value, catalog=RecordCatalog())
    subject = claim_subject(correction.subject_code) if correction.subject_code else None
    objection.correction = record_correct_by_decision(
        actor=actor,
        record=record,
        data=correction.data,
        subject=subject,
        reason=reason,
        decision=objection.decision_number,
    )
    objection.corrected_value = value
    objection.record_action = RecordAction.CORRECTED
    return objection


@transaction.atomic
def objection_uphold(
    *, actor: Actor, objection: Objection, reason: str, corrected_grade: str = ""
) -> Objection:
    """Upheld (a submitted objection is accepted first). A whole-record objection revokes the record
    (through ``record_revoke``); a field objection corrects the field to the value claimed; a grade
    objection sets the corrected grade (``corrected_grade``, a grade of the scheme)."""
    objection = _handle(objection, actor=actor, to=ObjectionStatus.UPHELD)
    reason = reason_required(reason)
    if objection.target == ObjectionTarget.GRADE:
        return _decide_grade(
            objection, actor=actor, to=ObjectionStatus.UPHELD, reason=reason, corrected_grade=corrected_grade
        )
    if objection.field:
        _correct_field(objection, actor=actor, value=objection.claimed_value, reason=reason)
        return _decide(objection, actor=actor, to=ObjectionStatus.UPHELD, reason=reason)
    record = objection.record
    assert record is not None  # not a grade objection (handled above)
    if record.status != RecordStatus.REVOKED:  # already revoked by the department: nothing to redo
        record_revoke(
            actor=actor,
            record=record,
            reason=_("Objection %(id)s upheld: %(reason)s") % {"id": objection.number, "reason": reason},
        )
    objection.record_action = RecordAction.REVOKED
    return _decide(objection, actor=actor, to=ObjectionStatus.UPHELD, reason=reason)


@transaction.atomic
def objection_partly_uphold(
    *, actor: Actor, objection: Objection, reason: str, corrected_value: str = "", corrected_grade: str = ""
) -> Objection:
    """Partly upheld (a submitted objection is accepted first). A field objection corrects the named
    field to ``corrected_value``, the value the handler sets; a grade objection sets the corrected
    grade; a whole-record objection needs the correction of the record started through the intake
    services (``record_correction_start``: a new version that replaces the record once approved)."""
    objection = _handle(objection, actor=actor, to=ObjectionStatus.PARTLY_UPHELD)
    reason = reason_required(reason)
    if objection.target == ObjectionTarget.GRADE:
        return _decide_grade(
            objection,
            actor=actor,
            to=ObjectionStatus.PARTLY_UPHELD,
            reason=reason,
            corrected_grade=corrected_grade,
        )
    if objection.field:
        assert objection.record is not None  # a field objection names a record
        value = claim_clean(
            record=objection.record, field=objection.field, value=corrected_value, key="corrected_value"
        )
        _correct_field(objection, actor=actor, value=value, reason=reason)
        return _decide(objection, actor=actor, to=ObjectionStatus.PARTLY_UPHELD, reason=reason)
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
    return _decide(objection, actor=actor, to=ObjectionStatus.PARTLY_UPHELD, reason=reason)


@transaction.atomic
def objection_reject(*, actor: Actor, objection: Objection, reason: str) -> Objection:
    """Rejected (a submitted objection is accepted first), with the reasons the subject is given
    (003 §5(2))."""
    objection = _handle(objection, actor=actor, to=ObjectionStatus.REJECTED)
    reason = reason_required(reason)
    return _decide(objection, actor=actor, to=ObjectionStatus.REJECTED, reason=reason)


OUTCOMES: dict[str, Callable[..., Objection]] = {
    ObjectionStatus.UPHELD: objection_uphold,
    ObjectionStatus.PARTLY_UPHELD: objection_partly_uphold,
    ObjectionStatus.REJECTED: objection_reject,
}


def objection_decide(
    *,
    actor: Actor,
    objection: Objection,
    outcome: str,
    reason: str,
    corrected_value: str = "",
    corrected_grade: str = "",
) -> Objection:
    """One entry for the three decisions (the API's ``decide``): ``outcome`` is ``upheld``,
    ``partly_upheld`` or ``rejected``; each takes what it needs of the rest."""
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": _("Choose the outcome: upheld, partly_upheld or rejected.")})
    kwargs: dict = {"actor": actor, "objection": objection, "reason": reason}
    if outcome != ObjectionStatus.REJECTED:
        kwargs["corrected_grade"] = corrected_grade
    if outcome == ObjectionStatus.PARTLY_UPHELD:
        kwargs["corrected_value"] = corrected_value
    return OUTCOMES[outcome](**kwargs)
