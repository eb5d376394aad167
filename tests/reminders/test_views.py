"""Reminder pages: the department's due and overdue list (bounded queries), registration through the
form, refusals shown on the page, and the printable letter."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from reminders.models import Reminder
from reminders.services import reminder_register
from tests.factories import make_company, make_user

from .conftest import SERIOUS

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_department_sees_due_and_overdue_in_bounded_queries(
    make_effective, reviewer, django_assert_max_num_queries
):
    firms = [make_company(f"西峡县待办提醒{i}号有限公司") for i in range(6)]
    for i, firm in enumerate(firms):
        make_effective(firm, document_number=f"西发改罚〔2026〕{500 + i}号")
    Reminder.objects.filter(subject__in=firms[:2]).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    web = client_for(reviewer)
    with django_assert_max_num_queries(10):
        response = web.get("/reminders/")
    text = response.content.decode()
    assert response.status_code == 200 and all(f.name in text for f in firms)
    assert text.count('class="overdue"') == 2 and "6 项提醒或约谈待办" in text and "2 项已逾期" in text
    overdue = web.get("/reminders/", {"overdue": "true"}).content.decode()
    assert firms[0].name in overdue and firms[5].name not in overdue
    # Another department's staff see none of it; a subject user cannot open the page.
    other = client_for(make_user(Role.CLERK, "scjg")).get("/reminders/").content.decode()
    assert firms[0].name not in other
    assert client_for(make_user(Role.SUBJECT, None)).get("/reminders/").status_code == 403


def test_register_an_interview_through_the_form(make_effective, reviewer):
    firm = make_company("西峡县表单约谈测试有限公司")
    make_effective(firm, **SERIOUS)
    reminder = Reminder.objects.get()
    web = client_for(reviewer)
    page = web.get(f"/reminders/{reminder.pk}/").content.decode()
    assert "书面提醒" in page and "口头提醒" not in page  # serious: written or interview only
    held = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "method": "interview",
        "interview_type": "warning",
        "held_at": held,
        "place": "县发改委",
        "content": "指出失信行为，督促整改。",
        "rectification_deadline": "",
        "persons-TOTAL_FORMS": "3",
        "persons-INITIAL_FORMS": "0",
        "persons-0-name": "",
        "persons-0-role": "",
        "persons-0-position": "",
    }
    refused = web.post(f"/reminders/{reminder.pk}/", data)
    assert refused.status_code == 400 and "主要负责人" in refused.content.decode()
    reminder.refresh_from_db()
    assert reminder.status == "due"
    data |= {"persons-0-name": "孙总", "persons-0-role": "principal", "persons-0-position": "董事长"}
    response = web.post(f"/reminders/{reminder.pk}/", data)
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.status == "done" and reminder.persons[0]["name"] == "孙总"
    assert "已登记" in web.get(f"/reminders/{reminder.pk}/").content.decode()


def test_written_reminder_letter(make_effective, reviewer):
    firm = make_company("西峡县书面提醒测试有限公司")
    record = make_effective(firm)
    reminder = Reminder.objects.get()
    web = client_for(reviewer)
    assert web.get(f"/reminders/{reminder.pk}/letter/").status_code == 404  # not registered yet
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    reminder_register(
        actor=reviewer,
        reminder=reminder,
        method="written",
        held_at=timezone.now() - datetime.timedelta(hours=1),
        content="你单位存在未按规定明码标价的行为，请依法规范经营。",
        rectification_deadline=deadline,
    )
    text = web.get(f"/reminders/{reminder.pk}/letter/").content.decode()
    assert "信用提醒函" in text and firm.name in text and firm.code in text
    assert record.document_number in text and "请依法规范经营" in text
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in text and "诚信约谈" in text
    assert "发展和改革委员会" in text


def test_rectify_and_cancel_refusals_show_on_the_page(make_effective, reviewer, clerk):
    firm = make_company("西峡县页面整改测试有限公司")
    make_effective(firm)
    reminder = Reminder.objects.get()
    web = client_for(reviewer)
    response = web.post(f"/reminders/{reminder.pk}/rectify/", {"rectified_on": "2026-01-01", "note": "x"})
    # A due reminder cannot be rectified: the service refuses, the page says why.
    assert response.status_code == 400 and "不能标记为已整改" in response.content.decode()
    response = web.post(f"/reminders/{reminder.pk}/cancel/", {"reason": ""})
    assert response.status_code == 400
    assert client_for(clerk).post(f"/reminders/{reminder.pk}/cancel/", {"reason": "x"}).status_code == 403
    response = web.post(f"/reminders/{reminder.pk}/cancel/", {"reason": "当事人已注销"})
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.status == "cancelled"
