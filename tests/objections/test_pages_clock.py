"""The pages of a field objection and its clock: filing a field with its claimed value in the portal,
the receipt, the request for material and the answer on the objection's page, the stopped clock and
overdue objections shown wherever the objection is, the partly upheld decision and its letter."""

import datetime

import pytest
from django.urls import reverse

from grading.models import Grade
from grading.services import regrade_subjects
from objections.models import Objection, ObjectionStatus
from objections.services import objection_file, objection_material_request
from records.models import RecordStatus

from .conftest import pdf

pytestmark = pytest.mark.django_db


def test_the_portal_files_a_field_objection_and_the_receipt_prints_its_number_and_due_date(
    client, subject_user, record
):
    client.force_login(subject_user)
    url = reverse("portal:object_record", args=[record.pk])
    page = client.get(url).content.decode()
    assert 'name="field"' in page and 'name="claimed_value"' in page
    response = client.post(
        url,
        {"field": "fine_total", "claimed_value": "三千", "reasons": "罚款金额有误。", "evidence": [pdf()]},
    )
    assert response.status_code == 200 and "不是以元为单位的金额" in response.content.decode()
    assert not Objection.objects.exists()
    response = client.post(
        url,
        {"field": "fine_total", "claimed_value": "3000", "reasons": "罚款金额有误。", "evidence": [pdf()]},
        follow=True,
    )
    objection = Objection.objects.get()
    page = response.content.decode()
    assert objection.number in page and "异议已提交" in page
    assert reverse("objections:receipt", args=[objection.pk]) in page
    assert "3000.00" in page and "罚款" in page
    receipt = client.get(reverse("objections:receipt", args=[objection.pk])).content.decode()
    assert objection.receipt_number in receipt and "css/letter.css" in receipt and "data-print" in receipt
    assert objection.deadline.strftime("%Y年%-m月%-d日") in receipt and "3000.00" in receipt
    # No decision yet: no letter.
    assert client.get(reverse("objections:decision", args=[objection.pk])).status_code == 404


def test_a_grade_objection_form_names_no_field_and_the_handler_picks_a_grade_of_the_scheme(
    client, subject_user, firm, record, credit_office_user
):
    regrade_subjects(subject_ids=[firm.pk])
    grade = Grade.objects.get(subject=firm, scheme__code="public", is_current=True)
    client.force_login(subject_user)
    page = client.get(reverse("portal:object_grade", args=[grade.pk])).content.decode()
    assert 'name="field"' not in page
    objection = objection_file(actor=subject_user, grade=grade, reasons="评价有误。")
    client.force_login(credit_office_user)
    page = client.get(reverse("objections:detail", args=[objection.pk])).content.decode()
    assert 'name="corrected_grade"' in page and '<option value="C-">C-</option>' in page
    client.post(
        reverse("objections:action", args=[objection.pk, "uphold"]),
        {"reason": "重评", "corrected_grade": "B"},
    )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD and objection.corrected_grade == "B"


def test_material_requested_and_answered_on_the_page_and_the_stopped_clock_shows_everywhere(
    client, subject_user, record, reviewer
):
    objection = objection_file(
        actor=subject_user, record=record, reasons="理由", field="decision_date", claimed_value="2026-02-20"
    )
    client.force_login(reviewer)
    detail = reverse("objections:detail", args=[objection.pk])
    assert 'id="request-material"' in client.get(detail).content.decode()
    response = client.post(
        reverse("objections:action", args=[objection.pk, "request-material"]),
        {"reason": "请补充原决定书。"},
        follow=True,
    )
    page = response.content.decode()
    assert "期限暂停" in page and "请补充原决定书。" in page and 'id="request-material"' not in page
    listing = client.get(reverse("objections:list")).content.decode()
    assert "期限暂停" in listing and 'class=" paused"' in listing
    client.force_login(subject_user)
    home = client.get(reverse("portal:home")).content.decode()
    assert "期限暂停" in home
    page = client.get(detail).content.decode()
    assert 'id="answer"' in page
    response = client.post(
        reverse("objections:action", args=[objection.pk, "answer"]),
        {"reason": "原决定书已上传。", "files": [pdf("原决定书.pdf")]},
        follow=True,
    )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.ACCEPTED and objection.material_answer == "原决定书已上传。"
    assert objection.evidence.filter(original_name="原决定书.pdf").exists()
    assert "期限暂停" not in response.content.decode()


def test_the_partly_upheld_decision_and_its_letter(client, subject_user, record, reviewer):
    objection = objection_file(
        actor=subject_user, record=record, reasons="理由", field="decision_date", claimed_value="2026-02-20"
    )
    client.force_login(reviewer)
    page = client.get(reverse("objections:detail", args=[objection.pk])).content.decode()
    assert 'name="corrected_value"' in page and 'value="2026-02-20"' in page
    response = client.post(
        reverse("objections:action", args=[objection.pk, "partly-uphold"]),
        {"reason": "决定日期应为2月25日。", "corrected_value": "2026-02-31"},
        follow=True,
    )
    assert "YYYY-MM-DD" in response.content.decode()
    client.post(
        reverse("objections:action", args=[objection.pk, "partly-uphold"]),
        {"reason": "决定日期应为2月25日。", "corrected_value": "2026-02-25"},
    )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.PARTLY_UPHELD
    assert objection.correction.decision_date == datetime.date(2026, 2, 25)
    assert objection.correction.status == RecordStatus.EFFECTIVE
    client.force_login(subject_user)
    page = client.get(reverse("objections:detail", args=[objection.pk])).content.decode()
    assert "2026-02-25" in page and objection.decision_number in page
    letter = client.get(reverse("objections:decision", args=[objection.pk])).content.decode()
    assert objection.decision_number in letter and "决定日期应为2月25日。" in letter
    assert "2026-02-25" in letter and "css/letter.css" in letter


def test_an_overdue_objection_stands_out(client, subject_user, record, reviewer):
    objection = objection_file(actor=subject_user, record=record, reasons="理由")
    Objection.objects.filter(pk=objection.pk).update(deadline=datetime.date(2026, 1, 5))
    client.force_login(reviewer)
    listing = client.get(reverse("objections:list")).content.decode()
    assert 'class="overdue"' in listing and 'class="due overdue"' in listing and "已超期" in listing
    page = client.get(reverse("objections:detail", args=[objection.pk])).content.decode()
    assert 'class="due overdue"' in page and "已超期" in page
    objection_material_request(actor=reviewer, objection=objection, reason="补充")
    listing = client.get(reverse("objections:list")).content.decode()
    assert 'class="due overdue"' not in listing  # a stopped clock is not overdue
