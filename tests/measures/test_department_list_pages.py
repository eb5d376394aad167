"""The pages of a department's own red and black lists (SPEC §3.6): the staff pages (propose, review,
consider, end), the subject's portal (told, states its case), the subject page, and what the public
and the API show."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from core.masking import mask_resident_id
from measures.department_lists import department_listings_settle, listing_approve, listing_propose
from measures.models import DepartmentListing, ListingStatus
from subjects.selectors import subject_public_list_code
from tests.factories import make_company, make_person, make_resident_id, make_user

from .conftest import days_ago

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "决定书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def in_a_year() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=365)


@pytest.fixture
def zfbz_clerk(db):
    return make_user(Role.CLERK, "zfbz", username="zfbz-clerk")


@pytest.fixture
def zfbz_reviewer(db):
    return make_user(Role.REVIEWER, "zfbz", username="zfbz-reviewer")


@pytest.fixture
def zfbz_reviewer_2(db):
    return make_user(Role.REVIEWER, "zfbz", username="zfbz-reviewer-2")


@pytest.fixture
def firm(db):
    return make_company("西峡县安居物业服务有限公司")


@pytest.fixture
def firm_user(firm):
    return make_user(Role.SUBJECT, None, username="anju-firm", subject=firm)


def propose(actor, subject, list_type="black", number=None, **extra):
    values = dict(
        subject=subject,
        list_type=list_type,
        reason="以欺骗手段骗取保障性住房",
        document_number=number or f"武房黑〔2026〕{DepartmentListing.objects.count() + 1}号",
        decision_date=days_ago(2),
        ends_on=in_a_year(),
        hearing_days=5,
        decision_file=pdf(),
    )
    return listing_propose(actor=actor, **(values | extra))


def form_data(subject, **overrides) -> dict:
    return {
        "subject_pk": subject.pk,
        "list_type": "black",
        "reason": "以欺骗手段骗取保障性住房",
        "document_number": "武房黑〔2026〕7号",
        "decision_date": days_ago(2).isoformat(),
        "ends_on": in_a_year().isoformat(),
        "hearing_days": "5",
        "decision_file": pdf(),
    } | overrides


def test_a_clerk_proposes_on_the_page_and_bad_input_is_refused_in_chinese(client, zfbz_clerk, firm):
    client.force_login(zfbz_clerk)
    page = client.get(reverse("measures:listing_create"), {"subject_pk": firm.pk}).content.decode()
    assert firm.name in page and "住房保障中心" in page
    bad = client.post(
        reverse("measures:listing_create"),
        form_data(
            firm,
            document_number="",
            decision_file="",
            decision_date=(timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
        ),
    )
    text = bad.content.decode()
    assert bad.status_code == 200
    assert "请填写决定文书号。" in text and "请上传决定文书" in text and "晚于今天" in text
    assert not DepartmentListing.objects.exists()
    response = client.post(reverse("measures:listing_create"), form_data(firm))
    listing = DepartmentListing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "measures:listing", args=[listing.pk]
    )
    assert listing.proposed_by == zfbz_clerk and listing.department.code == "zfbz"
    detail = client.get(response["Location"]).content.decode()
    assert "拟列入，待审核" in detail and "决定书.pdf" in detail
    download = client.get(reverse("measures:listing_file", args=[listing.pk, listing.files.get().pk]))
    assert download.status_code == 200 and download.content == PDF


def test_other_departments_and_other_roles_are_kept_out(client, zfbz_clerk, clerk, firm, firm_user):
    listing = propose(zfbz_clerk, firm)
    urls = [
        reverse("measures:listing", args=[listing.pk]),
        reverse("measures:listing_edit", args=[listing.pk]),
        reverse("measures:listing_file", args=[listing.pk, listing.files.get().pk]),
    ]
    client.force_login(clerk)  # the development & reform bureau's clerk
    for url in urls:
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("measures:listing_action", args=[listing.pk, "withdraw"]), {"reason": "x"}
        ).status_code
        == 404
    )
    assert firm.name not in client.get(reverse("measures:listings")).content.decode()
    client.force_login(firm_user)  # subject users read their listings on the portal, not here
    assert client.get(reverse("measures:listings")).status_code == 403
    assert client.get(urls[0]).status_code == 403
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PROPOSED


def test_the_credit_office_sees_every_listing_is_told_and_decides_none(
    client, zfbz_clerk, credit_office_user, firm
):
    listing = propose(zfbz_clerk, firm)
    client.force_login(credit_office_user)
    home = client.get(reverse("home")).content.decode()
    assert "部门红黑名单有 1 项新进展" in home
    page = client.get(reverse("measures:listings")).content.decode()
    assert "信用办待阅知" in page and firm.name in page
    assert client.get(reverse("measures:listing", args=[listing.pk])).status_code == 200
    assert client.get(reverse("measures:listing_create")).status_code == 403
    response = client.post(reverse("measures:listing_action", args=[listing.pk, "approve"]), follow=True)
    assert "只有未提出、未提交该事项的本部门审核员可以批准列入（双人审核）。" in response.content.decode()
    client.post(reverse("measures:listing_news_read"))
    assert "信用办待阅知" not in client.get(reverse("measures:listings")).content.decode()
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PROPOSED


def test_four_eyes_on_the_page(client, zfbz_reviewer, zfbz_reviewer_2, firm):
    listing = propose(zfbz_reviewer, firm)
    client.force_login(zfbz_reviewer)
    page = client.get(reverse("measures:listing", args=[listing.pk])).content.decode()
    assert "批准并告知信用主体" not in page  # no button for their own proposal
    response = client.post(reverse("measures:listing_action", args=[listing.pk, "approve"]), follow=True)
    assert "双人审核" in response.content.decode()
    listing.refresh_from_db()
    assert listing.status == ListingStatus.PROPOSED
    client.force_login(zfbz_reviewer_2)
    home = client.get(reverse("home")).content.decode()
    assert "1 项部门名单事项待您办理" in home
    response = client.post(reverse("measures:listing_action", args=[listing.pk, "approve"]), follow=True)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.HEARING and "已告知信用主体" in response.content.decode()


def test_the_subject_is_told_on_its_portal_and_states_its_case(
    client, zfbz_clerk, zfbz_reviewer, zfbz_reviewer_2, firm, firm_user
):
    listing = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, firm))
    other_user = make_user(Role.SUBJECT, None, username="other-firm", subject=make_company())
    client.force_login(other_user)
    assert client.get(reverse("portal:listing", args=[listing.pk])).status_code == 404
    client.force_login(firm_user)
    home = client.get(reverse("portal:home")).content.decode()
    assert "涉及本主体的部门名单" in home and "住房保障中心黑名单" in home
    assert reverse("portal:listing", args=[listing.pk]) in home
    page = client.get(reverse("portal:listing", args=[listing.pk])).content.decode()
    assert "住房保障中心拟将您列入其黑名单" in page and listing.hearing_until.isoformat() in page
    assert "提交陈述申辩" in page
    empty = client.post(
        reverse("portal:listing", args=[listing.pk]), {"statement": "", "files": [pdf("租赁合同.pdf")]}
    )
    assert "请填写陈述申辩的内容" in empty.content.decode() and "租赁合同.pdf" in empty.content.decode()
    # The file chosen before the error is kept for the next try (issue 19).
    tokens = re.findall(r'name="held-files" value="([^"]+)"', empty.content.decode())
    response = client.post(
        reverse("portal:listing", args=[listing.pk]),
        {"statement": "房屋系合法承租，附租赁合同。", "held-files": tokens},
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == ListingStatus.STATEMENT and listing.statement == "房屋系合法承租，附租赁合同。"
    again = client.post(reverse("portal:listing", args=[listing.pk]), {"statement": "再说一次"})
    assert "不能陈述申辩" in again.content.decode()
    listing.refresh_from_db()
    assert listing.statement == "房屋系合法承租，附租赁合同。"
    # The department's reviewer reads the statement and answers it on the listing's page.
    client.force_login(zfbz_reviewer_2)
    page = client.get(reverse("measures:listing", args=[listing.pk])).content.decode()
    assert "房屋系合法承租" in page and "租赁合同.pdf" in page and "答复陈述申辩" in page
    client.post(
        reverse("measures:listing_action", args=[listing.pk, "consider"]),
        {"outcome": "drop", "reason": "经核实，不予列入。"},
    )
    listing.refresh_from_db()
    assert listing.status == ListingStatus.DROPPED and listing.answer == "经核实，不予列入。"
    client.force_login(firm_user)
    page = client.get(reverse("portal:listing", args=[listing.pk])).content.decode()
    assert "经核实，不予列入。" in page and "经陈述申辩不予列入" in page


def test_a_statement_after_the_period_is_refused_on_the_portal(
    client, zfbz_clerk, zfbz_reviewer, firm, firm_user
):
    listing = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, firm), today=days_ago(20))
    client.force_login(firm_user)
    page = client.get(reverse("portal:listing", args=[listing.pk])).content.decode()
    # Read after the period: the listing is in force, and no statement form is offered.
    listing.refresh_from_db()
    assert listing.status == ListingStatus.EFFECTIVE and "提交陈述申辩" not in page
    response = client.post(reverse("portal:listing", args=[listing.pk]), {"statement": "迟到的陈述"})
    assert f"陈述申辩期限已于 {listing.hearing_until} 届满" in response.content.decode()
    listing.refresh_from_db()
    assert listing.statement == "" and listing.status == ListingStatus.EFFECTIVE


def test_the_subject_page_shows_the_listings_and_masks_a_person_for_a_clerk(
    client, zfbz_clerk, zfbz_reviewer, clerk
):
    person = make_person("王保障", make_resident_id("19800505"))
    listing = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, person))
    client.force_login(zfbz_clerk)
    page = client.get(reverse("subjects:detail", args=[person.pk])).content.decode()
    assert "部门红黑名单" in page and "已告知，陈述申辩期内" in page
    assert reverse("measures:listing", args=[listing.pk]) in page
    lists = client.get(reverse("measures:listings")).content.decode()
    assert mask_resident_id(person.code) in lists and person.code not in lists
    client.force_login(clerk)  # another department's staff: not its listing
    page = client.get(reverse("subjects:detail", args=[person.pk])).content.decode()
    assert reverse("measures:listing", args=[listing.pk]) not in page


def test_the_listings_page_queries_are_bounded(
    client, zfbz_clerk, zfbz_reviewer, credit_office_user, django_assert_max_num_queries
):
    for i in range(8):
        listing = propose(zfbz_clerk, make_company(), number=f"武房黑〔2026〕{100 + i}号")
        if i % 2:
            listing_approve(actor=zfbz_reviewer, listing=listing)
    for user, limit in ((credit_office_user, 9), (zfbz_reviewer, 7)):
        client.force_login(user)
        client.get(reverse("home"))
        with django_assert_max_num_queries(limit):
            assert client.get(reverse("measures:listings")).status_code == 200


# --- what the public and the API see ----------------------------------------------------------------------


def test_public_api_and_pages_show_the_department_list_with_its_department(
    zfbz_clerk, zfbz_reviewer, credit_office_user, firm
):
    listing = listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, firm), today=days_ago(20))
    api = APIClient()
    body = api.get(f"/api/public/subjects/{firm.code}/").json()  # the read brings it into effect
    listing.refresh_from_db()
    assert body["lists"] == [
        {
            "list_type": "black",
            "list_name": "住房保障中心黑名单",
            "reason": "以欺骗手段骗取保障性住房",
            "authority": "住房保障中心",
            "level": "county",
            "listed_on": listing.entry.listed_on.isoformat(),
            "scope": "department",
            "department": "zfbz",
            "department_name": "住房保障中心",
            "listed_until": listing.ends_on.isoformat(),
        }
    ]
    assert [r["kind"] for r in body["records"]] == ["department_black_list"]
    person = make_person("赵名单", make_resident_id("19810606"))
    listing_approve(actor=zfbz_reviewer, listing=propose(zfbz_clerk, person), today=days_ago(20))
    department_listings_settle()
    from measures.services import list_entry_add

    county = make_company("西峡县联合惩戒测试有限公司")
    list_entry_add(
        actor=credit_office_user,
        list_type="black",
        subject=county,
        reason="失信被执行人",
        authority="西峡县人民法院",
        listed_on=days_ago(1),
    )
    web = APIClient()
    page = web.get("/public/black-list/").content.decode()
    assert firm.name in page and county.name in page and "住房保障中心黑名单" in page
    assert subject_public_list_code(person) in page and person.code not in page
    assert "?keeper=zfbz" in page
    only_zfbz = web.get("/public/black-list/", {"keeper": "zfbz"}).content.decode()
    assert firm.name in only_zfbz and county.name not in only_zfbz
    only_county = web.get("/public/black-list/", {"keeper": "county"}).content.decode()
    assert county.name in only_county and firm.name not in only_county
    detail = web.get(f"/public/subjects/{firm.code}/").content.decode()
    assert "住房保障中心黑名单" in detail and listing.ends_on.isoformat() in detail


def test_the_decision_file_is_kept_across_a_form_error(client, zfbz_clerk, firm):
    """Issue 19: the decision file chosen on a proposal that came back with an error is kept."""
    import re

    client.force_login(zfbz_clerk)
    bad = client.post(reverse("measures:listing_create"), form_data(firm, document_number=""))
    text = bad.content.decode()
    assert "请填写决定文书号。" in text and not DepartmentListing.objects.exists()
    token = re.search(r'name="held-decision_file" value="([^"]+)"', text).group(1)
    data = {k: v for k, v in form_data(firm).items() if k != "decision_file"} | {"held-decision_file": token}
    response = client.post(reverse("measures:listing_create"), data)
    assert response.status_code == 302 and DepartmentListing.objects.get().files.count() == 1
