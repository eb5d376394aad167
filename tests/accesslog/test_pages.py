"""The credit office's access-log page and the subject's view in its portal: who may see them, what
they show, and a bounded number of queries."""

import pytest
from django.urls import reverse

from accesslog.models import AccessEntry, AccessKind
from accesslog.services import access_log_record
from accounts.models import Role
from tests.factories import make_company, make_person, make_user

pytestmark = pytest.mark.django_db


def _read(user, subject, kind=AccessKind.CREDIT_FILE, n=1):
    for _i in range(n):
        access_log_record(user=user, kind=kind, subjects=[subject], address="203.0.113.5", path="/x/")


@pytest.mark.parametrize("role", ["clerk", "reviewer", "subject", "anonymous"])
def test_only_the_credit_office_opens_the_log(client, role, clerk, reviewer):
    users = {"clerk": clerk, "reviewer": reviewer, "subject": make_user(Role.SUBJECT, None)}
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get(reverse("accesslog:list"))
    assert response.status_code == (302 if role == "anonymous" else 403)
    if role != "anonymous":
        assert client.post(reverse("accesslog:list"), {"code": "x"}).status_code == 403
        assert client.get("/admin/accesslog/accessentry/").status_code in (302, 403)


def test_the_credit_office_sees_the_log_per_subject_and_per_user(client, credit_office_user, clerk, reviewer):
    firm, other = make_company("西峡县甲有限公司"), make_company("西峡县乙有限公司")
    _read(clerk, firm)
    _read(reviewer, other)
    client.force_login(credit_office_user)
    page = client.get(reverse("accesslog:list"), {"subject": firm.pk}).content.decode()
    assert "西峡县甲有限公司" in page and clerk.username in page and reviewer.username not in page
    page = client.get(reverse("accesslog:list"), {"user": reviewer.username.upper()}).content.decode()
    assert "西峡县乙有限公司" in page and "西峡县甲有限公司" not in page and "203.0.113.5" in page
    # The subject page links to its access history for the credit office.
    detail = client.get(reverse("subjects:detail", args=[firm.pk])).content.decode()
    assert f"{reverse('accesslog:list')}?subject={firm.pk}" in detail


def test_a_subject_is_found_by_its_code_through_a_post_and_addressed_by_row_id(client, credit_office_user):
    person = make_person("冯一")
    client.force_login(credit_office_user)
    response = client.post(reverse("accesslog:list") + "?kind=credit_file", {"code": person.code})
    assert response.status_code == 302 and person.code not in response["Location"]
    assert f"subject={person.pk}" in response["Location"] and "kind=credit_file" in response["Location"]
    response = client.post(reverse("accesslog:list"), {"code": "not a code"}, follow=True)
    assert response.status_code == 200 and "没有主体" in response.content.decode()


def test_bad_filters_answer_with_a_message_not_an_error(client, credit_office_user):
    client.force_login(credit_office_user)
    for params in ({"subject": "abc"}, {"since": "2026-13-45"}, {"kind": "everything"}, {"page": "9999"}):
        assert client.get(reverse("accesslog:list"), params).status_code == 200


def test_the_clerk_and_reviewer_do_not_see_the_link_on_the_subject_page(client, clerk):
    firm = make_company()
    client.force_login(clerk)
    assert (
        reverse("accesslog:list")
        not in client.get(reverse("subjects:detail", args=[firm.pk])).content.decode()
    )


def test_the_list_makes_the_same_few_queries_for_a_full_page(
    client, credit_office_user, clerk, reviewer, django_assert_max_num_queries
):
    firms = [make_company(f"西峡县查询{i}有限公司") for i in range(30)]
    for firm in firms:
        _read(clerk, firm)
        _read(reviewer, firm, kind=AccessKind.EXPORT)
    client.force_login(credit_office_user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("accesslog:list"))
    assert response.status_code == 200 and response.content.decode().count("<tr>") == 51


def test_the_subject_sees_which_offices_read_its_file_not_who(client, clerk, credit_office_user):
    clerk.full_name = "张录入"
    clerk.save()
    firm, other = make_company("西峡县本公司有限公司"), make_company("西峡县别家有限公司")
    holder = make_user(Role.SUBJECT, None, subject=firm)
    _read(clerk, firm)
    _read(credit_office_user, firm, kind=AccessKind.CREDIT_REPORT)
    _read(clerk, firm, kind=AccessKind.IDENTITY_NUMBER)  # not part of the file view
    _read(clerk, other)
    client.force_login(holder)
    page = client.get(reverse("accesslog_portal:history")).content.decode()
    assert clerk.department.name in page and credit_office_user.department.name in page
    assert clerk.username not in page and "张录入" not in page and credit_office_user.username not in page
    assert page.count("<tr><td>") == 2  # the other subject's read is not shown
    assert reverse("accesslog_portal:history") in client.get(reverse("portal:home")).content.decode()


def test_staff_do_not_open_the_portal_history(client, credit_office_user):
    client.force_login(credit_office_user)
    assert client.get(reverse("accesslog_portal:history")).status_code == 403


def test_the_portal_history_makes_the_same_few_queries(client, clerk, django_assert_max_num_queries):
    firm = make_company()
    holder = make_user(Role.SUBJECT, None, subject=firm)
    _read(clerk, firm, n=80)
    client.force_login(holder)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("accesslog_portal:history"))
    assert response.status_code == 200 and response.content.decode().count("<tr><td>") == 50


def test_the_admin_is_read_only_for_the_credit_office(client, credit_office_user, clerk):
    credit_office_user.is_staff = True
    credit_office_user.save()
    _read(clerk, make_company())
    entry = AccessEntry.objects.get()
    client.force_login(credit_office_user)
    assert client.get("/admin/accesslog/accessentry/").status_code == 200
    assert client.get("/admin/accesslog/accessentry/add/").status_code == 403
    assert client.post(f"/admin/accesslog/accessentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessEntry.objects.count() == 1
