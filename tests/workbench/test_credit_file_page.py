"""The credit file page (信用档案, 002 §4(2)): staff of any department and the credit office open it
for a stated purpose (004 §4(2) 按需共享); it holds what every department's work put on the subject's
record once it took effect, and each opening is logged (003 §5(1) 查询使用)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessEntry, AccessKind
from accounts.models import Role
from grading.selectors import grades_in_force
from records.services import record_approve, record_create, record_submit
from reminders.models import Reminder, ReminderStatus
from reminders.services import reminder_rectify
from tests.factories import make_person, make_resident_id, make_user
from tests.records.conftest import penalty_input

from .conftest import COMPLAINANT, days_ago

pytestmark = pytest.mark.django_db

FORGED = {"HTTP_X_FORWARDED_FOR": "198.51.100.66", "REMOTE_ADDR": "203.0.113.5"}


def open_url(subject) -> str:
    return reverse("creditfile:open", args=[subject.pk])


def file_url(subject) -> str:
    return reverse("creditfile:detail", args=[subject.pk])


def open_file(client, subject, purpose="supervision", detail="", **extra):
    """State the purpose and follow to the file; the response of the file page."""
    response = client.post(open_url(subject), {"purpose": purpose, "purpose_detail": detail}, **extra)
    assert response.status_code == 302 and response["Location"] == file_url(subject), response.content[:500]
    return client.get(response["Location"], **extra)


def section(html: str, name: str) -> str:
    return html.split(f'id="{name}"')[1].split("</section>")[0]


def shown_records(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'class="file-record" data-record="(\d+)"', html)}


# --- what the file holds ------------------------------------------------------------------------------------


def test_another_department_sees_every_effective_record_but_no_work_in_progress(
    client, other_clerk, file_world
):
    """A clerk of 市场监督管理局 reads 发改委's records that took effect — effective, revoked shown as
    revoked, a corrected one by its current version — and none of its drafts, submitted or returned
    records (nor the submitted record of a broken commitment)."""
    w = file_world
    client.force_login(other_clerk)
    html = open_file(client, w["firm"]).content.decode()
    shown = shown_records(html)
    for key in ("effective", "serious", "minor", "scjg", "complaint", "revoked", "correction"):
        assert w[key].pk in shown, key
    for key in ("corrected", "draft", "submitted", "returned", "draft_complaint"):
        assert w[key].pk not in shown, key
    for number in ("〔2026〕91号", "〔2026〕92号", "〔2026〕93号", "〔2026〕94号", "西发改承〔2026〕31号"):
        assert number not in html, number
    assert "草稿事项" not in html and "更正前事项" not in html and "更正后事项" in html
    revoked_row = html.split(f'data-record="{w["revoked"].pk}"')[1].split("</tr>")[0]
    assert "已撤销" in revoked_row
    correction_row = html.split(f'data-record="{w["correction"].pk}"')[1].split("</tr>")[0]
    assert "v2" in correction_row
    # Another department's records are read here, not opened: their pages stay the department's.
    assert reverse("records:detail", args=[w["effective"].pk]) not in html
    assert reverse("records:detail", args=[w["scjg"].pk]) in html


@pytest.mark.parametrize("role", ["other_clerk", "reviewer", "credit_office_user"])
def test_the_complainant_is_never_shown(client, file_world, role, request):
    """000 Art. 13: not even to the credit office or the reviewer of the complaint's department, who
    see it on the record's own page; the file is shared across departments."""
    client.force_login(request.getfixturevalue(role))
    html = open_file(client, file_world["firm"]).content.decode()
    assert file_world["complaint"].document_number in html
    for secret in (*COMPLAINANT, "草稿举报人丙", "13700000001"):
        assert secret not in html


def test_the_grades_in_force_of_every_scheme_and_department(client, other_clerk, file_world):
    """SPEC §3.5: the value every reader shows — the county scheme, and the A/B/C grade of each
    department that has the firm as its subject (SPEC §3.6: 发改委 and 市场监管局 have records of it)."""
    firm = file_world["firm"]
    client.force_login(other_clerk)
    html = open_file(client, firm).content.decode()
    grades = grades_in_force(subject_ids=[firm.pk])
    assert {(g.scheme.code, g.department.code if g.department else "") for g in grades} == {
        ("public", ""),
        ("abc", "fgw"),
        ("abc", "scjg"),
    }
    for g in grades:
        row = html.split(
            f'data-scheme="{g.scheme.code}" data-department="{g.department.code if g.department else ""}"'
        )
        assert len(row) == 2, g
        assert f'<strong class="grade">{g.grade}</strong>' in row[1].split("</tr>")[0]


def test_lists_commitments_repair_and_reminders_with_their_outcomes(client, other_clerk, file_world):
    client.force_login(other_clerk)
    html = open_file(client, file_world["firm"]).content.decode()
    lists = section(html, "list_entries")
    assert "拒不履行法院判决" in lists and "拖欠农民工工资" in lists
    assert lists.index("拒不履行法院判决") < lists.index("拖欠农民工工资")  # the latest first
    assert lists.count("已失效") == 1 and lists.count('status-effective">有效') == 1
    commitments = section(html, "commitments")
    assert "已履约" in commitments and "已违诺" in commitments and "材料已按期补齐" in commitments
    repair = section(html, "repair_applications")
    assert "不予修复" in repair and "整改材料不足以证明已纠正" in repair
    assert file_world["minor"].document_number in repair
    # Counts in the headings.
    assert re.search(r"信用承诺 <small class=\"muted\">\(2\)</small>", html)


def test_a_registered_interview_is_part_of_the_file_with_its_outcome(
    client, other_clerk, reviewer, file_world
):
    """004 §6(2): who, when, how, content, the rectification deadline — and then its outcome."""
    interview = file_world["interview"]
    client.force_login(other_clerk)
    html = open_file(client, file_world["firm"]).content.decode()
    row = html.split('data-method="interview"')[1].split("</tr>")[0]
    local = timezone.localtime(interview.held_at)
    for text in (
        local.strftime("%Y-%m-%d %H:%M"),
        "县发改委三楼会议室",
        "发展和改革委员会",
        "诚信约谈",
        "警示约谈",
        "孙总（董事长）",
        "李工（项目经理）",
        "指出失信行为，督促其限期整改。",
        interview.rectification_deadline.isoformat(),
        file_world["serious"].document_number,
    ):
        assert text in row, text
    reminder_rectify(
        actor=reviewer, reminder=interview, rectified_on=timezone.localdate(), note="已完成整改并提交报告"
    )
    html = client.get(file_url(file_world["firm"])).content.decode()
    row = html.split('data-method="interview"')[1].split("</tr>")[0]
    assert "已整改" in row and "已完成整改并提交报告" in row


def test_a_due_reminder_is_not_in_the_file(client, other_clerk, clerk, reviewer, file_world, make_effective):
    """Only what was carried out and registered: a reminder still due is the department's to-do."""

    record = make_effective(
        clerk,
        reviewer,
        file_world["firm"],
        penalty_input(document_number="西发改罚〔2026〕41号", decision_date=days_ago(3)),
    )
    assert Reminder.objects.filter(record=record, status=ReminderStatus.DUE).exists()
    client.force_login(other_clerk)
    html = open_file(client, file_world["firm"]).content.decode()
    reminders = section(html, "reminders")
    assert "西发改罚〔2026〕41号" not in reminders and reminders.count('class="file-reminder"') == 2


# --- identity numbers ---------------------------------------------------------------------------------------


def test_identity_numbers_are_masked_for_a_clerk_and_whole_for_a_reviewer(client, other_clerk, scjg_reviewer):
    number = make_resident_id("19800808")
    person = make_person("钱档案", number)

    clerk = make_user(Role.CLERK, "scjg")
    record = record_create(
        actor=clerk,
        subject=person,
        data=penalty_input(content=f"当事人身份证号{number}，经查属实。"),
    )
    record_submit(actor=clerk, record=record)
    record_approve(actor=scjg_reviewer, record=record)

    client.force_login(other_clerk)
    html = open_file(client, person).content.decode()
    assert number not in html and f"{number[:6]}********{number[-4:]}" in html
    assert AccessEntry.objects.filter(kind=AccessKind.IDENTITY_NUMBER).count() == 0

    client.force_login(scjg_reviewer)
    html = open_file(client, person).content.decode()
    assert number in html
    # The whole number shown is logged as a read of personal data, beside the opening.
    assert (
        AccessEntry.objects.filter(
            kind=AccessKind.IDENTITY_NUMBER, user=scjg_reviewer, subject=person
        ).count()
        == 1
    )


# --- the purpose and the log --------------------------------------------------------------------------------


def test_each_opening_is_logged_with_who_when_which_subject_and_why(
    client, other_clerk, credit_office_user, file_world
):
    firm = file_world["firm"]
    client.force_login(other_clerk)
    before = timezone.now()
    response = open_file(client, firm, purpose="licensing", detail="施工许可 XK-2026-0012", **FORGED)
    assert response.status_code == 200
    entry = AccessEntry.objects.get(kind=AccessKind.CREDIT_FILE)
    assert (entry.user, entry.department, entry.subject) == (other_clerk, other_clerk.department, firm)
    assert (entry.purpose, entry.purpose_detail) == ("licensing", "施工许可 XK-2026-0012")
    assert entry.at >= before and entry.address == "203.0.113.5" and entry.path == file_url(firm)
    assert entry.description == "信用档案"
    html = response.content.decode()
    assert "行政审批" in html and "施工许可 XK-2026-0012" in html  # the page says what it was opened for

    # Another page of a section is another showing of the file, logged with the same purpose.
    client.get(file_url(firm), {"records_page": "1"})
    assert AccessEntry.objects.filter(kind=AccessKind.CREDIT_FILE, purpose="licensing").count() == 2
    # Opened again for another purpose: logged with that one.
    open_file(client, firm, purpose="other", detail="配合纪检监察调查")
    latest = AccessEntry.objects.filter(kind=AccessKind.CREDIT_FILE).order_by("-id").first()
    assert (latest.purpose, latest.purpose_detail) == ("other", "配合纪检监察调查")

    # The credit office reads the purposes in the access log.
    client.force_login(credit_office_user)
    log = client.get(reverse("accesslog:list"), {"subject": firm.pk, "purpose": "licensing"}).content.decode()
    assert "行政审批：施工许可 XK-2026-0012" in log and "配合纪检监察调查" not in log


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "purpose", "请选择查阅信用档案的用途。"),
        ({"purpose": "", "purpose_detail": "看看"}, "purpose", "请选择查阅信用档案的用途。"),
        ({"purpose": "curiosity"}, "purpose", "请从列出的用途中选择一项。"),
        ({"purpose": "other", "purpose_detail": "   "}, "purpose_detail", "请写明查阅信用档案的用途。"),
        ({"purpose": "supervision", "purpose_detail": "查" * 201}, "purpose_detail", "200"),
    ],
)
def test_no_purpose_no_file_and_nothing_logged(client, other_clerk, file_world, data, field, message):
    firm = file_world["firm"]
    client.force_login(other_clerk)
    response = client.post(open_url(firm), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and f'name="{field}"' in html
    assert file_world["effective"].document_number not in html  # the file is not shown
    assert client.get(file_url(firm)).status_code == 302  # nor opened
    assert AccessEntry.objects.filter(kind=AccessKind.CREDIT_FILE).count() == 0


def test_the_file_without_a_stated_purpose_asks_for_it_and_logs_nothing(client, other_clerk, file_world):
    firm = file_world["firm"]
    client.force_login(other_clerk)
    response = client.get(file_url(firm), follow=True)
    assert response.redirect_chain == [(open_url(firm), 302)]
    html = response.content.decode()
    assert "请写明查阅信用档案的用途。" in html and 'name="purpose"' in html
    assert file_world["effective"].document_number not in html
    assert not AccessEntry.objects.filter(kind=AccessKind.CREDIT_FILE).exists()


def test_a_purpose_holds_for_one_subject_and_a_limited_time(client, other_clerk, file_world, settings):
    firm = file_world["firm"]
    other = make_person("孙另一个")
    client.force_login(other_clerk)
    open_file(client, firm)
    assert client.get(file_url(other)).status_code == 302  # another subject: asked again
    session = client.session
    openings = session["credit_file_openings"]
    openings[str(firm.pk)]["at"] -= settings.CREDIT_FILE_OPENING_MINUTES * 60 + 1
    session["credit_file_openings"] = openings
    session.save()
    assert client.get(file_url(firm)).status_code == 302  # stated too long ago: asked again
    assert AccessEntry.objects.filter(kind=AccessKind.CREDIT_FILE).count() == 1


# --- who reaches it -----------------------------------------------------------------------------------------


def test_subject_accounts_get_404_and_the_public_the_login(client, file_world):
    firm = file_world["firm"]
    holder = make_user(Role.SUBJECT, None, subject=firm)
    client.force_login(holder)
    for url in (open_url(firm), file_url(firm)):
        assert client.get(url).status_code == 404
    assert client.post(open_url(firm), {"purpose": "supervision"}).status_code == 404
    client.logout()
    for url in (open_url(firm), file_url(firm)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(open_url(firm), {"purpose": "supervision"}).status_code == 302
    assert not AccessEntry.objects.exists()


def test_an_unknown_subject_is_404(client, other_clerk):
    client.force_login(other_clerk)
    assert client.get(reverse("creditfile:open", args=[999999])).status_code == 404
    assert client.get(reverse("creditfile:detail", args=[999999])).status_code == 404


def test_staff_reach_it_from_the_subject_page_and_from_search(client, other_clerk, file_world):
    firm = file_world["firm"]
    client.force_login(other_clerk)
    assert open_url(firm) in client.get(reverse("subjects:detail", args=[firm.pk])).content.decode()
    assert open_url(firm) in client.get(reverse("subjects:list"), {"q": "档案测试"}).content.decode()
    holder = make_user(Role.SUBJECT, None, subject=firm)
    client.force_login(holder)
    assert open_url(firm) not in client.get(reverse("subjects:detail", args=[firm.pk])).content.decode()


# --- size ---------------------------------------------------------------------------------------------------


def test_the_query_count_does_not_grow_with_the_file(
    client, clerk, reviewer, other_clerk, file_world, make_effective, django_assert_max_num_queries
):
    """Sections are read with a fixed number of queries and cut into pages of 20, newest first."""

    firm = file_world["firm"]
    client.force_login(other_clerk)
    open_file(client, firm)
    with django_assert_max_num_queries(25):
        small = client.get(file_url(firm))
    assert small.status_code == 200
    for i in range(25):
        make_effective(
            clerk,
            reviewer,
            firm,
            penalty_input(document_number=f"西发改罚〔2025〕{100 + i}号", decision_date=days_ago(200 + i)),
        )
    with django_assert_max_num_queries(25):
        large = client.get(file_url(firm))
    records = section(large.content.decode(), "records")
    assert len(shown_records(records)) == 20 and "records_page=2" in records
    assert "西发改罚〔2025〕100号" in records and "西发改罚〔2025〕124号" not in records  # newest first
    second = section(client.get(file_url(firm), {"records_page": "2"}).content.decode(), "records")
    assert "西发改罚〔2025〕124号" in second
    assert len(shown_records(second)) == 9 + 25 - 20
    # A page number that is no number shows the first page, never an error.
    assert client.get(file_url(firm), {"records_page": "x"}).status_code == 200
