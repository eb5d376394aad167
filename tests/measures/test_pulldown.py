"""Pull-down import (issue item 3): national evaluation results and red/black lists from the platform,
from a file and through the API, imported idempotently, feeding grading."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditLog
from exchange.models import OutboxItem
from grading.models import Grade
from grading.services import regrade_subjects
from measures.models import ListEntry, ListSource
from records.models import CreditRecord, RecordStatus
from subjects.models import Subject
from tests.factories import make_company, make_resident_id, make_uscc

pytestmark = pytest.mark.django_db


def national(
    id: str, code: str, grade: str, name: str = "国评测试有限公司", kind: str = "legal_person"
) -> dict:
    return {
        "id": id,
        "type": "national_evaluation",
        "payload": {
            "subject_code": code,
            "subject_name": name,
            "subject_kind": kind,
            "grade": grade,
            "as_of": "2026-10-31",
        },
    }


def listing(id: str, code: str, list_type: str = "black", **extra) -> dict:
    payload = {
        "subject_code": code,
        "subject_name": "名单测试有限公司",
        "subject_kind": "legal_person",
        "list_type": list_type,
        "reason": "拒不履行法院生效判决",
        "authority": "南阳市中级人民法院",
        "level": "municipal",
        "listed_on": "2026-09-01",
        **extra,
    }
    return {"id": id, "type": "list.entry", "payload": payload}


def write(tmp_path, items: list, name: str = "down.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n", encoding="utf-8")
    return str(path)


def test_file_import_is_idempotent_and_feeds_grading(tmp_path):
    known = make_company("已登记有限公司")
    new_code, black_code = make_uscc(), make_uscc()
    items = [
        national("NE-2026-1", known.code, "A"),
        national("NE-2026-2", new_code, "B", name="新登记有限公司"),
        listing("BL-77", black_code),
        listing("RL-5", known.code, "red", reason="诚信示范企业", authority="南阳市信用办"),
    ]
    path = write(tmp_path, items)
    out = io.StringIO()
    call_command("import_pulldown", path, stdout=out)
    assert "2 national results imported" in out.getvalue() and "2 list entries added" in out.getvalue()
    records = CreditRecord.objects.filter(kind__code="national_evaluation")
    assert records.count() == 2
    record = records.get(subject=known)
    assert (record.status, record.external_grade, record.document_number) == (
        RecordStatus.EFFECTIVE,
        "A",
        "NE-2026-1",
    )
    assert record.department.code == "xyb"
    assert Subject.objects.get(code=new_code).name == "新登记有限公司"  # an unknown subject is registered
    black = ListEntry.objects.get(source=ListSource.PLATFORM, external_id="BL-77")
    assert black.list_type == "black" and black.record.status == RecordStatus.EFFECTIVE
    # National results are the platform's own: not queued back up.
    assert not OutboxItem.objects.filter(payload__kind="national_evaluation").exists()
    # Again: nothing new.
    out = io.StringIO()
    call_command("import_pulldown", path, stdout=out)
    assert "0 national results imported (2 already there)" in out.getvalue()
    assert "0 list entries added (2 already there)" in out.getvalue()
    assert records.count() == 2 and ListEntry.objects.count() == 2
    # The black listing counts in grading (SPEC §3.2: on a joint-punishment list → D-).
    subject = Subject.objects.get(code=black_code)
    regrade_subjects(subject_ids=[subject.pk])
    assert Grade.objects.get(subject=subject, scheme__code="public", is_current=True).grade == "D-"
    # Later the platform removes the listing: once.
    removal = listing("BL-77", black_code, removed_on="2026-11-01", removal_reason="已履行判决")
    call_command("import_pulldown", write(tmp_path, [removal], "removal.jsonl"), stdout=io.StringIO())
    call_command("import_pulldown", write(tmp_path, [removal], "removal.jsonl"), stdout=io.StringIO())
    black.refresh_from_db()
    assert str(black.removed_on) == "2026-11-01" and black.record.status == RecordStatus.REVOKED
    assert AuditLog.objects.filter(action="exchange.pulldown").count() == 4


def test_bad_items_are_reported_and_change_nothing(tmp_path):
    good = make_uscc()
    items = [
        national("NE-1", good, "A"),
        national("NE-2", "91411323MA00000000", "B"),  # wrong check character
        {"id": "X-1", "type": "weather", "payload": {}},
        {"type": "list.entry", "payload": {}},
        listing("BL-1", make_uscc(), list_type="grey"),
        national("NE-3", make_resident_id(), "C", name="赵六", kind="natural_person"),
    ]
    err = io.StringIO()
    with pytest.raises(CommandError, match="4 items rejected"):
        call_command("import_pulldown", write(tmp_path, items), stdout=io.StringIO(), stderr=err)
    messages = err.getvalue()
    assert "item 2 (NE-2)" in messages and "item 3 (X-1)" in messages and "weather" in messages
    assert "item 4 ()" in messages and "item 5 (BL-1)" in messages
    assert set(CreditRecord.objects.values_list("document_number", flat=True)) == {"NE-1", "NE-3"}
    assert not ListEntry.objects.exists()
    (tmp_path / "broken.jsonl").write_text('{"id": 1,\n', encoding="utf-8")
    with pytest.raises(CommandError, match="Line 1|第 1 行"):
        call_command("import_pulldown", str(tmp_path / "broken.jsonl"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_pulldown", str(tmp_path / "missing.jsonl"))


def test_api_endpoint_for_the_platform(credit_office_user, clerk, django_assert_max_num_queries):
    url = reverse("exchange-api:pulldown")
    api = APIClient()
    body = {"items": [national("NE-9", make_uscc(), "A"), listing("BL-9", make_uscc())]}
    assert api.post(url, body, format="json").status_code in (401, 403)
    api.force_authenticate(clerk)
    response = api.post(url, body, format="json")
    assert response.status_code == 403 and not CreditRecord.objects.exists()
    api.force_authenticate(credit_office_user)
    with django_assert_max_num_queries(120):
        response = api.post(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json() | {"rejected": []} == {
        "national_created": 1,
        "national_duplicates": 0,
        "lists_added": 1,
        "lists_existing": 0,
        "lists_removed": 0,
        "rejected": [],
    }
    again = api.post(url, body, format="json").json()
    assert (again["national_duplicates"], again["lists_existing"]) == (1, 1)
    bad = api.post(url, {"items": "not a list"}, format="json")
    assert bad.status_code == 400 and "items" in bad.json()
    rejected = api.post(url, {"items": [national("NE-10", "123", "A")]}, format="json").json()
    assert rejected["rejected"][0]["id"] == "NE-10" and rejected["rejected"][0]["error"]


def test_rejected_results_are_reported_by_their_position_and_payload_field(tmp_path):
    """The national results go to the intake writer as they are (no spreadsheet in between): a bad
    result is reported at its own index in the platform's list, naming the payload field."""
    in_future = national("NE-23", make_uscc(), "A")
    in_future["payload"]["as_of"] = "2099-01-01"
    items = [
        listing("BL-2", make_uscc()),
        national("NE-20", make_uscc(), "A", kind="法人"),
        national("NE-21", "91411323MA00000000", "B"),
        national("NE-22", make_uscc(), "C", kind="合伙企业"),
        in_future,
    ]
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 items rejected"):
        call_command("import_pulldown", write(tmp_path, items), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("item 3 (NE-21): subject_code：")
    assert lines[1].startswith("item 4 (NE-22): subject_kind：") and "合伙企业" in lines[1]
    assert lines[2].startswith("item 5 (NE-23): as_of：")
    records = CreditRecord.objects.filter(kind__code="national_evaluation")
    assert list(records.values_list("document_number", flat=True)) == ["NE-20"]
