"""The department's pages and the public pages (一公开) of random inspections."""

import datetime

import pytest
from django.urls import reverse

from inspections.models import InspectionPlan, Outcome, PlanStatus
from inspections.services import inspection_result_enter, plan_draw
from records.services import record_approve

from .conftest import YEAR, announced_plan


def test_a_clerk_creates_a_plan_with_the_catalogue_ratios_and_publishes_it(client, world):
    client.force_login(world.clerk)
    page = client.get(reverse("inspections:plan_create"))
    assert page.status_code == 200 and 'value="0.05"' in page.content.decode()
    assert f'name="period_end" value="{YEAR}-12-31"' in page.content.decode()  # ISO for the date picker
    data = {
        "title": "市场监管 2026 抽查",
        "matters": [world.matter.pk],
        "year": YEAR,
        "period_start": f"{YEAR}-01-01",
        "period_end": f"{YEAR}-12-31",
        "scope": "graded",
        **{
            f"ratio_{g}": r
            for g, r in {
                "A+": "0",
                "A": "0",
                "B": "0.5",
                "C": "1",
                "C-": "0.1",
                "D": "1",
                "D-": "0.3",
            }.items()
        },
    }
    response = client.post(reverse("inspections:plan_create"), data)
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and plan.ratios["B"] == "0.5" and plan.status == PlanStatus.DRAFT
    client.post(reverse("inspections:plan_action", args=[plan.pk, "announce"]))
    client.post(reverse("inspections:plan_action", args=[plan.pk, "draw"]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN and plan.inspections.count() == 9
    assert plan.seed in client.get(reverse("inspections:plan", args=[plan.pk])).content.decode()


def test_a_bad_plan_form_shows_the_message_and_saves_nothing(client, world):
    client.force_login(world.clerk)
    data = {
        "title": "x",
        "matters": [world.matter.pk],
        "year": YEAR,
        "period_start": f"{YEAR}-05-01",
        "period_end": f"{YEAR}-04-01",
        "scope": "graded",
        **{f"ratio_{g}": "2" for g in ("A+", "A", "B", "C", "C-", "D", "D-")},
    }
    response = client.post(reverse("inspections:plan_create"), data)
    assert response.status_code == 200 and "结束日期早于开始日期" in response.content.decode()
    assert not InspectionPlan.objects.exists()


def test_other_departments_and_the_public_cannot_reach_a_plan(client, world):
    plan = announced_plan(world)
    client.force_login(world.zjj_clerk)
    assert client.get(reverse("inspections:plan", args=[plan.pk])).status_code == 404
    assert client.post(reverse("inspections:plan_action", args=[plan.pk, "draw"])).status_code == 404
    client.logout()
    assert client.get(reverse("inspections:plan", args=[plan.pk])).status_code == 302


def test_the_public_sees_the_hash_before_and_the_seed_draw_and_final_results_after(client, world):
    plan = announced_plan(world, ratios={"B": "1", "D": "1"})
    page = client.get(reverse("inspections:public_plan", args=[plan.pk])).content.decode()
    assert plan.seed_sha256 in page and plan.seed not in page
    plan = plan_draw(actor=world.clerk, plan=plan)
    failed = plan.inspections.get(subject=world.by_grade["D"][0])
    inspection_result_enter(
        actor=world.clerk,
        inspection=failed,
        outcome=Outcome.FAILED,
        inspected_on=datetime.date.today(),
        findings="未公示年报",
        document_number="西市监检〔2026〕7号",
    )
    page = client.get(reverse("inspections:public_plan", args=[plan.pk])).content.decode()
    assert plan.seed in page and "待公示" in page and "未公示年报" not in page  # not yet approved
    record_approve(
        actor=world.reviewer,
        record=failed.record if failed.record_id else plan.inspections.get(pk=failed.pk).record,
    )
    page = client.get(reverse("inspections:public_plan", args=[plan.pk])).content.decode()
    assert "不合格" in page and "未公示年报" in page
    # The natural person: the family name and the region of the number only, and the plan's token.
    person = world.person
    assert person.code not in page and person.name not in page and "李*" in page
    download = client.get(reverse("inspections:public_draw", args=[plan.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/gzip"
    assert client.get(reverse("inspections:public_verifier")).status_code == 200


def test_a_draft_is_not_public(client, world):
    from inspections.services import plan_create

    plan = plan_create(
        actor=world.clerk,
        title="草稿",
        matters=[world.matter],
        year=YEAR,
        period_start=datetime.date(YEAR, 1, 1),
        period_end=datetime.date(YEAR, 12, 31),
    )
    assert client.get(reverse("inspections:public_plan", args=[plan.pk])).status_code == 404
    assert "草稿" not in client.get(reverse("inspections:public")).content.decode()


def test_query_counts_do_not_grow_with_the_draw(client, world, django_assert_max_num_queries):
    plan = plan_draw(actor=world.clerk, plan=announced_plan(world, ratios={"B": "1", "C": "1", "D": "1"}))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("inspections:public_plan", args=[plan.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("inspections:public")).status_code == 200
    client.force_login(world.clerk)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("inspections:plan", args=[plan.pk])).status_code == 200


@pytest.mark.parametrize("name", ["home", "matters", "inspectors"])
def test_staff_pages_open_and_subject_users_are_refused(client, world, name):
    client.force_login(world.clerk)
    assert client.get(reverse(f"inspections:{name}")).status_code == 200
    from accounts.models import Role
    from tests.factories import make_user

    client.force_login(make_user(Role.SUBJECT, None, username="subj-x"))
    assert client.get(reverse(f"inspections:{name}")).status_code == 403


def test_the_yearly_summary_counts_inspections_per_grade_against_the_caps(world):
    from reports.selectors import summary_build

    plan_draw(actor=world.clerk, plan=announced_plan(world, ratios={"B": "1", "D": "1"}))
    tables = {t.key: t for t in summary_build(year=YEAR).tables}
    by_department = {r.key: r.values for r in tables["inspections"].rows}
    assert by_department["scjg"][2] == 7 and by_department["scjg"][5] == 2 and by_department["zjj"][-1] == 0
    caps = {r.key: r.values for r in tables["inspection-caps"].rows}
    assert caps["B"] == [1, 7, 7, 1] and caps["D"][0] == "不设上限"
