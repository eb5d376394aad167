"""Staff pages: the subject page's measures, the printable page, recording an applied measure, the
applications list and the credit office's counts — permissions, bad input and bounded queries."""

import pytest
from django.conf import settings
from django.urls import reverse

from measures.models import Measure, MeasureApplication
from measures.services import measure_application_record
from tests.factories import make_company, make_resident_id

from .conftest import days_ago, effective, graded

pytestmark = pytest.mark.django_db


def test_the_subject_page_shows_the_measures_to_any_staff_user(
    client, clerk, reviewer, other_clerk, django_assert_max_num_queries
):
    firm = make_company()
    effective(clerk, reviewer, firm, "警告")
    graded([firm.pk])
    client.force_login(other_clerk)
    url = reverse("subjects:detail", args=[firm.pk])
    client.get(url)  # warm the session and the content-type cache
    # One of them the grade changes kept (SPEC §3.5), one the licences in force (004 §4(3)), one
    # which departments grade the subject and one the department listings (SPEC §3.6).
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert "当前适用的措施" in page and "每年至多进行一次随机检查" not in page
    assert "每年随机抽查：至多 1 次" in page and "包容审慎监管" in page
    assert reverse("measures:subject", args=[firm.pk]) in page


def test_the_subject_page_queries_do_not_grow_with_represented_firms(
    client, credit_office_user, clerk, reviewer, django_assert_max_num_queries
):
    person = make_resident_id()
    firms = [make_company(rep=(person, "孙七")) for _ in range(5)]
    for firm in firms:
        effective(clerk, reviewer, firm, "行政处罚", serious=True)
    representative = firms[0].legal_representative
    graded([f.pk for f in firms] + [representative.pk])
    client.force_login(credit_office_user)
    url = reverse("subjects:detail", args=[representative.pk])
    client.get(url)
    # 23: one of them is the second factor's device of the session (django-otp), the same on every page;
    # one the grade changes kept (SPEC §3.5); one the licences in force (004 §4(3)); one which
    # departments grade them and one the department listings (SPEC §3.6); four the firms the person
    # answers for (004 §6(5): legal representative, principal and actual controller links) with their
    # grades, lists and published records.
    with django_assert_max_num_queries(27):
        page = client.get(url).content.decode()
    assert page.count("作为") >= 5 and firms[0].name in page


def test_the_printable_page(client, clerk):
    firm = make_company()
    graded([firm.pk])
    client.force_login(clerk)
    response = client.get(reverse("measures:subject", args=[firm.pk]))
    page = response.content.decode()
    # The print button and the print layout come from static files (the Content-Security-Policy
    # refuses inline scripts and styles).
    assert response.status_code == 200 and "data-print" in page and "js/print.js" in page
    assert "onclick" not in page and "<style" not in page
    assert "@media print" in (settings.PACKAGE_DIR / "static" / "css" / "site.css").read_text()
    assert firm.name in page and "非请勿扰" in page and "003" in page
    assert client.get(reverse("measures:subject", args=[999999])).status_code == 404


def test_pages_need_a_staff_login(client, db):
    firm = make_company()
    for url in [
        reverse("measures:subject", args=[firm.pk]),
        reverse("measures:applications"),
        reverse("measures:application_create"),
        reverse("measures:counts"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_recording_an_applied_measure_from_the_subject_page(client, clerk):
    firm = make_company()
    client.force_login(clerk)
    url = reverse("measures:application_create")
    form = client.get(url, {"subject_pk": firm.pk, "measure": "pub-b-inspection-once"}).content.decode()
    assert firm.name in form and 'name="department"' not in form
    response = client.post(
        url,
        {
            "subject_pk": firm.pk,
            "measure": "pub-b-inspection-once",
            "applied_on": days_ago(1).isoformat(),
            "outcome": "rectified",
            "matter": "随机抽查",
            "outcome_note": "责令整改后复查合格",
        },
    )
    assert response.status_code == 302
    application = MeasureApplication.objects.get()
    assert application.department.code == "fgw" and application.subject == firm
    assert application.outcome == "rectified"
    listing = client.get(reverse("measures:applications")).content.decode()
    assert firm.name in listing and "已实施，主体已整改" in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject_code": "12345"}, "18"),
        ({"subject_code": ""}, "代码"),
        ({"applied_on": "2999-01-01"}, "晚于今天"),
        ({"measure": "nothing"}, "measure"),
        ({"outcome": ""}, "outcome"),
    ],
)
def test_bad_input_on_the_form_changes_nothing(client, clerk, data, message):
    firm = make_company()
    client.force_login(clerk)
    values = {
        "subject_code": firm.code,
        "measure": "pub-b-inspection-once",
        "applied_on": days_ago(1).isoformat(),
        "outcome": "applied",
    } | data
    response = client.post(reverse("measures:application_create"), values)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    assert message in response.content.decode() or message in form.errors
    assert not MeasureApplication.objects.exists()


def test_an_unregistered_code_is_refused_on_the_form(client, clerk):
    from tests.factories import make_uscc

    client.force_login(clerk)
    code = make_uscc()
    response = client.post(
        reverse("measures:application_create"),
        {
            "subject_code": code,
            "measure": "pub-b-inspection-once",
            "applied_on": days_ago(1),
            "outcome": "applied",
        },
    )
    assert response.status_code == 200 and "未登记" in response.content.decode()
    assert not MeasureApplication.objects.exists()


def _applications(actor, n: int):
    measure = Measure.objects.get(code="pub-c-inspection-three")
    firms = [make_company() for _ in range(3)]
    for i in range(n):
        measure_application_record(
            actor=actor,
            measure=measure,
            subject=firms[i % 3],
            applied_on=days_ago(i * 17),
            outcome="applied",
        )


def test_the_list_page_is_scoped_and_bounded(client, clerk, other_clerk, django_assert_max_num_queries):
    _applications(clerk, 30)
    _applications(other_clerk, 2)
    client.force_login(clerk)
    url = reverse("measures:applications")
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.context["page"].paginator.count == 30
    assert client.get(url, {"applied_from": "not a date"}).status_code == 200


def test_the_counts_page_is_for_the_credit_office(
    client, clerk, other_clerk, credit_office_user, django_assert_max_num_queries
):
    _applications(clerk, 20)
    _applications(other_clerk, 5)
    client.force_login(clerk)
    assert client.get(reverse("measures:counts")).status_code == 403
    client.force_login(credit_office_user)
    url = reverse("measures:counts")
    client.get(url)
    with django_assert_max_num_queries(10):
        response = client.get(url, {"applied_from": days_ago(400).isoformat()})
    assert response.context["total"] == 25
    this_year = client.get(url)  # the current year by default
    start = days_ago(0).replace(month=1, day=1)
    expected = MeasureApplication.objects.filter(applied_on__gte=start).count()
    assert this_year.context["total"] == expected and start.isoformat() in this_year.content.decode()
    rows = response.context["rows"]
    assert {r["department_code"] for r in rows} == {"fgw", "scjg"}
    assert sum(r["count"] for r in rows if r["department_code"] == "scjg") == 5
    assert days_ago(0).strftime("%Y-%m") in response.content.decode()
    filtered = client.get(url, {"department": "scjg", "applied_from": days_ago(400).isoformat()})
    assert filtered.context["total"] == 5
    assert client.get(url, {"applied_from": "31/31/2026"}).status_code == 200


def test_subject_users_do_not_see_staff_pages_or_the_section(client):
    from accounts.models import Role
    from tests.factories import make_user

    firm = make_company()
    graded([firm.pk])
    client.force_login(make_user(Role.SUBJECT, None, subject=firm))
    for url in [
        reverse("measures:subject", args=[firm.pk]),
        reverse("measures:applications"),
        reverse("measures:application_create"),
        reverse("measures:counts"),
    ]:
        assert client.get(url).status_code == 403, url
    assert not MeasureApplication.objects.exists()


def test_the_subject_page_shows_list_memberships(client, clerk, credit_office_user):
    from measures.models import ListType
    from measures.services import list_entry_add

    firm = make_company()
    list_entry_add(
        actor=credit_office_user,
        list_type=ListType.BLACK,
        subject=firm,
        reason="恶意拖欠农民工工资",
        authority="西峡县人力资源和社会保障局",
        listed_on=days_ago(4),
    )
    graded([firm.pk])
    client.force_login(clerk)
    page = client.get(reverse("subjects:detail", args=[firm.pk])).content.decode()
    assert (
        "联合惩戒（黑）名单" in page and "恶意拖欠农民工工资" in page and "西峡县人力资源和社会保障局" in page
    )
    assert "限制获得授信" in page  # a black-list measure
