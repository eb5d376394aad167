"""Credit reports (004 §3(3), §5(3); SPEC §5 Documents, §7 ``credit_report``): the public version and the
subject's own full version as PDFs whose text names the subject, its grades, its records and the
document number; the command, the portal and staff downloads, the access log."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accesslog.models import AccessEntry, AccessKind
from accounts.models import Role
from commitments.models import Commitment, CommitmentStatus
from documents.models import Document, DocumentKind
from grading.selectors import grades_in_force
from records.services import record_repair
from tests.factories import make_company, make_person, make_resident_id, make_user
from tests.public.conftest import days_ago, effective_record

from ..documents.pdftext import pdf_text, squeeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(db):
    return make_company("西峡县𠮷䶮龘信用报告测试建筑有限公司")


def publish_grades() -> None:
    call_command(
        "yearly_run",
        as_of=timezone.localdate().isoformat(),
        scheme="public",
        publish=True,
        stdout=io.StringIO(),
    )


def run_command(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("credit_report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_public_report_states_name_grades_published_records_and_number(firm, clerk, reviewer, tmp_path):
    shown = effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕71号")
    old = effective_record(
        clerk,
        reviewer,
        firm,
        document_number="西发改罚〔2024〕72号",
        decision_date=days_ago(400),
        matter="旧事",
    )
    repaired = effective_record(
        clerk, reviewer, firm, document_number="西发改罚〔2026〕73号", matter="已修复"
    )
    record_repair(actor=reviewer, record=repaired, reason="整改完毕")
    publish_grades()
    output = tmp_path / "report.pdf"
    out, _err = run_command("--subject", firm.code, "--output", str(output))
    number = out.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Za-z0-9-]+", number)
    content = output.read_bytes()
    document = Document.objects.get(number=number)
    assert document.kind == DocumentKind.CREDIT_REPORT_PUBLIC and document.subject_id == firm.pk
    text = squeeze(pdf_text(content))
    assert firm.name in text and firm.code in text and number in text
    assert shown.document_number in text
    assert old.document_number not in text and repaired.document_number not in text
    grades = [g for g in grades_in_force(subject_ids=[firm.pk], with_reasons=False) if g.grade]
    assert grades, "the published run graded the subject"
    for grade in grades:
        assert squeeze(f"{grade.scheme.name}") + "县级" + grade.grade in text or (
            squeeze(grade.scheme.name) in text and grade.grade in text
        )
    assert "公开版" in text


def test_full_report_states_every_record_with_its_status(firm, clerk, reviewer, tmp_path):
    effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕81号")
    repaired = effective_record(
        clerk, reviewer, firm, document_number="西发改罚〔2026〕82号", matter="已修复"
    )
    record_repair(actor=reviewer, record=repaired, reason="整改完毕")
    output = tmp_path / "full.pdf"
    out, _err = run_command("--subject", firm.code, "--full", "--output", str(output))
    number = out.strip().splitlines()[-1]
    text = squeeze(pdf_text(output.read_bytes()))
    assert Document.objects.get(number=number).kind == DocumentKind.CREDIT_REPORT_FULL
    assert "西发改罚〔2026〕81号" in text and "西发改罚〔2026〕82号" in text
    assert "已修复" in text and "完整版" in text and number in text


def test_a_persons_report_lists_the_firms_they_answer_for(clerk, reviewer, tmp_path):
    number_id = make_resident_id("19750505")
    firm = make_company("西峡县担责测试商贸有限公司", rep=(number_id, "𠮷大龘"))
    person = firm.legal_representative
    effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕91号")
    output = tmp_path / "person.pdf"
    out, _err = run_command("--subject", person.code, "--output", str(output))
    text = squeeze(pdf_text(output.read_bytes()))
    assert "𠮷大龘" in text and firm.name in text and firm.code in text and "法定代表人" in text
    assert "西发改罚〔2026〕91号" in text
    # The public version never shows the person's number whole.
    assert person.code not in text and person.code[:6] in text


def test_command_refuses_bad_and_unknown_codes(tmp_path):
    with pytest.raises(CommandError):
        run_command("--subject", "91411323MA0000000X", "--output", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError):
        run_command("--subject", make_company().code[:-1] + "Z", "--output", str(tmp_path / "x.pdf"))
    unknown = make_resident_id("19900101")  # well formed, not registered
    with pytest.raises(CommandError, match="No subject|未登记|没有"):
        run_command("--subject", unknown, "--output", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
    assert make_person().code != unknown


def test_commitments_kept_and_broken_are_in_the_public_report(firm, clerk, tmp_path):
    from commitments.models import CommitmentTemplate

    template = CommitmentTemplate.objects.create(
        department=clerk.department,
        matter="招投标信用承诺",
        title="招投标信用承诺书",
        text="本单位承诺……",
        created_by=clerk,
    )
    Commitment.objects.create(
        template=template,
        subject=firm,
        department=clerk.department,
        matter="招投标信用承诺",
        text="……",
        channel="paper",
        status=CommitmentStatus.FULFILLED,
        signed_by=clerk,
    )
    output = tmp_path / "c.pdf"
    run_command("--subject", firm.code, "--output", str(output))
    text = squeeze(pdf_text(output.read_bytes()))
    assert "招投标信用承诺" in text and "已履约" in text


def test_portal_download_and_staff_download_are_logged(client, firm, clerk, reviewer):
    effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕95号")
    holder = make_user(Role.SUBJECT, None, subject=firm)
    client.force_login(holder)
    response = client.post("/credit-reports/mine/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    number = response["X-Document-Number"]
    text = squeeze(pdf_text(response.content))
    assert number in text and "西发改罚〔2026〕95号" in text and "完整版" in text
    # The subject's own download is not an access by someone else.
    assert not AccessEntry.objects.filter(kind=AccessKind.CREDIT_REPORT).exists()
    public = client.post("/credit-reports/mine/", {"version": "public"})
    assert Document.objects.get(number=public["X-Document-Number"]).kind == DocumentKind.CREDIT_REPORT_PUBLIC

    client.logout()
    client.force_login(clerk)
    staff = client.post(f"/credit-reports/subjects/{firm.pk}/", {"version": "public"})
    assert staff.status_code == 200
    entry = AccessEntry.objects.get(kind=AccessKind.CREDIT_REPORT)
    assert (
        entry.subject_id == firm.pk
        and entry.description == staff["X-Document-Number"]
        and entry.user_id == clerk.pk
    )
    # Another subject's account gets no report of this one; nobody gets one by GET.
    other = make_user(Role.SUBJECT, None, subject=make_company())
    client.logout()
    client.force_login(other)
    assert client.post(f"/credit-reports/subjects/{firm.pk}/").status_code == 403
    assert client.get("/credit-reports/mine/").status_code == 405


def test_a_legal_representative_imported_from_the_shuanggongshi_columns_gets_the_firm_in_their_report(
    tmp_path, capsys
):
    from tests.factories import make_uscc

    code, rep = make_uscc(), make_resident_id("19710707")
    decided = days_ago(20).isoformat()
    headers = ",".join(
        [
            "行政相对人名称", "行政相对人类别", "统一社会信用代码", "法定代表人", "法定代表人证件类型",
            "法定代表人证件号码", "行政处罚决定书文号", "违法行为类型", "处罚类别", "罚款金额（万元）",
            "处罚决定日期", "处罚机关",
        ]
    )  # fmt: skip
    row = ",".join(
        [
            "西峡县双公示导入测试有限公司", "法人及非法人组织", code, "䶮法人", "身份证", rep,
            "西市监罚〔2026〕77号", "虚假宣传", "罚款", "1.5", decided, "西峡县市场监督管理局",
        ]
    )  # fmt: skip
    source = tmp_path / "双公示.csv"
    source.write_text(f"{headers}\n{row}\n", encoding="utf-8-sig")
    call_command("import_records", str(source), department="scjg", approve=True, stdout=io.StringIO())
    output = tmp_path / "rep.pdf"
    run_command("--subject", rep, "--output", str(output))
    text = squeeze(pdf_text(output.read_bytes()))
    assert "䶮法人" in text and "西峡县双公示导入测试有限公司" in text and code in text
    assert "法定代表人" in text and "西市监罚〔2026〕77号" in text


def test_a_persons_full_report_shows_the_number_whole_only_to_whom_may_see_it(client, clerk, reviewer):
    person = make_person("王全号", make_resident_id("19660606"))
    client.force_login(clerk)
    masked = squeeze(
        pdf_text(client.post(f"/credit-reports/subjects/{person.pk}/", {"version": "full"}).content)
    )
    assert "王全号" in masked and person.code not in masked and person.code[:6] in masked
    client.force_login(reviewer)
    whole = squeeze(
        pdf_text(client.post(f"/credit-reports/subjects/{person.pk}/", {"version": "full"}).content)
    )
    assert person.code in whole
    client.force_login(make_user(Role.SUBJECT, None, subject=person))
    own = squeeze(pdf_text(client.post("/credit-reports/mine/").content))
    assert person.code in own
