"""The letters the system issues are PDFs through the one document service (SPEC §5 Documents): the
objection receipt and decision, the written reminder letter, the repair decision and the commitment —
each offered beside its page, issued once (the same number and bytes on every download), its text
readable back out of the file, and checkable at the public check."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from commitments.services import commitment_sign, commitment_template_create
from documents.models import Document, DocumentKind
from objections.services import objection_file, objection_reject
from reminders.models import Reminder, ReminderMethod
from reminders.services import reminder_register
from repair.services import repair_accept, repair_apply, repair_approve
from tests.factories import make_company, make_user
from tests.repair.conftest import commitment_proof
from tests.repair.conftest import effective_record as repair_record

from .pdftext import pdf_text, squeeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(db):
    return make_company("西峡县龘字文书测试有限公司")


def download(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return response


def checked(client, response) -> str:
    """The text of a downloaded letter, after the public check confirmed the file."""
    number = response["X-Document-Number"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    result = client.post(f"/verify/{number}/", {"file": SimpleUploadedFile("l.pdf", response.content)})
    assert 'data-verdict="genuine"' in result.content.decode()
    text = squeeze(pdf_text(response.content))
    assert number in text
    return text


def test_objection_receipt_and_decision(client, firm, clerk, reviewer):
    from tests.public.conftest import effective_record

    record = effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕501号")
    holder = make_user(Role.SUBJECT, None, subject=firm)
    objection = objection_file(actor=holder, record=record, reasons="并非本企业所为")
    client.force_login(holder)
    first = download(client, f"/objections/{objection.pk}/receipt.pdf")
    text = checked(client, first)
    assert objection.receipt_number in text and objection.number in text and firm.name in text
    assert "西发改罚〔2026〕501号" in text and "异议受理回执" in text
    again = download(client, f"/objections/{objection.pk}/receipt.pdf")
    assert again["X-Document-Number"] == first["X-Document-Number"] and again.content == first.content
    assert client.get(f"/objections/{objection.pk}/decision.pdf").status_code == 404
    objection_reject(actor=reviewer, objection=objection, reason="经核查，该记录属实")
    decision = download(client, f"/objections/{objection.pk}/decision.pdf")
    text = checked(client, decision)
    assert objection.decision_number in text and "经核查，该记录属实" in text
    kinds = set(Document.objects.values_list("kind", flat=True))
    assert kinds == {DocumentKind.OBJECTION_RECEIPT, DocumentKind.OBJECTION_DECISION}
    # Another subject's account gets neither.
    client.force_login(make_user(Role.SUBJECT, None, subject=make_company()))
    assert client.get(f"/objections/{objection.pk}/receipt.pdf").status_code == 404


def test_written_reminder_letter(client, firm, reviewer, make_effective):
    make_effective(firm, document_number="西发改罚〔2026〕502号")
    reminder = Reminder.objects.get()
    client.force_login(reviewer)
    assert client.get(f"/reminders/{reminder.pk}/letter.pdf").status_code == 404  # not registered yet
    reminder_register(
        actor=reviewer,
        reminder=reminder,
        method=ReminderMethod.WRITTEN,
        held_at=timezone.now(),
        content="请于十五日内整改并书面报告。",
        rectification_deadline=timezone.localdate() + datetime.timedelta(days=15),
    )
    text = checked(client, download(client, f"/reminders/{reminder.pk}/letter.pdf"))
    assert firm.name in text and "西发改罚〔2026〕502号" in text and "请于十五日内整改并书面报告。" in text
    assert Document.objects.get().kind == DocumentKind.REMINDER_LETTER


def test_repair_decision(client, firm, clerk, reviewer):
    record = repair_record(
        clerk,
        reviewer,
        firm,
        number="西发改罚〔2026〕503号",
        decision_date=timezone.localdate() - datetime.timedelta(days=200),
    )
    application = repair_apply(actor=reviewer, record=record, statement="已整改", proofs=commitment_proof())
    client.force_login(reviewer)
    assert client.get(f"/repair/{application.pk}/decision.pdf").status_code == 404
    application = repair_accept(actor=reviewer, application=application)
    repair_approve(actor=reviewer, application=application, reason="整改到位，准予修复")
    text = checked(client, download(client, f"/repair/{application.pk}/decision.pdf"))
    assert "信用修复决定书" in text and "西发改罚〔2026〕503号" in text and "整改到位，准予修复" in text


def test_commitment(client, firm, clerk):
    template = commitment_template_create(
        actor=clerk, matter="食品经营许可", title="信用承诺书", text="本单位承诺所报材料真实。"
    )
    commitment = commitment_sign(actor=clerk, template=template, subject=firm)
    client.force_login(clerk)
    text = checked(client, download(client, f"/commitments/{commitment.pk}/commitment.pdf"))
    assert "食品经营许可" in text and "本单位承诺所报材料真实。" in text and firm.name in text
