"""A subject's credit file (信用档案, 002 §4(2)), shared on demand between departments (004 §4(2)
按需共享): what every department has put on a subject's record, read by the staff of any department and
the credit office for a stated purpose (the purpose and the log of each opening: ``accesslog.services``).

Elsewhere a department sees only its own department's records of a subject (SPEC §6). The file is the
one read across departments, and it holds only what took effect:

- records that took effect — effective, expired, repaired, and revoked shown as revoked; a corrected
  record through its current version (the version it replaced is retired as ``corrected`` and left
  out). Never another department's drafts, submitted or returned records, which are its own work
  until its reviewer approves them (four eyes, 000/001 Art. 5); never a complainant (000 Art. 13):
  the encrypted fields are not even read;
- the grades in force of every scheme and department (SPEC §3.5: ``grading.selectors.grades_in_force``,
  the one value every reader shows);
- red and black list memberships, in force and past (002 §3(1), §4(3); 004 §6(1));
- credit commitments, kept or broken (004 §3(1));
- repair applications and their outcomes (003 §5(3), 004 §6(6));
- registered reminders and interviews, with who, when, how, what and the rectification deadline and
  its outcome: 004 §6(2) "约谈记录记入失信市场主体信用记录". A reminder still due or cancelled was never
  carried out, and stays the department's to-do list.

Each section is a queryset, newest first, read with a fixed number of queries whatever its length;
the page and the API cut it into pages or bound it.
"""

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_staff_member
from commitments.models import Commitment
from grading.models import GradeInForce
from grading.selectors import grades_in_force
from measures.models import ListEntry
from records.models import CreditRecord, RecordStatus
from reminders.models import Reminder, ReminderStatus
from repair.models import RepairApplication
from subjects.models import Subject
from subjects.selectors import subject_get, subject_get_by_code

# Statuses a record reaches only by taking effect; ``corrected`` is left out: its current version
# (effective, or since expired, repaired or revoked) stands for it.
FILE_RECORD_STATUSES = (
    RecordStatus.EFFECTIVE,
    RecordStatus.EXPIRED,
    RecordStatus.REPAIRED,
    RecordStatus.REVOKED,
)
# A record read along with a repair application or a reminder: its complainant (000 Art. 13) is not.
RECORD_CONFIDENTIAL = ("record__complainant_name", "record__complainant_contact")
# Reminders and interviews that were carried out and registered (000 Art. 12 "详细记载").
FILE_REMINDER_STATUSES = (ReminderStatus.DONE, ReminderStatus.RECTIFIED, ReminderStatus.ESCALATED)

# The sections of the file that are lists, in the order the page shows them.
SECTIONS = ("records", "list_entries", "commitments", "repair_applications", "reminders")


def credit_file_readers(user: User) -> bool:
    """Who opens a credit file: department staff of any department and the credit office (004 §4(2)).
    A subject's own account reads its own data in its portal, the public the published part only."""
    return bool(is_staff_member(user))


def credit_file_subject(*, user: User, pk: int) -> Subject | None:
    """The subject whose file ``user`` may open, by row id; None for anyone but staff (answered 404)."""
    if not credit_file_readers(user):
        return None
    return subject_get(user=user, pk=pk)


def credit_file_subject_by_code(*, user: User, code: str) -> Subject | None:
    """As ``credit_file_subject``, by code (the staff API addresses subjects by code)."""
    if not credit_file_readers(user):
        return None
    return subject_get_by_code(user=user, code=code)


def credit_file_records(*, subject: Subject) -> QuerySet[CreditRecord]:
    """Every department's records of the subject that took effect, newest decision first, with their
    sanctions; the complainant's fields are deferred (never read for the file)."""
    return (
        CreditRecord.objects.filter(subject=subject, status__in=FILE_RECORD_STATUSES)
        .select_related("kind", "department")
        .prefetch_related("sanctions__kind")
        .defer("complainant_name", "complainant_contact")
        .order_by("-decision_date", "-id")
    )


def credit_file_list_entries(*, subject: Subject, today=None) -> QuerySet[ListEntry]:
    """Red and black list memberships, in force and past, the latest listing first; ``in_force_now``
    as ``measures.selectors.list_entries_in_force`` decides it (``removed_on`` is the first day a
    listing no longer holds)."""
    today = today or timezone.localdate()
    return (
        ListEntry.objects.filter(subject=subject)
        .select_related("department")
        .annotate(
            in_force_now=Case(
                When(
                    Q(listed_on__lte=today) & (Q(removed_on__isnull=True) | Q(removed_on__gt=today)),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-listed_on", "-id")
    )


def credit_file_commitments(*, subject: Subject) -> QuerySet[Commitment]:
    """Credit commitments the subject signed, being fulfilled, kept or broken; the latest first."""
    return (
        Commitment.objects.filter(subject=subject).select_related("department").order_by("-signed_at", "-id")
    )


def credit_file_repair_applications(*, subject: Subject) -> QuerySet[RepairApplication]:
    """Repair applications with their outcomes, the latest first. The applicant's contact (a person's
    phone) is not read."""
    return (
        RepairApplication.objects.filter(subject=subject)
        .select_related("record__kind", "department")
        .defer("contact", *RECORD_CONFIDENTIAL)
        .order_by("-submitted_at", "-id")
    )


def credit_file_reminders(*, subject: Subject) -> QuerySet[Reminder]:
    """Registered reminders and interviews, the latest held first (004 §6(2): the interview record is
    part of the subject's credit record), with who held them, the record they are about, and the
    rectification deadline and outcome."""
    return (
        Reminder.objects.filter(subject=subject, status__in=FILE_REMINDER_STATUSES)
        .select_related("department", "registered_by", "record__kind")
        .defer(*RECORD_CONFIDENTIAL)
        .order_by("-held_at", "-id")
    )


def credit_file_sections(*, subject: Subject, today=None) -> dict[str, QuerySet]:
    """The list sections of the file by name (``SECTIONS``), each a queryset newest first."""
    return {
        "records": credit_file_records(subject=subject),
        "list_entries": credit_file_list_entries(subject=subject, today=today),
        "commitments": credit_file_commitments(subject=subject),
        "repair_applications": credit_file_repair_applications(subject=subject),
        "reminders": credit_file_reminders(subject=subject),
    }


def credit_file_grades(*, subject: Subject) -> list[GradeInForce]:
    """The grades in force of every scheme and department, with their reasons (SPEC §3.5)."""
    return grades_in_force(subject_ids=[subject.pk])
