"""Every read of an unmasked identity number, a full credit file, a credit report or an export writes
access-log entries with the right user, subject and real client address (003 §5(1))."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accesslog.models import AccessEntry, AccessKind
from accesslog.services import access_log_credit_report
from accounts.models import Role
from tests.factories import make_company, make_person, make_user

pytestmark = pytest.mark.django_db

FORGED = {"HTTP_X_FORWARDED_FOR": "198.51.100.66", "REMOTE_ADDR": "203.0.113.5"}


def _only(**filters) -> AccessEntry:
    entries = list(AccessEntry.objects.filter(**filters))
    assert len(entries) == 1, entries
    return entries[0]


def test_the_staff_subject_page_logs_the_file_and_the_unmasked_number(client, reviewer):
    person = make_person("赵六")
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("subjects:detail", args=[person.pk]), **FORGED)
    assert response.status_code == 200 and person.code in response.content.decode()
    # The file and the number are written together, in one insert after the page was rendered.
    assert len([q for q in queries if q["sql"].startswith('INSERT INTO "accesslog_accessentry"')]) == 1
    file_read = _only(kind=AccessKind.CREDIT_FILE)
    assert (file_read.user, file_read.subject, file_read.department) == (
        reviewer,
        person,
        reviewer.department,
    )
    assert file_read.address == "203.0.113.5"  # never the forged header
    assert file_read.path == reverse("subjects:detail", args=[person.pk])
    number_read = _only(kind=AccessKind.IDENTITY_NUMBER)
    assert (number_read.user, number_read.subject, number_read.address) == (reviewer, person, "203.0.113.5")


def test_a_clerk_sees_masked_numbers_so_only_the_file_is_logged(client, clerk):
    person = make_person("钱七")
    client.force_login(clerk)
    assert person.code not in client.get(reverse("subjects:detail", args=[person.pk])).content.decode()
    assert list(AccessEntry.objects.values_list("kind", flat=True)) == [AccessKind.CREDIT_FILE]


def test_a_list_of_unmasked_numbers_is_logged_in_one_insert_per_request(client, credit_office_user):
    people = [make_person(f"孙{i}") for i in range(5)]
    make_company("西峡县不记录有限公司")  # an organisation's code is public: not logged
    client.force_login(credit_office_user)
    client.get(reverse("subjects:list"))  # warm the session
    AccessEntry.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("subjects:list"), **FORGED)
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "accesslog_accessentry"')]
    assert len(inserts) == 1
    assert all(p.code in response.content.decode() for p in people)
    entries = AccessEntry.objects.filter(kind=AccessKind.IDENTITY_NUMBER)
    assert sorted(e.subject_id for e in entries) == sorted(p.pk for p in people)
    assert {(e.user_id, e.address) for e in entries} == {(credit_office_user.pk, "203.0.113.5")}
    assert AccessEntry.objects.count() == 5


def test_the_api_logs_the_file_and_the_number_for_a_token_user_and_masks_the_path(client, reviewer):
    person = make_person("周八")
    token = Token.objects.create(user=reviewer)
    response = client.get(
        reverse("api-subject-detail", args=[person.code]), HTTP_AUTHORIZATION=f"Token {token.key}", **FORGED
    )
    assert response.status_code == 200 and response.json()["code"] == person.code
    file_read = _only(kind=AccessKind.CREDIT_FILE)
    number_read = _only(kind=AccessKind.IDENTITY_NUMBER)
    for entry in (file_read, number_read):
        assert (entry.user, entry.subject, entry.address) == (reviewer, person, "203.0.113.5")
        assert person.code not in entry.path and person.code[-4:] in entry.path


def test_the_subject_reading_its_own_file_is_not_logged(client):
    person = make_person("吴九")
    holder = make_user(Role.SUBJECT, None, subject=person)
    client.force_login(holder)
    assert client.get(reverse("subjects:detail", args=[person.pk])).status_code == 200
    assert client.get(reverse("portal:home")).status_code == 200
    assert AccessEntry.objects.count() == 0


def test_the_change_form_logs_the_numbers_it_shows(client, credit_office_user):
    person = make_person("郑十")
    firm = make_company("西峡县代表人有限公司", rep=(person.code, "郑十"))
    client.force_login(credit_office_user)
    assert client.get(reverse("subjects:edit", args=[firm.pk]), **FORGED).status_code == 200
    entry = _only(kind=AccessKind.IDENTITY_NUMBER)
    assert (entry.subject, entry.user, entry.address) == (person, credit_office_user, "203.0.113.5")


def test_a_credit_report_is_logged_by_its_service(credit_office_user):
    firm = make_company("西峡县报告有限公司")
    assert (
        access_log_credit_report(user=credit_office_user, subject=firm, document_number="CR-2026-AB12") == 1
    )
    entry = _only(kind=AccessKind.CREDIT_REPORT)
    assert (entry.subject, entry.user, entry.description) == (firm, credit_office_user, "CR-2026-AB12")


def test_the_yearly_summary_spreadsheet_is_logged_as_an_export(client, credit_office_user):
    client.force_login(credit_office_user)
    year = datetime.date.today().year
    response = client.get(reverse("reports:county_xlsx", args=[year]), **FORGED)
    assert response.status_code == 200
    entry = _only(kind=AccessKind.EXPORT)
    assert entry.subject is None and entry.user == credit_office_user and entry.address == "203.0.113.5"
    assert str(year) in entry.description and entry.description.endswith(".xlsx")


def test_the_error_workbook_of_an_import_is_logged_with_its_row_count(client, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import TestCase

    from records.models import ImportBatch

    client.force_login(clerk)
    headers = "主体名称,主体类别,主体代码,信息类别,决定文书号,决定日期,处罚类别,罚款金额（元）,严重程度,内容"
    rows = [headers, "西峡县乙公司,法人,91411323XXXXXXXXXX,警告,西发改〔2026〕2号,2026-03-02,,,,违规"]
    upload = SimpleUploadedFile("批量.csv", "\n".join(rows).encode("utf-8-sig"), content_type="text/csv")
    with TestCase.captureOnCommitCallbacks(execute=True):  # the import job starts after the commit
        client.post(reverse("records:import"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert client.get(reverse("records:import_errors", args=[batch.pk]), **FORGED).status_code == 200
    entry = _only(kind=AccessKind.EXPORT)
    assert entry.user == clerk and entry.address == "203.0.113.5"
    assert entry.description == f"错误行-批量.xlsx ({batch.rows_rejected})" and batch.rows_rejected == 1


def test_a_refused_read_writes_nothing(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("reports:county_xlsx", args=[2026])).status_code == 403
    assert AccessEntry.objects.count() == 0


def test_the_admin_logs_the_numbers_it_lists_and_shows(client, credit_office_user):
    credit_office_user.is_staff = True
    credit_office_user.save()
    people = [make_person(f"王{i}") for i in range(3)]
    make_company("西峡县管理后台有限公司")
    client.force_login(credit_office_user)
    response = client.get("/admin/subjects/subject/", **FORGED)
    assert response.status_code == 200 and people[0].code in response.content.decode()
    entries = AccessEntry.objects.filter(kind=AccessKind.IDENTITY_NUMBER)
    assert sorted(e.subject_id for e in entries) == sorted(p.pk for p in people)
    assert {(e.user_id, e.address) for e in entries} == {(credit_office_user.pk, "203.0.113.5")}
    AccessEntry.objects.all().delete()
    assert client.get(f"/admin/subjects/subject/{people[1].pk}/change/").status_code == 200
    assert _only(kind=AccessKind.IDENTITY_NUMBER).subject == people[1]


def test_a_log_row_that_cannot_be_written_goes_to_the_error_log_and_the_read_goes_on(
    client, reviewer, monkeypatch, caplog
):
    from django.db import OperationalError

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    person = make_person("陈二")
    client.force_login(reviewer)
    monkeypatch.setattr(AccessEntry.objects, "bulk_create", locked)
    with caplog.at_level("ERROR", logger="accesslog.services"):
        response = client.get(reverse("subjects:detail", args=[person.pk]), **FORGED)
    assert response.status_code == 200 and person.code in response.content.decode()
    lines = [r.getMessage() for r in caplog.records if r.name == "accesslog.services"]
    assert len(lines) == 2 and all(f"subject={person.pk}" in line for line in lines)
    assert all(person.code not in line and "address=203.0.113.5" in line for line in lines)
