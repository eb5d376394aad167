"""Identity numbers and the complainant shown only to the roles that must see them (SPEC §6, 000
Art. 13; issue 13, finding 3): the objections and measure-application APIs, the import error workbook
and result page, and the record edit form."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from core.masking import mask_resident_id
from measures.models import Measure, MeasureApplication
from measures.services import measure_application_record
from objections.services import objection_file
from records.models import CreditRecord, ImportBatch
from records.services import record_approve, record_create, record_submit
from records.spreadsheets import GENERAL_COLUMNS
from subjects.identifiers import mask_resident_ids_in_text
from tests.factories import make_person, make_resident_id, make_uscc, make_user
from tests.records.conftest import penalty_input
from tests.records.test_api import complaint_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return make_person("赵自然")


@pytest.fixture
def effective(clerk, reviewer, person):
    record = record_create(actor=clerk, subject=person, data=penalty_input())
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)


def test_objections_api_masks_the_subject_code_for_clerks(
    client, clerk, reviewer, credit_office_user, person, effective
):
    own = make_user(Role.SUBJECT, None, subject=person)
    objection_file(actor=own, record=effective, reasons="不是本人")
    seen = {}
    for user in (clerk, reviewer, credit_office_user, own):
        client.force_login(user)
        listed = client.get("/api/objections/").json()["results"][0]["subject_code"]
        detail = client.get(f"/api/objections/{effective.objections.get().pk}/").json()["subject_code"]
        assert listed == detail
        seen[user.role] = listed
    assert seen[Role.CLERK] == mask_resident_id(person.code)
    assert seen[Role.REVIEWER] == seen[Role.CREDIT_OFFICE] == seen[Role.SUBJECT] == person.code


def test_measure_applications_api_masks_the_subject_code_for_clerks(client, clerk, reviewer, person):
    measure = Measure.objects.filter(is_active=True).first()
    measure_application_record(
        actor=clerk,
        measure=measure,
        subject=person,
        applied_on="2026-03-01",
        outcome=MeasureApplication.Outcome.APPLIED,
    )
    client.force_login(clerk)
    row = client.get("/api/measures/applications/").json()["results"][0]
    assert row["subject_code"] == mask_resident_id(person.code)
    created = client.post(
        "/api/measures/applications/",
        {"measure": measure.code, "subject": person.code, "applied_on": "2026-03-02", "outcome": "applied"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["subject_code"] == mask_resident_id(person.code)
    assert person.code not in client.get("/api/measures/applications/").content.decode()
    client.force_login(reviewer)
    assert client.get("/api/measures/applications/").json()["results"][0]["subject_code"] == person.code


def _upload(client, user, rows: list[str]) -> ImportBatch:
    client.force_login(user)
    content = "\n".join([",".join(GENERAL_COLUMNS)] + rows).encode("utf-8-sig")
    # The import job starts once the upload has committed.
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("records:import"),
            {"file": SimpleUploadedFile("批量.csv", content, content_type="text/csv")},
        )
    return ImportBatch.objects.latest("pk")


def _cells(response) -> str:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


def test_the_error_workbook_of_a_reviewers_file_is_masked_for_a_clerk(client, clerk, reviewer):
    good = make_resident_id("19700707")
    typo = make_resident_id("19710101")
    typo = typo[:-1] + ("1" if typo[-1] != "1" else "2")  # a wrong check character: still the number
    firm_code = make_uscc()
    rows = [
        # Rejected for the future date, with a valid number; and for the check character.
        f"钱自然,自然人,{good},警告,西发改〔2026〕1号,2099-03-02,,,,备注里也写了{good}",
        f"孙自然,自然人,{typo},警告,西发改〔2026〕2号,2026-03-02,,,,违规",
        f"西峡县甲公司,法人,{firm_code},警告,西发改〔2026〕3号,2099-03-02,,,,违规",
    ]
    batch = _upload(client, reviewer, rows)
    assert batch.rows_rejected == 3
    url = reverse("records:import_errors", args=[batch.pk])
    as_uploader = _cells(client.get(url))
    assert good in as_uploader and typo in as_uploader  # the uploader had them all: fix and re-upload
    client.force_login(clerk)
    as_clerk = _cells(client.get(url))
    assert good not in as_clerk and typo not in as_clerk
    assert mask_resident_id(good) in as_clerk and mask_resident_id(typo) in as_clerk
    assert firm_code in as_clerk and "钱自然" in as_clerk  # organisations' codes are public
    page = client.get(reverse("records:import_result", args=[batch.pk])).content.decode()
    assert good not in page and typo not in page


def test_a_clerks_own_upload_comes_back_whole(client, clerk):
    number = make_resident_id("19720202")
    batch = _upload(client, clerk, [f"李自然,自然人,{number},警告,西发改〔2026〕1号,2099-03-02,,,,违规"])
    assert number in _cells(client.get(reverse("records:import_errors", args=[batch.pk])))


def test_masking_free_text_leaves_organisation_codes_alone():
    number = make_resident_id("19730303")
    firm = make_uscc()
    text = f"{number}；{firm}；{number.lower()}x"
    assert mask_resident_ids_in_text(text) == f"{mask_resident_id(number)}；{firm}；{number.lower()}x"


def test_the_record_edit_form_hides_the_complainant_from_a_clerk(client, clerk, reviewer, person):
    record = record_create(actor=reviewer, subject=person, data=complaint_input())
    other_clerk_same_department = make_user(Role.CLERK, "fgw")
    client.force_login(other_clerk_same_department)
    page = client.get(reverse("records:edit", args=[record.pk])).content.decode()
    assert "李四" not in page and "13800000000" not in page and "留空" in page
    # Saving without touching the empty fields keeps the complainant on file.
    form = {
        "document_number": record.document_number,
        "decision_date": "2026-03-05",
        "matter": "价格欺诈投诉（补充）",
        "content": "",
        "legal_basis": "",
        "severity": "",
        "severity_reason": "",
        "complainant_name": "",
        "complainant_contact": "",
    }
    response = client.post(reverse("records:edit", args=[record.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = CreditRecord.objects.get(pk=record.pk)
    assert saved.matter == "价格欺诈投诉（补充）"
    assert (saved.complainant_name, saved.complainant_contact) == ("李四", "13800000000")
    # A new value replaces it; the department's reviewer sees it in the form.
    client.post(reverse("records:edit", args=[record.pk]), {**form, "complainant_contact": "13900000000"})
    assert CreditRecord.objects.get(pk=record.pk).complainant_contact == "13900000000"
    client.force_login(reviewer)
    page = client.get(reverse("records:edit", args=[record.pk])).content.decode()
    assert "李四" in page and "13900000000" in page
