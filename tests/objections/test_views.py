"""Portal and handler pages: filing with files, the deadline everyone sees, the handler's queue with
overdue objections first, the "under objection" mark on the record pages and API, bounded queries."""

import datetime

import pytest
from django.urls import reverse

from grading.models import Grade
from grading.services import regrade_subjects
from objections.models import Objection, ObjectionStatus
from objections.services import objection_accept, objection_file
from records.models import CreditRecord

from .conftest import effective_record, pdf

pytestmark = pytest.mark.django_db


def test_the_portal_shows_records_grades_with_reasons_and_objections(client, subject_user, record, firm):
    regrade_subjects(subject_ids=[firm.pk])
    client.force_login(subject_user)
    page = client.get(reverse("portal:home")).content.decode()
    assert record.document_number in page and "提出异议" in page
    grade = Grade.objects.get(subject=firm, scheme__code="public", is_current=True)
    assert f">{grade.grade}<" in page and record.document_number in page.split('id="grades"')[1]


def test_evidence_files_are_kept_across_a_form_error(client, subject_user, record):
    """Issue 19: several files chosen on a form that came back with an error are all kept."""
    import re

    client.force_login(subject_user)
    url = reverse("portal:object_record", args=[record.pk])
    page = client.post(url, {"reasons": " ", "evidence": [pdf("甲.pdf"), pdf("乙.pdf")]}).content.decode()
    tokens = re.findall(r'name="held-evidence" value="([^"]+)"', page)
    assert len(tokens) == 2 and "甲.pdf" in page and "乙.pdf" in page and not Objection.objects.exists()
    response = client.post(url, {"reasons": "不是本公司行为。", "held-evidence": tokens})
    assert response.status_code == 302
    assert sorted(e.original_name for e in Objection.objects.get().evidence.all()) == ["乙.pdf", "甲.pdf"]


def test_a_subject_files_an_objection_with_files_and_sees_the_deadline(client, subject_user, record):
    client.force_login(subject_user)
    url = reverse("portal:object_record", args=[record.pk])
    form = client.get(url).content.decode()
    assert "5个工作日内办结" in form
    response = client.post(url, {"reasons": " "})
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    response = client.post(url, {"reasons": "不是本公司行为。", "evidence": [pdf("a.pdf"), pdf("b.pdf")]})
    objection = Objection.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "objections:detail", args=[objection.pk]
    )
    assert objection.evidence.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert objection.deadline.strftime("%Y-%m-%d") in page and "不是本公司行为" in page
    evidence = objection.evidence.first()
    download = client.get(reverse("objections:evidence", args=[objection.pk, evidence.pk]))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    portal = client.get(reverse("portal:home")).content.decode()
    assert "异议处理中" in portal


def test_a_bad_file_is_refused_on_the_form(client, subject_user, record):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(subject_user)
    response = client.post(
        reverse("portal:object_record", args=[record.pk]),
        {"reasons": "理由", "evidence": [SimpleUploadedFile("x.pdf", b"nope")]},
    )
    assert response.status_code == 200 and "不是真正的" in response.content.decode()
    assert not Objection.objects.exists()


def test_the_record_pages_and_api_mark_the_record_under_objection(client, subject_user, record, clerk):
    objection_file(actor=subject_user, record=record, reasons="理由")
    client.force_login(clerk)
    detail = client.get(reverse("records:detail", args=[record.pk])).content.decode()
    assert "异议处理中" in detail and f"/objections/?record={record.pk}" in detail
    listed = client.get(reverse("objections:list"), {"record": record.pk}).content.decode()
    assert record.document_number in listed.split('role="search"')[1].split("</form>")[1]
    assert "异议处理中" in client.get(reverse("records:list")).content.decode()
    rows = client.get("/api/records/").json()["results"]
    assert [r["under_objection"] for r in rows if r["id"] == record.pk] == [True]
    assert client.get(f"/api/records/{record.pk}/").json()["under_objection"] is True


def test_the_handler_acts_on_the_page_and_illegal_actions_say_why(
    client, subject_user, record, reviewer, clerk
):
    objection = objection_file(actor=subject_user, record=record, reasons="理由")
    client.force_login(clerk)
    page = client.get(reverse("objections:detail", args=[objection.pk])).content.decode()
    assert "/accept/" not in page  # a clerk sees the objection but has no actions
    response = client.post(reverse("objections:action", args=[objection.pk, "accept"]), follow=True)
    assert "审核员" in response.content.decode()
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.SUBMITTED
    client.force_login(reviewer)
    client.post(reverse("objections:action", args=[objection.pk, "accept"]))
    response = client.post(
        reverse("objections:action", args=[objection.pk, "accept"]), {"reason": "x"}, follow=True
    )
    assert "不能变为" in response.content.decode()
    response = client.post(
        reverse("objections:action", args=[objection.pk, "reject"]), {"reason": ""}, follow=True
    )
    assert "请填写原因" in response.content.decode()
    client.post(reverse("objections:action", args=[objection.pk, "reject"]), {"reason": "证据不足"})
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.REJECTED and objection.decision_reason == "证据不足"
    response = client.post(
        reverse("objections:action", args=[objection.pk, "uphold"]), {"reason": "x"}, follow=True
    )
    assert "不能变为" in response.content.decode()
    assert client.post(reverse("objections:action", args=[objection.pk, "nonsense"])).status_code == 404


def test_the_queue_shows_overdue_objections_first(client, subject_user, record, reviewer, clerk, firm):
    later = effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕7号")
    fresh = objection_file(actor=subject_user, record=later, reasons="新")
    old = objection_file(actor=subject_user, record=record, reasons="旧")
    Objection.objects.filter(pk=old.pk).update(deadline=datetime.date(2020, 1, 6))
    objection_accept(actor=reviewer, objection=fresh)
    client.force_login(reviewer)
    page = client.get(reverse("objections:list")).content.decode()
    queue = page.split('id="queue"')[1].split("</section>")[0]
    assert queue.index(f"#{old.pk}<") < queue.index(f"#{fresh.pk}<") and "已超期" in queue


def test_list_pages_and_apis_keep_their_query_count(
    client, subject_user, record, reviewer, clerk, firm, django_assert_max_num_queries
):
    for n in range(6):
        r = effective_record(clerk, reviewer, firm, document_number=f"西发改罚〔2026〕{100 + n}号")
        objection_file(actor=subject_user, record=r, reasons="理由", files=[pdf()])
    regrade_subjects(subject_ids=[firm.pk])
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("objections:list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/objections/").json()["results"]) == 6
    client.force_login(subject_user)
    # One of them the grade changes kept (SPEC §3.5), one the licences in force (004 §4(3)), one
    # which departments grade the subject (SPEC §3.6); two the department listings (SPEC §3.6): the
    # day's look for listings due (once a day), and those the subject was told of.
    with django_assert_max_num_queries(21):
        assert client.get(reverse("portal:home")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("portal:notifications")).status_code == 200
    assert CreditRecord.objects.filter(under_objection=True).count() == 6


def test_staff_and_anonymous_users_do_not_use_the_portal(client, clerk):
    assert client.get(reverse("portal:home")).status_code == 302
    client.force_login(clerk)
    assert client.get(reverse("portal:home")).status_code == 403
    assert client.get(reverse("portal:notifications")).status_code == 403


def test_notices_are_listed_and_marked_read(client, subject_user, record):
    objection_file(actor=subject_user, record=record, reasons="理由")
    client.force_login(subject_user)
    page = client.get(reverse("portal:notifications")).content.decode()
    assert "您的异议已收到" in page and "您的账号已关联信用主体" in page
    client.post(reverse("portal:notifications"))
    assert not subject_user.notifications.filter(read_at__isnull=True).exists()


def test_the_home_page_tells_the_handler_how_many_objections_wait(client, subject_user, record, reviewer):
    objection = objection_file(actor=subject_user, record=record, reasons="理由")
    client.force_login(reviewer)
    page = client.get(reverse("home")).content.decode()
    assert "待处理的异议" in page and "已超期" not in page
    Objection.objects.filter(pk=objection.pk).update(deadline=datetime.date(2020, 1, 6))
    assert "1 项已超期" in client.get(reverse("home")).content.decode()


def test_the_portal_lists_the_measures_that_apply(client, subject_user, record, firm):
    from measures.selectors import measures_applicable

    regrade_subjects(subject_ids=[firm.pk])
    items = measures_applicable(subject=firm)
    assert items  # a general penalty gives C in `public`: the C measures apply
    client.force_login(subject_user)
    section = (
        client.get(reverse("portal:home")).content.decode().split('id="measures"')[1].split("</section>")[0]
    )
    for item in items:
        assert item["measure_name"] in section


def test_a_subject_objects_to_its_grade_on_the_portal_and_the_credit_office_handles_it(
    client, subject_user, record, firm, credit_office_user, reviewer
):
    regrade_subjects(subject_ids=[firm.pk])
    grade = Grade.objects.get(subject=firm, scheme__code="public", is_current=True)
    client.force_login(subject_user)
    response = client.post(
        reverse("portal:object_grade", args=[grade.pk]), {"reasons": "评价结果与事实不符。"}
    )
    objection = Objection.objects.get()
    assert response.status_code == 302 and objection.grade == grade and objection.department.code == "xyb"
    assert "异议处理中" in client.get(reverse("portal:home")).content.decode().split('id="grades"')[1]
    client.force_login(reviewer)
    assert client.get(reverse("objections:detail", args=[objection.pk])).status_code == 404
    client.force_login(credit_office_user)
    queue = client.get(reverse("objections:list")).content.decode().split('id="queue"')[1]
    assert f"#{objection.pk}<" in queue
    client.post(reverse("objections:action", args=[objection.pk, "accept"]))
    client.post(reverse("objections:action", args=[objection.pk, "reject"]), {"reason": "评价依据准确。"})
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.REJECTED
    client.force_login(subject_user)
    page = client.get(reverse("objections:detail", args=[objection.pk])).content.decode()
    assert "评价依据准确。" in page and "异议不成立" in page


def test_a_subject_cannot_open_the_forms_for_another_subjects_record_or_grade(
    client, subject_user, other_record, other_firm
):
    regrade_subjects(subject_ids=[other_firm.pk])
    grade = Grade.objects.filter(subject=other_firm).first()
    client.force_login(subject_user)
    assert client.get(reverse("portal:object_record", args=[other_record.pk])).status_code == 404
    assert client.post(reverse("portal:object_grade", args=[grade.pk]), {"reasons": "x"}).status_code == 404
    assert not Objection.objects.exists()


def test_files_of_a_refused_answer_are_kept_for_the_next_try(client, subject_user, record, reviewer):
    """Issue 19: the answer to a request for material is an action of the objection's page; files sent
    with a refused answer wait on that page's form instead of being dropped."""
    import re

    from objections.services import objection_accept, objection_material_request

    objection = objection_file(actor=subject_user, record=record, reasons="理由")
    objection_accept(actor=reviewer, objection=objection)
    objection_material_request(actor=reviewer, objection=objection, reason="请补充缴款凭证。")
    client.force_login(subject_user)
    url = reverse("objections:action", args=[objection.pk, "answer"])
    refused = client.post(url, {"reason": " ", "files": [pdf("缴款凭证.pdf")]}, follow=True)
    page = refused.content.decode()
    tokens = re.findall(r'name="held-files" value="([^"]+)"', page)
    assert len(tokens) == 1 and "缴款凭证.pdf" in page
    client.post(url, {"reason": "已补充缴款凭证。", "held-files": tokens})
    objection.refresh_from_db()
    assert objection.material_answer == "已补充缴款凭证。"
    assert "缴款凭证.pdf" in [e.original_name for e in objection.evidence.all()]
