"""A department's own red and black lists (002 §3(1) 诚信红榜, §4(3) 黑名单制度; SPEC §3.6): the writes.

The housing security centre (and any department) keeps its own lists for its field, beside the county's
joint lists the credit office keeps (``services.list_entry_add``). A listing goes through one procedure,
one service per arrow of ``models.LISTING_TRANSITIONS``:

- a clerk (or reviewer) of the department proposes it with the reason, the decision document (number,
  date and the uploaded file) and the listing period (``listing_propose``); the credit office is told;
- a reviewer of the same department who did not propose it approves or returns it (four eyes,
  ``listing_approve`` / ``listing_return``); a returned proposal is corrected and submitted again;
- a red listing takes effect on approval. A black listing is first told to the subject — on its
  portal and on the subject page — which may state its case (陈述申辩) within the working days the
  department set (``creditreg.workdays.add_working_days``): without a statement the listing takes
  effect the day after that period ends (``department_listings_settle``: the beat task just after
  midnight, and the first read of any list page, the portal, the subject page or the public API
  before it, so nothing waits for the night); with one, when a reviewer has considered it and answers
  — listing it or not (``listing_consider``). The statement and the answer are kept;
- in force, it is a ``ListEntry`` of scope ``department`` (authority: the department), read by every
  page, the public API, the measures and the platform push (``list.entry`` with the department's
  code), and counted through an effective record of kind ``department_black_list`` (serious
  dishonesty: D in the county evaluation, C in the department's own scheme) or ``department_red_list``
  (a commendation) — the schemes weigh them from grading migration 0007; the credit office is told;
- it ends by expiry (the day after ``ends_on``), by credit repair (``repair`` ends the entry of the
  repaired record) or by a reviewer's decision with a reason (``listing_remove``), each audited.

Every step is a ``ListingTransition`` row and an audit entry, in one transaction with its effects.
"""

import datetime
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.permissions import is_credit_office
from audit.services import audit_log_write, model_snapshot
from audit.workflow import Permission, reason_required
from core.files import evidence_check, file_store
from core.masking import mask_resident_id
from core.types import Actor
from records.models import CreditRecord
from records.publication import add_months
from records.services import record_enter_effective
from records.validation import RecordInput
from subjects.models import Subject
from workcalendar.workdays import add_working_days

from .models import (
    OPEN_LISTING_STATUSES,
    DepartmentListing,
    ListEntry,
    ListExit,
    ListingFile,
    ListingStatus,
    ListingTransition,
    ListLevel,
    ListScope,
    ListSource,
    ListType,
)
from .permissions import (
    can_end_listing,
    can_propose_listing,
    can_resubmit_listing,
    can_review_listing,
    can_state_case,
    can_withdraw_listing,
)
from .selectors import list_entries_in_force
from .services import (
    LIST_ENTRY_AUDIT_FIELDS,
    LISTINGS,
    RED_LIST_GRADES,
    _date,
    _outbox,
    _remove,
    public_grade_now,
)

LISTING_AUDIT_FIELDS = [
    "department",
    "subject",
    "list_type",
    "status",
    "reason",
    "document_number",
    "decision_date",
    "ends_on",
    "hearing_days",
    "notified_on",
    "hearing_until",
]
DEPARTMENT_LIST_RECORD_KIND: dict[str, str] = {
    ListType.RED: "department_red_list",
    ListType.BLACK: "department_black_list",
}
MAX_TEXT = 4000
MAX_STATEMENT_FILES = 10
# The cache key of the day whose due listings were last brought into effect or to their end.
SETTLED_KEY = "measures:department-listings:settled-on"


def hearing_days_default() -> int:
    """Working days a subject has to state its case by default (the department may set others)."""
    return settings.DEPARTMENT_LIST_HEARING_WORKING_DAYS


def _matter(listing: DepartmentListing) -> str:
    # Stored data, in Chinese like the reference data: the matter of the record behind the listing.
    name = listing.department.name
    return f"列入{name}诚信红榜" if listing.list_type == ListType.RED else f"列入{name}黑名单"


def _user(actor: Actor) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def _forget_settled_day() -> None:
    """A listing whose period or effect date is now known: the next read looks for due listings again
    (now, and once more after commit, in case another read settled the day in between)."""
    cache.delete(SETTLED_KEY)
    transaction.on_commit(lambda: cache.delete(SETTLED_KEY))


# --- telling the credit office (SPEC §3.6: it sees and is told of every department listing) -------------


def _inform_office(listing: DepartmentListing, *, event: str) -> None:
    """The step is on the credit office's to-do (the ``ListingTransition`` row, unread until someone of
    the office reads it, ``listing_news_mark_read``); each office account with an e-mail address is
    also mailed after commit."""
    addresses = list(
        User.objects.filter(Q(role=Role.CREDIT_OFFICE) | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not addresses:
        return
    subject = listing.subject
    code = mask_resident_id(subject.code) if subject.is_natural_person else subject.code
    with translation.override(settings.LANGUAGE_CODE):
        title = (
            _("Department listing proposed: %(list)s")
            if event == "proposed"
            else _("Department listing in force: %(list)s")
        ) % {"list": listing.list_name}
        body = "\n".join(
            [
                title,
                _("Subject: %(name)s (%(code)s)") % {"name": subject.name, "code": code},
                _("Document: %(number)s of %(date)s")
                % {"number": listing.document_number, "date": listing.decision_date},
                _("Reason: %(reason)s") % {"reason": listing.reason},
                _("Listed until %(date)s.") % {"date": listing.ends_on},
            ]
        )
    transaction.on_commit(
        partial(send_mail, title, body, settings.DEFAULT_FROM_EMAIL, addresses, fail_silently=True)
    )


# --- input ------------------------------------------------------------------------------------------------


def listing_clean(
    *,
    department,
    subject: Subject | None,
    list_type: str,
    reason: str,
    document_number: str,
    decision_date,
    ends_on,
    hearing_days=None,
    exclude_pk: int | None = None,
    today: datetime.date | None = None,
) -> dict:
    """Check a proposal and return its clean values; raises ``ValidationError`` keyed by field, every
    problem at once. Reads only: the forms show the same messages."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def fail(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if list_type not in ListType.values:
        fail("list_type", _("Choose your department's red list or black list."))
    if subject is None:
        fail("subject", _("Choose the subject."))
    reason = (reason or "").strip()
    if not reason:
        fail("reason", _("Give the reason for the listing."))
    elif len(reason) > MAX_TEXT:
        fail("reason", _("The reason is too long (at most %(n)s characters).") % {"n": MAX_TEXT})
    document_number = " ".join((document_number or "").split())
    if not document_number:
        fail("document_number", _("Give the number of the decision document."))
    elif len(document_number) > 100:
        fail("document_number", _("The document number is too long (at most 100 characters)."))
    day = None
    try:
        day = _date(decision_date, field="decision_date", label=_("decision date"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    until = None
    latest = add_months(today, 12 * settings.DEPARTMENT_LIST_MAX_YEARS)
    if ends_on in (None, ""):
        fail("ends_on", _("Enter the last day of the listing period."))
    else:
        try:
            until = _date(ends_on, field="ends_on", label=_("end of the listing period"), future=True)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            if until <= today:
                fail("ends_on", _("The listing period must end after today."))
            elif until > latest:
                fail(
                    "ends_on",
                    _("A listing period lasts at most %(years)s years (SPEC §3.4): end it by %(date)s.")
                    % {"years": settings.DEPARTMENT_LIST_MAX_YEARS, "date": latest},
                )
    days = None
    if list_type == ListType.BLACK:
        days, maximum = hearing_days, settings.DEPARTMENT_LIST_HEARING_MAX_WORKING_DAYS
        if days in (None, ""):
            days = hearing_days_default()
        try:
            days = int(days)
        except (TypeError, ValueError):
            days = None
        if days is None or not 1 <= days <= maximum:
            fail(
                "hearing_days",
                _("The subject has between 1 and %(max)s working days to state its case.") % {"max": maximum},
            )
    if not errors:
        assert subject is not None and day is not None  # refused into ``errors`` above
        _subject_checks(
            fail,
            department=department,
            subject=subject,
            list_type=list_type,
            document_number=document_number,
            exclude_pk=exclude_pk,
        )
    if errors:
        raise ValidationError(errors)
    return {
        "subject": subject,
        "list_type": list_type,
        "reason": reason,
        "document_number": document_number,
        "decision_date": day,
        "ends_on": until,
        "hearing_days": days,
    }


def _subject_checks(fail, *, department, subject, list_type, document_number, exclude_pk) -> None:
    """What the subject's other listings and grade allow."""
    names = {"name": subject.name}
    under_way = (
        DepartmentListing.objects.filter(
            department=department, subject=subject, status__in=OPEN_LISTING_STATUSES
        )
        .exclude(pk=exclude_pk)
        .order_by("pk")
    )
    same = next((other for other in under_way if other.list_type == list_type), None)
    if same is not None:
        fail(
            "subject",
            _("%(name)s already has a listing on %(list)s under way or in force (%(status)s).")
            % (names | {"list": same.list_name, "status": same.get_status_display()}),
        )
        return
    if list_type == ListType.RED:
        on_black = [
            e for e in list_entries_in_force(subject_ids=[subject.pk]) if e.list_type == ListType.BLACK
        ]
        if on_black or any(other.list_type == ListType.BLACK for other in under_way):
            fail(
                "subject",
                _("%(name)s is on a black list (or about to be) and cannot be put on a red list.") % names,
            )
            return
        # 002 §3(1) with 003 §4.1: integrity models are chosen among subjects whose credit is good.
        grade = public_grade_now(subject=subject)
        if grade not in RED_LIST_GRADES:
            fail(
                "subject",
                _(
                    "Integrity models are chosen among subjects graded A+ or A in the county "
                    "evaluation (002 §3(1)); %(name)s is graded %(grade)s."
                )
                % (names | {"grade": grade or _("not graded")}),
            )
            return
    matter = _matter(DepartmentListing(department=department, list_type=list_type))
    taken = CreditRecord.objects.filter(
        department=department,
        subject=subject,
        document_number=document_number,
        matter_key=matter.casefold(),
        is_current=True,
    ).exists()
    if taken:
        fail(
            "document_number",
            _("A listing of %(name)s under document %(number)s is already entered.")
            % (names | {"number": document_number}),
        )


def _decision_file(uploaded, *, required: bool):
    """The checked decision file (its extension), or None when none was given and none is needed."""
    if not uploaded:
        if required:
            raise ValidationError({"decision_file": _("Attach the decision document (PDF, image or OFD).")})
        return None
    try:
        return evidence_check(uploaded)
    except ValidationError as exc:
        raise ValidationError({"decision_file": exc.messages}) from None


def _with_file_error(exc: ValidationError | None, file_exc: ValidationError | None) -> ValidationError | None:
    if file_exc is None:
        return exc
    merged = dict(exc.message_dict) if exc is not None else {}
    for key, messages in file_exc.message_dict.items():
        merged.setdefault(key, []).extend(messages)
    return ValidationError(merged)


# --- the procedure ------------------------------------------------------------------------------------------


@transaction.atomic
def listing_propose(
    *,
    actor: User,
    subject: Subject | None,
    list_type: str,
    reason: str,
    document_number: str,
    decision_date,
    ends_on,
    decision_file,
    hearing_days=None,
    today: datetime.date | None = None,
) -> DepartmentListing:
    """A clerk (or reviewer) proposes to put ``subject`` on their own department's red or black list,
    with the reason, the decision document (number, date, uploaded file) and the listing period; a
    black listing also with the working days the subject has to state its case. The credit office is
    told. Nothing is listed yet: a reviewer approves it first."""
    if not can_propose_listing(actor):
        raise PermissionDenied(_("Only department staff propose listings, for their own department's lists."))
    assert actor.department is not None  # department staff have a department
    if subject is not None:
        Subject.objects.select_for_update().filter(pk=subject.pk).first()  # one proposal at a time
    values, problems, file_problems, suffix = None, None, None, None
    try:
        values = listing_clean(
            department=actor.department,
            subject=subject,
            list_type=list_type,
            reason=reason,
            document_number=document_number,
            decision_date=decision_date,
            ends_on=ends_on,
            hearing_days=hearing_days,
            today=today,
        )
    except ValidationError as exc:
        problems = exc
    try:
        suffix = _decision_file(decision_file, required=True)
    except ValidationError as exc:
        file_problems = exc
    refused = _with_file_error(problems, file_problems)
    if refused is not None:
        raise refused
    assert values is not None and suffix is not None
    listing = DepartmentListing.objects.create(
        department=actor.department,
        status=ListingStatus.PROPOSED,
        proposed_by=actor,
        submitted_by=actor,
        **values,
    )
    stored = file_store(
        ListingFile(listing=listing, role=ListingFile.Role.DECISION, uploaded_by=actor), decision_file, suffix
    )
    LISTINGS.created(
        listing,
        actor=actor,
        action="list.department_propose",
        after=model_snapshot(listing, LISTING_AUDIT_FIELDS) | {"decision_file": stored.original_name},
    )
    _inform_office(listing, event="proposed")
    return listing


@transaction.atomic
def listing_resubmit(
    *,
    actor: User,
    listing: DepartmentListing,
    reason: str,
    document_number: str,
    decision_date,
    ends_on,
    hearing_days=None,
    decision_file=None,
    today: datetime.date | None = None,
) -> DepartmentListing:
    """A returned proposal, corrected and submitted again by the department's staff (a new decision
    file may replace the one on file); the credit office is told again."""
    listing = LISTINGS.begin(
        listing,
        ListingStatus.PROPOSED,
        actor=actor,
        verb=_("submitted again"),
        permission=Permission(
            can_resubmit_listing, _("Only the listing department's staff correct its proposals.")
        ),
    )
    values, problems, file_problems, suffix = None, None, None, None
    try:
        values = listing_clean(
            department=listing.department,
            subject=listing.subject,
            list_type=listing.list_type,
            reason=reason,
            document_number=document_number,
            decision_date=decision_date,
            ends_on=ends_on,
            hearing_days=hearing_days,
            exclude_pk=listing.pk,
            today=today,
        )
    except ValidationError as exc:
        problems = exc
    try:
        suffix = _decision_file(decision_file, required=False)
    except ValidationError as exc:
        file_problems = exc
    refused = _with_file_error(problems, file_problems)
    if refused is not None:
        raise refused
    assert values is not None
    if suffix is not None:
        file_store(
            ListingFile(listing=listing, role=ListingFile.Role.DECISION, uploaded_by=actor),
            decision_file,
            suffix,
        )
    corrected = {name: values[name] for name in ("reason", "document_number", "decision_date", "ends_on")}
    LISTINGS.transition(
        listing,
        ListingStatus.PROPOSED,
        actor=actor,
        action="list.department_resubmit",
        audit_fields=LISTING_AUDIT_FIELDS,
        submitted_by=actor,
        return_reason="",
        hearing_days=values["hearing_days"],
        **corrected,
    )
    _inform_office(listing, event="proposed")
    return listing


APPROVERS = Permission(
    can_review_listing,
    gettext_lazy(
        "Only a reviewer of the listing department who did not propose or submit the listing approves "
        "it (four eyes)."
    ),
)
RETURNERS = Permission(
    can_review_listing,
    gettext_lazy("Only a reviewer of the listing department who did not propose the listing returns it."),
)
CONSIDERERS = Permission(
    can_review_listing,
    gettext_lazy(
        "Only a reviewer of the listing department who did not propose the listing considers the statement."
    ),
)


@transaction.atomic
def listing_approve(*, actor: User, listing: DepartmentListing, today: datetime.date | None = None):
    """Four-eyes approval by a reviewer of the same department who neither proposed nor submitted it.
    A red listing takes effect at once; a black listing is told to the subject, which may state its
    case until ``hearing_until`` (the ``hearing_days``-th working day after today)."""
    today = today or timezone.localdate()
    to = ListingStatus.HEARING if listing.list_type == ListType.BLACK else ListingStatus.EFFECTIVE
    listing = LISTINGS.begin(listing, to, actor=actor, verb=_("approved"), permission=APPROVERS)
    if listing.ends_on <= today:
        raise ValidationError(
            _("The listing period ended on %(date)s: return the proposal to set a later end.")
            % {"date": listing.ends_on}
        )
    # The facts may have changed since the proposal (another listing, the grade): checked again.
    listing_clean(
        department=listing.department,
        subject=listing.subject,
        list_type=listing.list_type,
        reason=listing.reason,
        document_number=listing.document_number,
        decision_date=listing.decision_date,
        ends_on=listing.ends_on,
        hearing_days=listing.hearing_days,
        exclude_pk=listing.pk,
        today=today,
    )
    listing.reviewed_by, listing.reviewed_at = actor, timezone.now()
    if to == ListingStatus.EFFECTIVE:
        return _take_effect(
            listing,
            actor=actor,
            on=today,
            reason=_("Approved by the department's reviewer."),
            action="list.department_approve",
        )
    assert listing.hearing_days is not None  # a black listing always has its statement period
    until = add_working_days(today, listing.hearing_days)
    if listing.ends_on <= until:
        raise ValidationError(
            _(
                "The listing period ends on %(end)s, before the subject's statement period is over "
                "(%(until)s): return the proposal to set a later end."
            )
            % {"end": listing.ends_on, "until": until}
        )
    _forget_settled_day()
    return LISTINGS.transition(
        listing,
        ListingStatus.HEARING,
        actor=actor,
        action="list.department_approve",
        reason=_("The subject is told and may state its case until %(date)s.") % {"date": until},
        notified_on=today,
        hearing_until=until,
        audit_after=("notified_on", "hearing_until"),
    )


@transaction.atomic
def listing_return(*, actor: User, listing: DepartmentListing, reason: str) -> DepartmentListing:
    """A reviewer sends the proposal back to its department's clerks, with the reason."""
    listing = LISTINGS.begin(
        listing, ListingStatus.RETURNED, actor=actor, verb=_("returned"), permission=RETURNERS
    )
    reason = reason_required(reason)
    return LISTINGS.transition(
        listing,
        ListingStatus.RETURNED,
        actor=actor,
        action="list.department_return",
        reason=reason,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        return_reason=reason,
    )


@transaction.atomic
def listing_withdraw(*, actor: User, listing: DepartmentListing, reason: str) -> DepartmentListing:
    """The department abandons a listing not yet in force: a proposal (its staff), or one already told
    to the subject (a reviewer)."""
    listing = LISTINGS.begin(
        listing,
        ListingStatus.WITHDRAWN,
        actor=actor,
        verb=_("withdrawn"),
        permission=Permission(
            can_withdraw_listing,
            _("Only the listing department withdraws it; once the subject is told, only a reviewer."),
        ),
    )
    reason = reason_required(reason)
    return LISTINGS.transition(
        listing,
        ListingStatus.WITHDRAWN,
        actor=actor,
        action="list.department_withdraw",
        reason=reason,
        withdrawal_reason=reason,
    )


@transaction.atomic
def listing_state_case(
    *,
    actor: User,
    listing: DepartmentListing,
    statement: str,
    files=(),
    today: datetime.date | None = None,
) -> DepartmentListing:
    """The subject states its case (陈述申辩, SPEC §3.6) against a black listing it was told of, within
    the period the department set; the listing then waits for the department to consider it. Only an
    account of the subject itself; once, with up to ten evidence files."""
    today = today or timezone.localdate()
    listing = LISTINGS.lock(listing)
    Permission(can_state_case, _("Only the subject's own account states its case.")).check(actor, listing)
    late = listing.hearing_until is not None and today > listing.hearing_until
    if late and listing.status != ListingStatus.STATEMENT:
        raise ValidationError(
            {
                "statement": _("The period to state your case ended on %(date)s.")
                % {"date": listing.hearing_until}
            }
        )
    LISTINGS.guard(listing, ListingStatus.STATEMENT, verb=_("answered with a statement"))
    statement = (statement or "").strip()
    errors: dict[str, list[str]] = {}
    if not statement:
        errors["statement"] = [_("State your case: what you say against the listing.")]
    elif len(statement) > MAX_TEXT:
        errors["statement"] = [_("The statement is too long (at most %(n)s characters).") % {"n": MAX_TEXT}]
    files = [f for f in files or [] if f]
    checked = []
    if len(files) > MAX_STATEMENT_FILES:
        errors["files"] = [_("Attach at most %(n)s files.") % {"n": MAX_STATEMENT_FILES}]
    else:
        for uploaded in files:
            try:
                checked.append((uploaded, evidence_check(uploaded)))
            except ValidationError as exc:
                errors.setdefault("files", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    for uploaded, suffix in checked:
        file_store(
            ListingFile(listing=listing, role=ListingFile.Role.STATEMENT, uploaded_by=actor), uploaded, suffix
        )
    return LISTINGS.transition(
        listing,
        ListingStatus.STATEMENT,
        actor=actor,
        action="list.department_statement",
        verb=_("answered with a statement"),
        statement=statement,
        statement_at=timezone.now(),
        statement_by=actor,
        audit_after=("statement",),
    )


LIST, DROP = "list", "drop"


@transaction.atomic
def listing_consider(
    *,
    actor: User,
    listing: DepartmentListing,
    answer: str,
    outcome: str = "",
    today: datetime.date | None = None,
) -> DepartmentListing:
    """A reviewer of the department (not the proposer) has considered the subject's statement and
    answers it: the listing takes effect today (``outcome="list"``) or is dropped (``"drop"``). The
    statement and the answer are kept on the listing, which the subject reads."""
    today = today or timezone.localdate()
    to = {LIST: ListingStatus.EFFECTIVE, DROP: ListingStatus.DROPPED}.get(outcome)
    listing = LISTINGS.begin(
        listing,
        to or ListingStatus.EFFECTIVE,
        actor=actor,
        verb=_("decided after the statement"),
        permission=CONSIDERERS,
    )
    if listing.status != ListingStatus.STATEMENT:
        LISTINGS.refuse(listing, verb=_("decided after the statement"))
    errors: dict[str, list[str]] = {}
    if to is None:
        errors["outcome"] = [_("Choose whether the subject is listed or not.")]
    answer = (answer or "").strip()
    if not answer:
        errors["answer"] = [_("Give the department's answer to the statement.")]
    elif len(answer) > MAX_TEXT:
        errors["answer"] = [_("The answer is too long (at most %(n)s characters).") % {"n": MAX_TEXT}]
    if errors:
        raise ValidationError(errors)
    listing.answer, listing.answered_by, listing.answered_at = answer, actor, timezone.now()
    if to == ListingStatus.DROPPED:
        return LISTINGS.transition(
            listing,
            ListingStatus.DROPPED,
            actor=actor,
            action="list.department_consider",
            reason=answer,
            audit_after=("answer",),
        )
    if listing.ends_on < today:
        raise ValidationError(
            {"outcome": _("The listing period ended on %(date)s.") % {"date": listing.ends_on}}
        )
    return _take_effect(listing, actor=actor, on=today, reason=answer, action="list.department_consider")


def _take_effect(
    listing: DepartmentListing, *, actor: Actor, on: datetime.date, reason: str, action: str
) -> DepartmentListing:
    """The listing enters the lists on ``on``: its ``ListEntry`` (scope department), the effective
    record that counts in grading (the subject regraded after commit), the platform told, the credit
    office told. A black listing ends the department's own red listing of the subject (an integrity
    model that turns dishonest loses it, 003 §4.1)."""
    department, subject = listing.department, listing.subject
    if listing.list_type == ListType.BLACK:
        own_red = ListEntry.objects.select_for_update().filter(
            subject=subject,
            list_type=ListType.RED,
            scope=ListScope.DEPARTMENT,
            department=department,
            removed_on__isnull=True,
        )
        for red in own_red.select_related("subject", "department"):
            _remove(
                red,
                actor=actor,
                removed_on=max(on, red.listed_on),
                reason=_("Listed on the department's black list."),
            )
    entry = ListEntry.objects.create(
        list_type=listing.list_type,
        subject=subject,
        reason=listing.reason,
        authority=department.name,
        document_number=listing.document_number,
        level=ListLevel.COUNTY,
        source=ListSource.LOCAL,
        department=department,
        listed_on=on,
        ends_on=listing.ends_on,
        scope=ListScope.DEPARTMENT,
        created_by=_user(actor),
    )
    # The record takes effect by the department's decision, made with four eyes (and the subject heard)
    # in this procedure: entered by the system, whose act the listing's audit entries attribute to the
    # reviewer who decided, as for the platform's lists and repair.
    record = record_enter_effective(
        actor=None,
        subject=subject,
        department=department,
        data=RecordInput(
            kind=DEPARTMENT_LIST_RECORD_KIND[listing.list_type],
            document_number=listing.document_number,
            decision_date=on,
            matter=_matter(listing),
            content=f"{listing.reason}（认定机关：{department.name}）",
        ),
        reason=_("Listing decided by %(authority)s.") % {"authority": department.name},
    )
    entry.record = record
    entry.save(update_fields=["record"])
    audit_log_write(
        actor=actor,
        action="list.add",
        target=entry,
        after=model_snapshot(entry, LIST_ENTRY_AUDIT_FIELDS),
        reason=listing.reason,
    )
    _outbox(entry, event="listed")
    LISTINGS.transition(
        listing,
        ListingStatus.EFFECTIVE,
        actor=actor,
        action=action,
        reason=reason,
        entry=entry,
        audit_after=("entry", "answer"),
    )
    _inform_office(listing, event="effective")
    return listing


@transaction.atomic
def listing_remove(
    *, actor: User, listing: DepartmentListing, reason: str, today: datetime.date | None = None
) -> DepartmentListing:
    """A reviewer of the department ends a listing in force by decision, with the reason: from today
    it no longer holds, its record stops counting and the platform is told."""
    today = today or timezone.localdate()
    listing = LISTINGS.begin(
        listing,
        ListingStatus.ENDED,
        actor=actor,
        verb=_("ended"),
        permission=Permission(
            can_end_listing, _("Only a reviewer of the listing department ends the listing.")
        ),
    )
    reason = reason_required(reason)
    assert listing.entry_id is not None  # a listing in force has its entry
    entry = (
        ListEntry.objects.select_for_update().select_related("subject", "department").get(pk=listing.entry_id)
    )
    _remove(entry, actor=actor, removed_on=max(today, entry.listed_on), reason=reason, exit=ListExit.DECISION)
    listing.refresh_from_db()
    return listing


# --- on time: the beat task and every read (SPEC §3.6: nothing waits for the night) ---------------------


def department_listings_settle(*, today: datetime.date | None = None) -> dict[str, int]:
    """Bring every department listing up to ``today``: a black listing whose statement period is over
    without a statement takes effect the day after the period (``hearing_until`` + 1), and a listing
    past its last day ends by expiry the day after it (``ends_on`` + 1). One query finds them; each is
    settled in its own transaction, so one that cannot be (its failure audited) does not hold the others
    back. Idempotent."""
    today = today or timezone.localdate()
    counts = {"effective": 0, "expired": 0, "failed": 0}
    due = list(
        DepartmentListing.objects.filter(
            Q(status=ListingStatus.HEARING, hearing_until__lt=today)
            | Q(status=ListingStatus.EFFECTIVE, ends_on__lt=today)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in due:
        try:
            with transaction.atomic():
                listing = LISTINGS.lock(DepartmentListing(pk=pk))
                until = listing.hearing_until
                if listing.status == ListingStatus.HEARING and until is not None and until < today:
                    _take_effect(
                        listing,
                        actor=None,
                        on=until + datetime.timedelta(days=1),
                        reason=_("The period to state the case ended on %(date)s without a statement.")
                        % {"date": until},
                        action="list.department_effective",
                    )
                    counts["effective"] += 1
                    listing = LISTINGS.lock(listing)
                if listing.status == ListingStatus.EFFECTIVE and listing.ends_on < today:
                    assert listing.entry_id is not None  # a listing in force has its entry
                    entry = (
                        ListEntry.objects.select_for_update()
                        .select_related("subject", "department")
                        .get(pk=listing.entry_id)
                    )
                    _remove(
                        entry,
                        actor=None,
                        removed_on=listing.ends_on + datetime.timedelta(days=1),
                        reason=_("The listing period ended on %(date)s.") % {"date": listing.ends_on},
                        exit=ListExit.EXPIRY,
                    )
                    counts["expired"] += 1
        except (ValidationError, PermissionDenied) as exc:
            counts["failed"] += 1
            _settle_failed(pk, exc)
    return counts


def _settle_failed(pk: int, exc: Exception) -> None:
    with transaction.atomic():
        audit_log_write(
            actor=None,
            action="list.department_effect_failed",
            target=DepartmentListing.objects.get(pk=pk),
            after={"error": "；".join(getattr(exc, "messages", None) or [str(exc)])},
        )


def department_listings_settle_due(*, today: datetime.date | None = None) -> dict[str, int]:
    """``department_listings_settle`` for a read: a page, the portal or the public API first brings
    the listings up to the day. Whether a listing is due changes only when the day changes (or when a
    service sets a period, which forgets the day), so a day already settled costs no query."""
    today = today or timezone.localdate()
    if cache.get(SETTLED_KEY) == today.isoformat():
        return {}
    counts = department_listings_settle(today=today)
    cache.set(SETTLED_KEY, today.isoformat(), timeout=26 * 3600)
    return counts


# --- the credit office's to-do ----------------------------------------------------------------------------


@transaction.atomic
def listing_news_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """The credit office has read the proposals and listings taking effect it was told of (all, or the
    steps ``ids``)."""
    if not is_credit_office(actor):
        raise PermissionDenied(_("Only the credit office reads the department listings it is told of."))
    unread = ListingTransition.objects.filter(
        office_read_at__isnull=True, to_status__in=[ListingStatus.PROPOSED, ListingStatus.EFFECTIVE]
    )
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    count = unread.update(office_read_at=timezone.now(), office_read_by=actor)
    if count:
        audit_log_write(actor=actor, action="list.department_news_read", after={"steps": count})
    return count
