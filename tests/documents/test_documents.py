"""The document service (SPEC §5 Documents, §7): numbers, PDFs with an embedded CJK font, and the check."""

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document, DocumentKind
from documents.services import (
    document_check_code,
    document_check_file,
    document_holder_shown,
    document_issue,
    document_letter,
    document_render,
)

from .pdftext import pdf_text, squeeze

pytestmark = pytest.mark.django_db

STATED = {
    "intro": ["致：𠮷䶮龘建筑有限公司"],
    "blocks": [
        {"heading": "一、事项", "text": ["第一段 & <特殊> 字符"]},
        {"heading": "二、表格", "columns": ["甲", "乙"], "rows": [["西发改罚〔2026〕1号", "一般失信"]]},
        {"heading": "三、空表", "columns": ["甲"], "rows": [], "empty": "无"},
    ],
    "sign": ["西峡县信用办"],
}


def issue(**overrides):
    arguments = {
        "kind": DocumentKind.OBJECTION_RECEIPT,
        "title": "异议受理回执",
        "office": "发展和改革委员会",
        "stated": STATED,
        "holder_name": "𠮷䶮龘建筑有限公司",
        "holder_code": "91411323MA00000000",
    }
    arguments.update(overrides)
    return document_issue(**arguments)


def test_a_document_is_a_pdf_with_its_number_office_date_code_and_rare_characters():
    issued = issue()
    document = issued.document
    assert issued.content.startswith(b"%PDF")
    assert re.fullmatch(r"YYHZ-\d{4}-[0-9A-HJKMNP-TV-Z]{12}", document.number)
    assert document.sha256 == hashlib.sha256(issued.content).hexdigest() and document.size == len(
        issued.content
    )
    text = squeeze(pdf_text(issued.content))
    for expected in (
        "𠮷䶮龘建筑有限公司",  # CJK Extension B and A, and a rare basic ideograph, drawn and extracted back
        "异议受理回执",
        "发展和改革委员会",
        document.number,
        document.verification_code,
        document.stated["issued_on"],
        f"/verify/{document.number}/",
        "西发改罚〔2026〕1号",
        "第一段&<特殊>字符",
        "无",
    ):
        assert expected in text, expected
    # The font is embedded (a subset), not referenced.
    assert b"/FontFile2" in issued.content


def test_numbers_are_random_and_codes_differ():
    numbers = {issue().document.number for _ in range(5)}
    assert len(numbers) == 5
    assert len({d.verification_code for d in Document.objects.all()}) == 5


def test_the_same_document_draws_the_same_bytes_and_a_letter_is_issued_once():
    issued = issue(source="objections.objection:1")
    assert document_render(issued.document) == issued.content
    again = document_letter(source="objections.objection:1", kind=DocumentKind.OBJECTION_RECEIPT, issue=issue)
    assert again.document.pk == issued.document.pk and again.content == issued.content
    assert Document.objects.count() == 1


def test_the_check_knows_the_file_and_the_code():
    issued = issue()
    document = issued.document
    assert document_check_file(document=document, content=issued.content)
    changed = bytearray(issued.content)
    changed[len(changed) // 2] ^= 0x01
    assert not document_check_file(document=document, content=bytes(changed))
    assert document_check_code(document=document, code=document.verification_code.lower())
    assert not document_check_code(document=document, code="00000000")


def test_a_person_is_masked_on_the_check():
    issued = issue(holder_name="冯九", holder_code="411323198001010014", holder_is_person=True)
    shown = document_holder_shown(issued.document)
    assert "冯九" not in shown and "19800101" not in shown and shown.startswith("冯*")


# --- the public check: API and page --------------------------------------------------------------------


def test_api_answers_metadata_and_404(client):
    issued = issue(holder_name="冯九", holder_code="411323198001010014", holder_is_person=True)
    document = issued.document
    response = client.get(f"/api/public/documents/{document.number}/")
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == document.number and data["kind"] == "objection_receipt"
    assert data["sha256"] == document.sha256 and data["issued_at"]
    assert "冯九" not in response.content.decode() and "19800101" not in response.content.decode()
    assert "stated" not in data
    missing = client.get("/api/public/documents/YYHZ-2026-000000000000/")
    assert missing.status_code == 404 and "detail" in missing.json()


def test_api_check_by_file_and_by_code(client):
    issued = issue()
    number = issued.document.number
    ok = client.post(
        f"/api/public/documents/{number}/check/",
        {"file": SimpleUploadedFile("a.pdf", issued.content, content_type="application/pdf")},
    )
    assert ok.status_code == 200 and ok.json()["file_matches"] is True
    assert ok.json()["stated"]["intro"] == STATED["intro"]
    changed = issued.content.replace(b"%PDF-1.4", b"%PDF-1.5", 1)
    bad = client.post(
        f"/api/public/documents/{number}/check/",
        {"file": SimpleUploadedFile("a.pdf", changed, content_type="application/pdf")},
    )
    assert bad.json()["file_matches"] is False and bad.json()["stated"] is None
    code = client.post(
        f"/api/public/documents/{number}/check/",
        {"code": issued.document.verification_code},
        content_type="application/json",
    )
    assert code.json()["code_matches"] is True and code.json()["stated"]
    wrong = client.post(
        f"/api/public/documents/{number}/check/", {"code": "ABCDEFGH"}, content_type="application/json"
    )
    assert wrong.json()["code_matches"] is False and wrong.json()["stated"] is None
    empty = client.post(f"/api/public/documents/{number}/check/", {}, content_type="application/json")
    assert empty.status_code == 400 and "detail" in empty.json()


def test_the_page_confirms_a_genuine_file_and_refuses_a_changed_one(client):
    issued = issue()
    number = issued.document.number
    page = client.get(f"/verify/{number}/")
    assert page.status_code == 200 and number in page.content.decode()
    assert "第一段" not in page.content.decode()  # the content only to whoever holds the file or the code
    genuine = client.post(f"/verify/{number}/", {"file": SimpleUploadedFile("a.pdf", issued.content)})
    body = genuine.content.decode()
    assert 'data-verdict="genuine"' in body and "第一段" in body
    changed = bytearray(issued.content)
    changed[-10] ^= 0x20
    altered = client.post(f"/verify/{number}/", {"file": SimpleUploadedFile("a.pdf", bytes(changed))})
    assert 'data-verdict="altered"' in altered.content.decode() and "第一段" not in altered.content.decode()
    by_code = client.post(f"/verify/{number}/", {"code": issued.document.verification_code})
    assert 'data-verdict="code-ok"' in by_code.content.decode()
    assert client.post(f"/verify/{number}/", {}).status_code == 400
    assert client.get("/verify/NOPE-2026-000000000000/").status_code == 404


def test_the_check_is_rate_limited(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "public_pages": "2/minute",
            "public_api": "2/minute",
        },
    }
    number = issue().document.number
    assert [client.get(f"/verify/{number}/").status_code for _ in range(3)] == [200, 200, 429]
    assert [client.get(f"/api/public/documents/{number}/").status_code for _ in range(3)] == [200, 200, 429]


def test_the_start_page_takes_a_typed_number(client):
    number = issue().document.number
    assert client.get("/verify/").status_code == 200
    response = client.get("/verify/", {"number": f" {number.lower()} "})
    assert response.status_code == 302 and response["Location"] == f"/verify/{number}/"
    assert client.get("/verify/", {"number": "<script>"}).status_code == 400
