"""Drawn subjects still without a result (SPEC §5: results public within 20 working days): the staff of
the plan's departments see them in their to-do, overdue once the plan's period has ended, and on the
plans page; everyone else does not."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from inspections.models import InspectionPlan, Outcome
from inspections.services import inspection_result_enter, plan_draw
from tests.factories import make_user
from workbench.selectors import todo_items

from .conftest import YEAR, announced_plan

LABEL = "待录入结果的抽查"


def awaiting(user, today):
    return {
        item.label: (item.count, item.overdue, item.url) for item in todo_items(user=user, today=today)
    }.get(LABEL)


def all_passed(world, plan):
    for inspection in plan.inspections.all():
        inspection_result_enter(
            actor=world.clerk,
            inspection=inspection,
            outcome=Outcome.PASSED,
            inspected_on=timezone.localdate(plan.drawn_at),
        )


def test_the_plans_staff_see_the_open_results_and_the_overdue_ones_after_the_period(world):
    plan = plan_draw(actor=world.clerk, plan=announced_plan(world, ratios={"C": "1", "D": "1"}))
    drawn = list(plan.inspections.order_by("position"))
    assert len(drawn) == 5
    in_period, after = datetime.date(YEAR, 6, 1), datetime.date(YEAR + 1, 1, 4)
    url = reverse("inspections:home") + "?awaiting=1"
    assert awaiting(world.clerk, in_period) == (5, 0, url)
    assert awaiting(world.reviewer, after) == (5, 5, url)  # the period is over: all five overdue
    inspection_result_enter(
        actor=world.clerk,
        inspection=drawn[0],
        outcome=Outcome.PASSED,
        inspected_on=timezone.localdate(plan.drawn_at),
    )
    assert awaiting(world.clerk, after) == (4, 4, url)
    # Another department's staff, the credit office and a subject's user have no such line.
    office = make_user(Role.CREDIT_OFFICE, "xyb", username="w-office")
    subject_user = make_user(Role.SUBJECT, None, username="w-subject")
    for other in (world.zjj_clerk, office, subject_user):
        assert awaiting(other, after) is None


def test_a_joint_plans_partner_sees_them_too_and_an_undrawn_plan_has_none(world):
    announced_plan(world, ratios={"D": "1"})  # not drawn: nothing to enter yet
    assert awaiting(world.clerk, datetime.date(YEAR, 6, 1)) is None
    plan_draw(
        actor=world.clerk,
        plan=announced_plan(world, ratios={"D": "1"}, partners=[world.zjj_clerk.department], title="联合"),
    )
    assert awaiting(world.zjj_clerk, datetime.date(YEAR, 6, 1))[0] == 2


def test_the_plans_page_shows_the_open_results_and_filters_to_them(client, world):
    done = plan_draw(actor=world.clerk, plan=announced_plan(world, ratios={"D": "1"}, title="已完成计划"))
    all_passed(world, done)
    open_plan = plan_draw(
        actor=world.clerk, plan=announced_plan(world, ratios={"C": "1"}, title="待录入计划")
    )
    InspectionPlan.objects.filter(pk=open_plan.pk).update(
        period_end=timezone.localdate() - datetime.timedelta(1)
    )
    client.force_login(world.clerk)
    page = client.get(reverse("inspections:home")).content.decode()
    assert "已完成计划" in page and "待录入计划" in page and "3 · 已过计划期限" in page
    filtered = client.get(reverse("inspections:home") + "?awaiting=1").content.decode()
    assert "待录入计划" in filtered and "已完成计划" not in filtered
    all_passed(world, open_plan)
    filtered = client.get(reverse("inspections:home") + "?awaiting=1").content.decode()
    assert "待录入计划" not in filtered and "没有待录入结果的计划" in filtered


def test_the_plans_page_makes_the_same_queries_for_more_plans(client, world):
    client.force_login(world.clerk)
    plan_draw(actor=world.clerk, plan=announced_plan(world, ratios={"D": "1"}, title="计划一"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("inspections:home")).status_code == 200
    for n in range(3):
        plan_draw(actor=world.clerk, plan=announced_plan(world, ratios={"C": "1"}, title=f"计划{n}"))
    with CaptureQueriesContext(connection) as four:
        assert client.get(reverse("inspections:home")).status_code == 200
    assert len(four) == len(one)
