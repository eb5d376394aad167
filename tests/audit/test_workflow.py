"""The workflow kernel (audit.workflow) on a real workflow, the credit record's: a refused move changes
nothing and says why in Chinese, a move writes its status-change row and its audit entry, and two
moves of one object at once are serialized by the row lock (PostgreSQL)."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import translation

from audit.models import AuditLog
from audit.workflow import Permission, TransitionRefused, reason_required
from commitments.services import COMMITMENTS, VOLUNTARY
from objections.services import OBJECTIONS
from records.models import CreditRecord, RecordStatus, RecordTransition
from records.services import RECORDS, record_create
from reminders.services import REMINDERS
from repair.services import REPAIRS
from tests.conftest import service_unavailable
from tests.factories import make_company
from tests.records.conftest import penalty_input
from tests.threads import in_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(clerk):
    return record_create(
        actor=clerk, subject=make_company("西峡县宏达建筑工程有限公司"), data=penalty_input()
    )


def _written() -> tuple[int, int]:
    return RecordTransition.objects.count(), AuditLog.objects.count()


def _submit(record, actor, *, reason: str = "") -> CreditRecord:
    with transaction.atomic():
        record = RECORDS.begin(record, RecordStatus.SUBMITTED, actor=actor, verb="submitted")
        record.submitted_by = actor
        return RECORDS.transition(
            record, RecordStatus.SUBMITTED, actor=actor, action="test.submit", reason=reason
        )


def test_a_refused_move_changes_nothing_and_says_why_in_chinese(draft, reviewer):
    before = _written()
    with translation.override("zh-hans"), pytest.raises(TransitionRefused) as refused, transaction.atomic():
        RECORDS.begin(draft, RecordStatus.EFFECTIVE, actor=reviewer, verb=translation.gettext("approved"))
    assert refused.value.messages == ["状态为“草稿”的记录不能审核通过。"]
    # One message, no field: pages show it as a message, the API as {"non_field_errors": [...]}.
    assert isinstance(refused.value, ValidationError) and not hasattr(refused.value, "error_dict")
    draft.refresh_from_db()
    assert draft.status == RecordStatus.DRAFT and _written() == before


def test_the_transition_itself_guards_too_and_changes_nothing(draft, reviewer):
    before = _written()
    with translation.override("zh-hans"), pytest.raises(TransitionRefused), transaction.atomic():
        RECORDS.transition(RECORDS.lock(draft), RecordStatus.REVOKED, actor=reviewer, action="test.revoke")
    draft.refresh_from_db()
    assert draft.status == RecordStatus.DRAFT and _written() == before


def test_a_role_that_may_not_is_refused_before_the_status_is_looked_at(draft, reviewer):
    nobody = Permission(lambda actor, record: False, "只有录入部门可以提交其记录。")
    with pytest.raises(PermissionDenied, match="只有录入部门"), transaction.atomic():
        RECORDS.begin(draft, RecordStatus.EFFECTIVE, actor=reviewer, permission=nobody)


def test_a_move_writes_its_status_change_row_and_its_audit_entry(draft, clerk):
    before_rows, before_entries = _written()
    record = _submit(draft, clerk, reason="  齐了  ")
    assert CreditRecord.objects.get(pk=draft.pk).status == RecordStatus.SUBMITTED
    assert record.submitted_by == clerk
    change = RecordTransition.objects.filter(record=draft).latest("id")
    assert (change.from_status, change.to_status, change.actor, change.reason) == (
        RecordStatus.DRAFT,
        RecordStatus.SUBMITTED,
        clerk,
        "齐了",
    )
    entry = AuditLog.objects.get(action="test.submit")
    assert (entry.actor, entry.target_id, entry.reason) == (clerk, str(draft.pk), "齐了")
    assert entry.before == {"status": "draft"} and entry.after == {"status": "submitted"}
    assert _written() == (before_rows + 1, before_entries + 1)


def test_the_system_moves_as_nobody(draft):
    record = _submit(draft, None)
    assert record.transitions.latest("id").actor is None
    assert AuditLog.objects.get(action="test.submit").actor_label == "system"


def test_the_audit_entry_shows_the_fields_named_after_the_move(draft, clerk, reviewer):
    _submit(draft, clerk)
    with transaction.atomic():
        record = RECORDS.begin(draft, RecordStatus.RETURNED, actor=reviewer)
        RECORDS.transition(
            record,
            RecordStatus.RETURNED,
            actor=reviewer,
            action="test.return",
            reason="金额有误",
            audit_after=["return_reason"],
            return_reason="金额有误",
        )
    entry = AuditLog.objects.get(action="test.return")
    assert entry.after == {"status": "returned", "return_reason": "金额有误"}


def test_a_missing_reason_is_refused_on_the_reason_field():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        reason_required("   ")
    assert refused.value.message_dict == {"reason": ["请填写原因。"]}
    assert reason_required(" 异议成立 ") == "异议成立"


@pytest.mark.parametrize(
    ("workflow", "model"),
    [
        (RECORDS, "records.CreditRecord"),
        (REMINDERS, "reminders.Reminder"),
        (REPAIRS, "repair.RepairApplication"),
        (OBJECTIONS, "objections.Objection"),
        (COMMITMENTS, "commitments.Commitment"),
        (VOLUNTARY, "commitments.VoluntaryEntry"),
    ],
)
def test_every_workflow_names_its_model_through_its_status_change_table(workflow, model):
    assert workflow.model._meta.label == model
    statuses = {value for value, _label in workflow.model._meta.get_field("status").choices}
    assert set(workflow.transitions) == statuses
    assert all(set(targets) <= statuses for targets in workflow.transitions.values())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_moves_of_one_object_at_once_are_serialized(clerk):
    """The first move holds the row lock until it commits; the second waits for it, then sees the
    status the first left and is refused: one move, one row, one audit entry."""
    if connection.vendor != "postgresql":
        service_unavailable(
            "the row lock (SELECT … FOR UPDATE) needs PostgreSQL (DATABASE_URL); SQLite has none"
        )
    draft = record_create(
        actor=clerk, subject=make_company("西峡县宏达建筑工程有限公司"), data=penalty_input()
    )
    locked, second_started = threading.Event(), threading.Event()
    outcome: dict = {}

    def first():
        with transaction.atomic():
            record = RECORDS.begin(draft, RecordStatus.SUBMITTED, actor=clerk, verb="submitted")
            locked.set()
            assert second_started.wait(30)
            # Long enough for the second to reach the lock and wait on it.
            connection.cursor().execute("SELECT pg_sleep(0.5)")
            RECORDS.transition(record, RecordStatus.SUBMITTED, actor=clerk, action="test.submit")
            outcome["first_committing"] = True

    def second():
        assert locked.wait(30)
        second_started.set()
        try:
            _submit(draft, clerk)
        except TransitionRefused as exc:
            outcome["second"] = ("refused", outcome.get("first_committing"), exc.messages)
        else:  # pragma: no cover - reported below
            outcome["second"] = ("moved",)

    threads = [in_thread(first), in_thread(second)]
    for thread in threads:
        thread.join(60)
    assert outcome["second"][:2] == ("refused", True)
    assert CreditRecord.objects.get(pk=draft.pk).status == RecordStatus.SUBMITTED
    assert RecordTransition.objects.filter(record=draft, to_status=RecordStatus.SUBMITTED).count() == 1
    assert AuditLog.objects.filter(action="test.submit").count() == 1
