import datetime
import hashlib
import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from records.models import CreditRecord, Evidence, ImportBatch, RecordKind, RecordStatus, SanctionKind
from records.services import record_create, record_submit
from subjects.models import Subject
from tests.factories import make_uscc

from .conftest import penalty_input

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _post_data(kind: RecordKind, **extra) -> dict:
    data = {
        "document_number": f"西发改〔2026〕{kind.pk}号",
        "decision_date": "2026-03-02",
        "matter": f"事项{kind.code}",
        "content": "经查属实。",
    }
    if kind.has_sanctions:
        data.update(
            {
                "sanctions-TOTAL_FORMS": "3",
                "sanctions-INITIAL_FORMS": "0",
                "sanctions-MIN_NUM_FORMS": "0",
                "sanctions-MAX_NUM_FORMS": "10",
                "sanctions-0-kind": str(SanctionKind.objects.get(code="fine").pk),
                "sanctions-0-fine_amount": "2000",
            }
        )
    if kind.has_external_grade:
        # A kind with a scale (000/001 Art. 4) takes one of its results; another grading's, any text.
        data["external_grade"] = (kind.external_grade_choices or ["良好"])[0]
    if kind.has_complainant:
        data.update({"complainant_name": "王保密", "complainant_contact": "13900000000"})
    if kind.has_licence:
        data.update({"licence_category": "ordinary", "licence_status": "valid"})
    data.update(extra)
    return data


def test_a_clerk_enters_every_kind_through_the_web(client, clerk, firm):
    fine = SanctionKind.objects.get(code="fine")
    client.force_login(clerk)
    kinds = list(RecordKind.objects.all())
    for kind in kinds:
        page = client.get(reverse("records:create", args=[kind.code])).content.decode()
        assert ("sanctions-TOTAL_FORMS" in page) == kind.has_sanctions
        assert ('name="complainant_name"' in page) == kind.has_complainant
        data = _post_data(kind, subject_code=firm.code)
        if kind.has_sanctions:
            data["sanctions-0-kind"] = str(fine.pk)
        response = client.post(reverse("records:create", args=[kind.code]), data)
        assert response.status_code == 302, (kind.code, response.content.decode()[-3000:])
    assert CreditRecord.objects.filter(subject=firm, status=RecordStatus.DRAFT).count() == len(kinds)


def test_the_form_registers_a_new_subject_or_says_what_is_wrong(client, clerk):
    client.force_login(clerk)
    kind = RecordKind.objects.get(code="warning")
    code = make_uscc()
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post(
        reverse("records:create", args=["warning"]),
        _post_data(kind, subject_code=bad, subject_kind="legal_person", subject_name="新企业"),
    )
    assert response.status_code == 200 and "第18位校验码应为" in response.content.decode()
    response = client.post(reverse("records:create", args=["warning"]), _post_data(kind, subject_code=code))
    assert "尚未登记" in response.content.decode()
    assert not Subject.objects.exists() and not CreditRecord.objects.exists()
    response = client.post(
        reverse("records:create", args=["warning"]),
        _post_data(kind, subject_code=code, subject_kind="legal_person", subject_name="新企业"),
    )
    assert response.status_code == 302
    assert CreditRecord.objects.get().subject.name == "新企业"


def test_bad_record_input_shows_chinese_errors_and_writes_nothing(client, clerk, firm):
    client.force_login(clerk)
    kind = RecordKind.objects.get(code="administrative_penalty")
    data = _post_data(kind, subject_code=firm.code, decision_date="2099-01-01")
    data["sanctions-0-fine_amount"] = ""
    page = client.post(reverse("records:create", args=[kind.code]), data).content.decode()
    assert "在将来" in page and "请填写罚款的金额" in page
    assert not CreditRecord.objects.exists()


def test_submit_review_and_approve_on_the_pages(client, clerk, reviewer, firm):
    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    client.force_login(clerk)
    client.post(reverse("records:action", args=[record.pk, "submit"]))
    client.force_login(reviewer)
    queue = client.get(reverse("records:review")).content.decode()
    assert record.document_number in queue
    response = client.post(reverse("records:action", args=[record.pk, "approve"]), {"next": "queue"})
    assert response.status_code == 302 and response["Location"] == reverse("records:review")
    record.refresh_from_db()
    assert record.status == RecordStatus.EFFECTIVE
    detail = client.get(reverse("records:detail", args=[record.pk])).content.decode()
    assert "已生效" in detail and "待审核" in detail  # the history lists every step


def test_illegal_action_shows_a_message_not_an_error_page(client, clerk, reviewer, firm):
    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    client.force_login(reviewer)
    response = client.post(reverse("records:action", args=[record.pk, "approve"]), follow=True)
    assert response.status_code == 200 and "不能审核通过" in response.content.decode()
    response = client.post(reverse("records:action", args=[record.pk, "explode"]))
    assert response.status_code == 404


def test_returning_needs_a_reason(client, clerk, reviewer, firm):
    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    record_submit(actor=clerk, record=record)
    client.force_login(reviewer)
    page = client.post(reverse("records:action", args=[record.pk, "return"]), {"reason": ""}, follow=True)
    assert "请填写原因" in page.content.decode()
    client.post(reverse("records:action", args=[record.pk, "return"]), {"reason": "文书号有误"})
    record.refresh_from_db()
    assert record.status == RecordStatus.RETURNED
    client.force_login(clerk)
    assert "文书号有误" in client.get(reverse("records:detail", args=[record.pk])).content.decode()


def test_another_departments_staff_get_404_for_every_record_url(
    client, clerk, other_clerk, scjg_reviewer, firm
):
    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    client.force_login(clerk)
    evidence = Evidence.objects.create(
        record=record,
        file=SimpleUploadedFile("a.pdf", PDF),
        original_name="a.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="x",
        uploaded_by=clerk,
    )
    urls = [
        reverse("records:detail", args=[record.pk]),
        reverse("records:edit", args=[record.pk]),
        reverse("records:correct", args=[record.pk]),
        reverse("records:evidence", args=[record.pk, evidence.pk]),
    ]
    actions = [
        reverse("records:action", args=[record.pk, a])
        for a in ("submit", "approve", "return", "revoke", "repair")
    ]
    for outsider in (other_clerk, scjg_reviewer):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404, url
        for url in actions:
            assert client.post(url, {"reason": "x"}).status_code == 404, url
        assert record.document_number not in client.get(reverse("records:list")).content.decode()
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT


def test_list_is_filtered_flags_overdue_and_keeps_queries_bounded(
    client, clerk, firm, django_assert_max_num_queries
):
    for i in range(30):
        record_create(
            actor=clerk,
            subject=firm,
            data=penalty_input(matter=f"违法行为{i}", decision_date=datetime.date(2026, 1, 5)),
        )
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("records:list")).content.decode()
    assert page.count("违法行为") >= 30 and "7个工作日" in page
    with django_assert_max_num_queries(12):
        page = client.get(reverse("records:list"), {"status": "effective"}).content.decode()
    assert "违法行为1" not in page


def test_evidence_is_type_and_size_checked(client, clerk, firm, settings):
    client.force_login(clerk)
    kind = RecordKind.objects.get(code="warning")
    fake = SimpleUploadedFile("证据.pdf", b"MZ not a pdf", content_type="application/pdf")
    page = client.post(
        reverse("records:create", args=["warning"]),
        {**_post_data(kind, subject_code=firm.code), "evidence": fake},
    ).content.decode()
    assert "不是真正的" in page and not CreditRecord.objects.exists()
    settings.EVIDENCE_MAX_BYTES = 10
    big = SimpleUploadedFile("证据.pdf", PDF, content_type="application/pdf")
    page = client.post(
        reverse("records:create", args=["warning"]),
        {**_post_data(kind, subject_code=firm.code), "evidence": big},
    ).content.decode()
    assert "大于" in page and not CreditRecord.objects.exists()
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    good = SimpleUploadedFile("处罚决定书.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("records:create", args=["warning"]),
        {**_post_data(kind, subject_code=firm.code), "evidence": good},
    )
    record = CreditRecord.objects.get()
    assert response.status_code == 302 and record.evidence.get().original_name == "处罚决定书.pdf"
    evidence = record.evidence.get()
    assert (evidence.size, evidence.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    download = client.get(reverse("records:evidence", args=[record.pk, evidence.pk]))
    assert download.content == PDF and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote('处罚决定书.pdf')}"


def test_upload_page_imports_and_offers_the_rejected_rows(client, clerk, django_capture_on_commit_callbacks):
    client.force_login(clerk)
    template = client.get(reverse("records:template", args=["general"]))
    headers = [c.value for c in next(load_workbook(io.BytesIO(template.content)).active.iter_rows())]
    assert headers[:3] == ["主体名称", "主体类别", "主体代码"]
    code = make_uscc()
    rows = [
        ",".join(headers[:10]),
        f"西峡县甲公司,法人,{code},警告,西发改〔2026〕1号,2026-03-02,,,,违规",
        f"西峡县乙公司,法人,{code[:-1]}I,警告,西发改〔2026〕2号,2026-03-02,,,,违规",
    ]
    upload = SimpleUploadedFile("批量.csv", "\n".join(rows).encode("utf-8-sig"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("records:import"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and (batch.rows_created, batch.rows_rejected) == (1, 1)
    page = client.get(reverse("records:import_result", args=[batch.pk])).content.decode()
    assert "主体代码" in page and "不允许使用" in page
    errors = client.get(reverse("records:import_errors", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(errors.content)).active
    assert [c.value for c in next(sheet.iter_rows())][-1] == "错误原因"
    wrong = SimpleUploadedFile("说明.txt", b"hello", content_type="text/plain")
    page = client.post(reverse("records:import"), {"file": wrong}).content.decode()
    assert ".xlsx" in page and ImportBatch.objects.count() == 1


def test_import_results_are_private_to_the_department(client, clerk, other_clerk):
    client.force_login(clerk)
    upload = SimpleUploadedFile(
        "a.csv",
        (
            "主体名称,主体类别,主体代码,信息类别,决定文书号,决定日期,处罚类别,罚款金额（元）,严重程度,内容\n"
            f"甲,法人,{make_uscc()},警告,1号,2026-03-02,,,,x\n"
        ).encode(),
        content_type="text/csv",
    )
    client.post(reverse("records:import"), {"file": upload})
    batch = ImportBatch.objects.get()
    client.force_login(other_clerk)
    assert client.get(reverse("records:import_result", args=[batch.pk])).status_code == 404
    assert client.get(reverse("records:import_errors", args=[batch.pk])).status_code == 404


def test_home_page_flags_overdue_publication_and_the_review_queue(client, clerk, reviewer, firm):
    old = record_create(
        actor=clerk, subject=firm, data=penalty_input(decision_date=datetime.date(2026, 1, 5))
    )
    record_submit(actor=clerk, record=old)
    client.force_login(reviewer)
    page = client.get(reverse("home")).content.decode()
    # The reviewer's to-do: the queue, its record overdue for publication listed first.
    assert "待审核的记录" in page and "1 项已超期" in page


def test_nightly_task_expires_records_past_publication(clerk, reviewer, firm):
    from records.services import record_approve
    from records.tasks import expire_due

    record = record_create(
        actor=clerk,
        subject=firm,
        data=penalty_input(kind="警告", sanctions=[], decision_date=datetime.date(2025, 1, 6)),
    )
    record_submit(actor=clerk, record=record)
    record_approve(actor=reviewer, record=record)
    assert expire_due.delay().get() == 1
    record.refresh_from_db()
    assert record.status == RecordStatus.EXPIRED


def test_a_returned_record_is_changed_on_its_page_and_an_effective_one_corrected(
    client, clerk, reviewer, firm
):
    from records.models import SanctionKind
    from records.services import record_approve, record_return

    record = record_create(actor=clerk, subject=firm, data=penalty_input())
    record_submit(actor=clerk, record=record)
    record_return(actor=reviewer, record=record, reason="金额有误")
    client.force_login(clerk)
    assert "5000" in client.get(reverse("records:edit", args=[record.pk])).content.decode()
    fine = SanctionKind.objects.get(code="fine")
    form = {
        "document_number": record.document_number,
        "decision_date": "2026-03-02",
        "matter": record.matter,
        "sanctions-TOTAL_FORMS": "3",
        "sanctions-INITIAL_FORMS": "0",
        "sanctions-MIN_NUM_FORMS": "0",
        "sanctions-MAX_NUM_FORMS": "10",
        "sanctions-0-kind": str(fine.pk),
        "sanctions-0-fine_amount": "6000",
    }
    assert client.post(reverse("records:edit", args=[record.pk]), form).status_code == 302
    record.refresh_from_db()
    assert record.fine_total == 6000 and record.status == RecordStatus.RETURNED
    record_submit(actor=clerk, record=record)
    record_approve(actor=reviewer, record=record)
    assert client.get(reverse("records:edit", args=[record.pk])).status_code == 302  # effective: not editable
    client.force_login(reviewer)
    response = client.post(
        reverse("records:correct", args=[record.pk]),
        {**form, "sanctions-0-fine_amount": "7000", "reason": "复核更正"},
    )
    correction = CreditRecord.objects.get(replaces=record)
    assert response.status_code == 302 and correction.version == 2 and correction.fine_total == 7000
    page = client.get(reverse("records:detail", args=[correction.pk])).content.decode()
    assert "v1" in page and "v2" in page


def test_evidence_is_kept_across_a_form_error(client, clerk, other_clerk, firm):
    import re

    client.force_login(clerk)
    kind = RecordKind.objects.get(code="warning")
    url = reverse("records:create", args=["warning"])
    good = SimpleUploadedFile("处罚决定书.pdf", PDF, content_type="application/pdf")
    page = client.post(
        url, {**_post_data(kind, subject_code=firm.code, decision_date="2099-01-01"), "evidence": good}
    )
    html = page.content.decode()
    assert "将来" in html and "处罚决定书.pdf" in html and not CreditRecord.objects.exists()
    token = re.search(r'name="held-evidence" value="([^"]+)"', html).group(1)
    # Another user cannot use the token: the record is saved without the file.
    client.force_login(other_clerk)
    client.post(url, {**_post_data(kind, subject_code=firm.code), "held-evidence": token})
    assert not CreditRecord.objects.get().evidence.exists()
    client.force_login(clerk)
    response = client.post(url, {**_post_data(kind, subject_code=firm.code), "held-evidence": token})
    record = CreditRecord.objects.get(department=clerk.department)
    assert response.status_code == 302 and record.evidence.get().original_name == "处罚决定书.pdf"
