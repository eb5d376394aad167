"""Review at volume (issue 19): the queue filtered and searched, approved or returned in bulk — each
record through the four-eyes service, with what was refused and why — on the page and in the API."""

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import Department
from records.importing import records_import
from records.models import CreditRecord, RecordStatus
from records.services import records_review_bulk
from records.spreadsheets import GENERAL_COLUMNS
from tests.factories import make_uscc

pytestmark = pytest.mark.django_db


def import_submitted(count: int, *, actor=None, kind: str = "行政处罚", start: int = 0):
    """``count`` submitted records of fgw, as a clerk's upload leaves them."""
    rows = []
    for i in range(start, start + count):
        sanctions, amount = ("警告;罚款", "5000") if kind == "行政处罚" else ("", "")
        rows.append(
            [
                f"西峡县批量{i}有限公司",
                "法人",
                make_uscc(),
                kind,
                f"西发改罚〔2026〕{i}号",
                "2026-10-16",
                sanctions,
                amount,
                "",
                "未按规定明码标价",
            ]
        )
    lines = [",".join(GENERAL_COLUMNS)] + [",".join(r) for r in rows]
    result = records_import(
        content=("\n".join(lines) + "\n").encode(),
        file_name=f"batch-{start}.csv",
        department=Department.objects.get(code="fgw"),
        actor=actor,
    )
    assert result.batch.rows_created == count
    return result.batch


def test_bulk_approval_goes_through_four_eyes_and_lists_the_refused(clerk, reviewer):
    import_submitted(5, actor=clerk)
    own = import_submitted(2, actor=reviewer, start=10)  # uploaded by the reviewer: not theirs to approve
    records = list(CreditRecord.objects.order_by("id"))
    with translation.override("zh-hans"):
        result = records_review_bulk(actor=reviewer, records=records, action="approve")
    assert len(result.done) == 5 and len(result.refused) == 2
    assert {r.import_batch_id for r, _reason in result.refused} == {own.pk}
    assert all("审核" in reason for _r, reason in result.refused)
    assert CreditRecord.objects.filter(status=RecordStatus.EFFECTIVE).count() == 5
    # Each approval has its own transition row.
    assert all(r.transitions.filter(to_status=RecordStatus.EFFECTIVE).count() == 1 for r in result.done)


def test_a_bulk_return_needs_its_reason_and_changes_nothing_without(reviewer, clerk):
    import_submitted(3, actor=clerk)
    with translation.override("zh-hans"), pytest.raises(Exception) as exc:
        records_review_bulk(actor=reviewer, records=CreditRecord.objects.all(), action="return", reason=" ")
    assert "原因" in str(exc.value)
    assert CreditRecord.objects.filter(status=RecordStatus.SUBMITTED).count() == 3
    result = records_review_bulk(
        actor=reviewer, records=CreditRecord.objects.all(), action="return", reason="文书号有误"
    )
    assert len(result.done) == 3 and set(CreditRecord.objects.values_list("return_reason", flat=True)) == {
        "文书号有误"
    }


def test_the_queue_filters_keeps_its_page_and_approves_the_filtered_set(
    client, clerk, reviewer, django_assert_max_num_queries
):
    batch = import_submitted(60, actor=clerk)
    import_submitted(3, actor=clerk, kind="警告", start=100)
    client.force_login(reviewer)
    url = reverse("records:review")
    with django_assert_max_num_queries(20):
        page = client.get(url, {"kind": "warning"})
    assert page.context["total"] == 3
    assert client.get(url, {"import_batch": batch.pk}).context["total"] == 60
    assert client.get(url, {"q": "西峡县批量7有限公司"}).context["total"] == 1
    # One approval from page 2 of a filter comes back to page 2 of the same filter, naming the record.
    back = f"{url}?import_batch={batch.pk}&page=2"
    record = CreditRecord.objects.filter(import_batch=batch).order_by("publish_due", "id")[30]
    response = client.post(
        reverse("records:action", args=[record.pk, "approve"]), {"next": back}, follow=True
    )
    assert response.redirect_chain[-1][0] == back
    assert any(record.document_number in str(m) for m in response.context["messages"])
    # The whole filtered set at once.
    response = client.post(back, {"scope": "all", "action": "approve"}, follow=True)
    assert response.redirect_chain[-1][0] == back
    texts = [str(m) for m in response.context["messages"]]
    assert any("59" in t for t in texts)
    assert CreditRecord.objects.filter(status=RecordStatus.EFFECTIVE).count() == 60
    assert CreditRecord.objects.filter(status=RecordStatus.SUBMITTED).count() == 3
    # Ticked ones, returned with the one reason.
    ids = list(CreditRecord.objects.filter(status=RecordStatus.SUBMITTED).values_list("pk", flat=True)[:2])
    client.post(url, {"scope": "page", "ids": ids, "action": "return", "reason": "请补充内容"})
    assert CreditRecord.objects.filter(status=RecordStatus.RETURNED).count() == 2


def test_the_api_reviews_in_bulk(clerk, reviewer):
    import_submitted(4, actor=clerk)
    import_submitted(1, actor=reviewer, start=50)
    api = APIClient()
    api.force_authenticate(reviewer)
    url = reverse("api-record-review-bulk")
    assert api.post(url, {"action": "return", "reason": ""}, format="json").status_code == 400
    # 批量50 (the reviewer's own upload) is not in the queue: a filter selecting only it selects nothing.
    assert api.post(url + "?q=批量50", {"action": "approve"}, format="json").status_code == 400
    response = api.post(url + "?q=批量1", {"action": "approve"}, format="json")
    assert response.status_code == 200 and len(response.json()["done"]) == 1
    mine = CreditRecord.objects.get(document_number="西发改罚〔2026〕50号")
    ids = list(CreditRecord.objects.exclude(pk=mine.pk).values_list("pk", flat=True)) + [mine.pk]
    body = api.post(url, {"action": "approve", "ids": ids}, format="json").json()
    assert len(body["done"]) == 3 and body["refused"] == []  # not in this reviewer's queue: not touched
    assert CreditRecord.objects.get(pk=mine.pk).status == RecordStatus.SUBMITTED
    assert (
        api.get(reverse("api-record-review-queue"), {"kind": "administrative_penalty"}).json()["count"] == 0
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bulk_approval_regrades_its_subjects_together_after_each_record_committed(clerk, reviewer):
    """Each approval commits on its own; the listeners are told once, at the end, of every approved
    record's subject (not of a refused one's), and the grades in force are then what a regrade of those
    subjects from scratch gives."""
    from grading.models import GradeInForce
    from grading.services import regrade_subjects
    from records.hooks import regrade_listener_add, regrade_listener_remove

    import_submitted(6, actor=clerk)
    import_submitted(2, actor=reviewer, start=10)  # the reviewer's own upload: refused
    records = list(CreditRecord.objects.order_by("id"))
    approved = {r.subject_id for r in records[:6]}
    told: list[list[int]] = []
    regrade_listener_add(told.append)
    try:
        result = records_review_bulk(actor=reviewer, records=records, action="approve")
    finally:
        regrade_listener_remove(told.append)
    assert len(result.done) == 6 and len(result.refused) == 2
    assert told == [sorted(approved)]

    def in_force():
        rows = GradeInForce.objects.filter(subject__in=approved)
        return sorted(rows.values_list("subject_id", "scheme__code", "department__code", "grade"))

    after_bulk = in_force()
    assert {row[0] for row in after_bulk} == approved  # graded: the regrade ran
    regrade_subjects(subject_ids=sorted(approved))
    assert in_force() == after_bulk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_inside_an_outer_transaction_each_subject_is_told_when_it_commits(clerk, reviewer):
    """The gathering only holds what committed within it: a bulk review run inside a transaction of the
    caller's commits after the block, and its subjects are told then, none lost."""
    from django.db import transaction

    from records.hooks import regrade_listener_add, regrade_listener_remove

    import_submitted(3, actor=clerk)
    records = list(CreditRecord.objects.order_by("id"))
    told: list[list[int]] = []
    regrade_listener_add(told.append)
    try:
        with transaction.atomic():
            records_review_bulk(actor=reviewer, records=records, action="approve")
            assert told == []  # nothing committed yet
    finally:
        regrade_listener_remove(told.append)
    assert sorted(sid for ids in told for sid in ids) == sorted(r.subject_id for r in records)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_bulk_tells_the_listeners_after_each_slice(clerk, reviewer, monkeypatch):
    """A request cut short part-way (a timeout) must not leave every approved subject ungraded until
    the night: the subjects are told after each slice of ``BULK_REGRADE_EVERY`` records."""
    from records import services
    from records.hooks import regrade_listener_add, regrade_listener_remove

    monkeypatch.setattr(services, "BULK_REGRADE_EVERY", 2)
    import_submitted(5, actor=clerk)
    records = list(CreditRecord.objects.order_by("id"))
    told: list[list[int]] = []
    regrade_listener_add(told.append)
    try:
        records_review_bulk(actor=reviewer, records=records, action="approve")
    finally:
        regrade_listener_remove(told.append)
    ids = [r.subject_id for r in records]
    assert told == [sorted(ids[0:2]), sorted(ids[2:4]), ids[4:5]]
