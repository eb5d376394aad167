"""Plans, the draw and results through the services (SPEC §5 Random inspections)."""

import gzip
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuditLog
from inspections import verify_draw
from inspections.draw import seed_hash
from inspections.models import Inspection, InspectionPlan, Outcome, PlanStatus
from inspections.services import (
    conflict_declare,
    inspection_result_enter,
    inspector_save,
    matter_save,
    plan_cancel,
    plan_draw,
    plan_update,
)
from records.models import RecordStatus
from records.services import record_approve

from .conftest import YEAR, announced_plan

ALL = {g: "1" for g in ("A+", "A", "B", "C", "C-", "D", "D-")}


def published(plan) -> dict:
    plan.refresh_from_db()
    return json.loads(gzip.decompress(plan.draw_file.open("rb").read()))


def test_the_seed_is_fixed_and_only_its_hash_shown_before_the_draw(world):
    plan = announced_plan(world)
    assert plan.status == PlanStatus.ANNOUNCED
    assert len(plan.seed) == 64 and plan.seed_sha256 == seed_hash(plan.seed)
    with pytest.raises(ValidationError):  # fixed once announced
        plan_update(
            actor=world.clerk,
            plan=plan,
            title="改",
            matters=[world.matter],
            year=YEAR,
            period_start=plan.period_start,
            period_end=plan.period_end,
            scope="graded",
        )
    assert not plan.draw_file


def test_the_draw_records_inspections_and_publishes_what_the_verifier_recomputes(world):
    plan = plan_draw(actor=world.clerk, plan=announced_plan(world, ratios={"B": "0.5", "C": "1", "D": "1"}))
    assert plan.status == PlanStatus.DRAWN
    strata = {s["grade"]: s for s in plan.strata}
    assert strata["B"]["size"] == 7 and strata["B"]["quota"] == 4  # round-half-up(3.5)
    assert strata["C"]["drawn"] == 3 and strata["D"]["drawn"] == 2 and strata["A+"]["quota"] == 0
    inspections = list(plan.inspections.select_related("subject"))
    assert len(inspections) == 9 == plan.eligible_count - 7 + 2
    assert all(len(i.drawn_inspectors) == 2 for i in inspections)
    document = published(plan)
    assert verify_draw.check(document) == []
    assert document["seed"] == plan.seed and document["seed_sha256"] == plan.seed_sha256
    assert AuditLog.objects.filter(action="inspection.draw").count() == 1


def test_a_natural_person_appears_in_the_published_list_only_by_a_token_of_the_plan(world):
    first = plan_draw(actor=world.clerk, plan=announced_plan(world, ratios={"B": "1"}))
    second = plan_draw(
        actor=world.zjj_clerk, plan=announced_plan(world, actor=world.zjj_clerk, matter=world.zjj_matter)
    )
    raw = gzip.decompress(first.draw_file.open("rb").read()).decode()
    assert world.person.code not in raw and world.person.code[-4:] + '"' not in raw
    tokens = [e[0] for e in published(first)["eligible"] if e[0].startswith("P")]
    other = [e[0] for e in published(second)["eligible"] if e[0].startswith("P")]
    assert len(tokens) == 1 and len(other) == 1 and tokens != other


def test_caps_hold_across_plans_of_every_department(world):
    """B at most once a year (003 §4.2): a second department's plan skips the B subjects drawn already;
    A+ is never sampled (cap 0) even with a ratio of 1."""
    plan_draw(actor=world.clerk, plan=announced_plan(world, ratios={"B": "1"}))
    second = plan_draw(
        actor=world.zjj_clerk,
        plan=announced_plan(world, actor=world.zjj_clerk, matter=world.zjj_matter, ratios=ALL),
    )
    strata = {s["grade"]: s for s in second.strata}
    assert strata["B"]["drawn"] == 0 and strata["B"]["skipped"] == 7
    assert strata["A+"]["drawn"] == 0 and strata["A+"]["skipped"] == 2
    assert strata["C"]["drawn"] == 3 and second.skipped_count == 9
    assert verify_draw.check(published(second)) == []
    # C at most three times: after three more plans, a fourth draws no C subject.
    for i in range(2):
        plan_draw(
            actor=world.zjj_clerk,
            plan=announced_plan(
                world, actor=world.zjj_clerk, matter=world.zjj_matter, ratios={"C": "1"}, title=f"第{i}"
            ),
        )
    fourth = plan_draw(
        actor=world.clerk, plan=announced_plan(world, ratios={"C": "1", "D": "1"}, title="第四")
    )
    strata = {s["grade"]: s for s in fourth.strata}
    assert (
        strata["C"]["drawn"] == 0 and strata["C"]["skipped"] == 3 and strata["D"]["drawn"] == 2
    )  # D: no cap
    for subject in world.by_grade["C"]:
        assert Inspection.objects.filter(subject=subject, plan__year=YEAR).count() == 3


def test_a_joint_plan_inspects_a_subject_once_with_inspectors_of_both_pools(world):
    from accounts.models import Department

    plan = plan_draw(
        actor=world.clerk,
        plan=announced_plan(
            world, ratios={"B": "1", "C": "1", "D": "1"}, partners=[Department.objects.get(code="zjj")]
        ),
    )
    assert plan.departments.count() == 2
    assert (
        Inspection.objects.filter(plan=plan).values("subject").distinct().count()
        == plan.inspections.count()
        == 12
    )
    certificates = {x["certificate"] for i in plan.inspections.all() for x in i.drawn_inspectors}
    assert any(c.startswith("41132302") for c in certificates) and any(
        c.startswith("41132303") for c in certificates
    )
    # The joint inspection counted once: each B subject is now at its cap for every department.
    again = plan_draw(
        actor=world.zjj_clerk,
        plan=announced_plan(world, actor=world.zjj_clerk, matter=world.zjj_matter, ratios={"B": "1"}),
    )
    assert again.inspections.count() == 0


def test_no_inspector_goes_where_they_declared_a_conflict(world):
    target = world.by_grade["D"][0]
    pool = list(
        world.clerk.department
        and __import__("inspections.models", fromlist=["Inspector"]).Inspector.objects.filter(
            department=world.clerk.department
        )
    )
    for inspector in pool[:2]:
        conflict_declare(
            actor=world.clerk, inspector=inspector, subject_code=target.code, reason="亲属在该企业任职"
        )
    plan = plan_draw(actor=world.clerk, plan=announced_plan(world, ratios={"D": "1"}))
    drawn = plan.inspections.get(subject=target)
    assert {x["certificate"] for x in drawn.drawn_inspectors}.isdisjoint(
        {i.certificate_number for i in pool[:2]}
    )
    document = published(plan)
    assert sorted(c for c, i in document["conflicts"] if i == target.code) == sorted(
        i.certificate_number for i in pool[:2]
    )
    assert verify_draw.check(document) == []


def test_too_few_free_inspectors_refuses_the_draw_and_records_nothing(world):
    from inspections.models import Inspector

    target = world.by_grade["D"][0]
    for inspector in Inspector.objects.filter(department=world.clerk.department)[:3]:
        conflict_declare(actor=world.clerk, inspector=inspector, subject_code=target.code, reason="回避")
    plan = announced_plan(world, ratios={"D": "1"})
    with pytest.raises(ValidationError, match="两名"):
        plan_draw(actor=world.clerk, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ANNOUNCED and not Inspection.objects.exists()


def test_only_the_plans_department_draws_and_a_drawn_plan_is_not_drawn_again(world):
    plan = announced_plan(world, ratios={"D": "1"})
    with pytest.raises(PermissionDenied):
        plan_draw(actor=world.zjj_clerk, plan=plan)
    plan_draw(actor=world.clerk, plan=plan)
    with pytest.raises(ValidationError):
        plan_draw(actor=world.clerk, plan=plan)
    with pytest.raises(ValidationError):
        plan_cancel(actor=world.clerk, plan=plan, reason="不需要了")
    assert plan.inspections.count() == 2


@pytest.mark.parametrize(
    ("ratios", "message"),
    [({"B": "1.5"}, "0 到 1"), ({"B": "abc"}, "0 到 1"), ({"E": "0.1"}, "未知的等级")],
)
def test_bad_ratios_are_refused_and_nothing_is_saved(world, ratios, message):
    with pytest.raises(ValidationError, match=message):
        announced_plan(world, ratios=ratios)
    assert not InspectionPlan.objects.exists()


def test_a_failed_inspection_becomes_a_record_through_four_eyes(world):
    plan = plan_draw(actor=world.clerk, plan=announced_plan(world, ratios={"D": "1"}))
    inspection = plan.inspections.first()
    with pytest.raises(ValidationError):  # a failed inspection needs what was found
        inspection_result_enter(
            actor=world.clerk,
            inspection=inspection,
            outcome=Outcome.FAILED,
            inspected_on=timezone.localdate(plan.drawn_at),
            document_number="西市监检〔2026〕1号",
        )
    with pytest.raises(PermissionDenied):
        inspection_result_enter(
            actor=world.zjj_clerk,
            inspection=inspection,
            outcome=Outcome.PASSED,
            inspected_on=timezone.localdate(plan.drawn_at),
        )
    done = inspection_result_enter(
        actor=world.clerk,
        inspection=inspection,
        outcome=Outcome.FAILED,
        inspected_on=timezone.localdate(plan.drawn_at),
        findings="未按规定公示年度报告",
        document_number="西市监检〔2026〕1号",
    )
    assert done.record.kind.code == "inspection_failed" and done.record.status == RecordStatus.SUBMITTED
    assert done.record.department_id == world.clerk.department_id
    with pytest.raises(PermissionDenied):  # four eyes: not the clerk who entered it
        record_approve(actor=world.clerk, record=done.record)
    assert record_approve(actor=world.reviewer, record=done.record).status == RecordStatus.EFFECTIVE
    with pytest.raises(ValidationError):  # a result is entered once
        inspection_result_enter(
            actor=world.clerk,
            inspection=inspection,
            outcome=Outcome.PASSED,
            inspected_on=timezone.localdate(plan.drawn_at),
        )


def test_a_failed_inspection_may_become_the_penalty_it_led_to(world):
    plan = plan_draw(actor=world.clerk, plan=announced_plan(world, ratios={"D": "1"}))
    inspection = plan.inspections.first()
    done = inspection_result_enter(
        actor=world.clerk,
        inspection=inspection,
        outcome=Outcome.FAILED,
        inspected_on=timezone.localdate(plan.drawn_at),
        findings="无照经营",
        record_kind="administrative_penalty",
        document_number="西市监罚〔2026〕8号",
        sanction="fine",
        fine_amount="3000",
    )
    assert done.record.kind.code == "administrative_penalty"
    assert [s.kind.code for s in done.record.sanctions.all()] == ["fine"]


def test_a_result_in_the_future_or_before_the_draw_is_refused(world):
    import datetime

    plan = plan_draw(actor=world.clerk, plan=announced_plan(world, ratios={"D": "1"}))
    inspection = plan.inspections.first()
    for day in (
        timezone.localdate(plan.drawn_at) + datetime.timedelta(days=400),
        timezone.localdate(plan.drawn_at) - datetime.timedelta(days=1),
    ):
        with pytest.raises(ValidationError):
            inspection_result_enter(
                actor=world.clerk, inspection=inspection, outcome=Outcome.PASSED, inspected_on=day
            )
    inspection.refresh_from_db()
    assert inspection.status == Outcome.PENDING and inspection.record is None


def test_matters_and_inspectors_refuse_bad_input_and_other_departments(world):
    with pytest.raises(ValidationError):
        matter_save(actor=world.clerk, name="企业公示信息抽查", legal_basis="x")  # already listed
    with pytest.raises(ValidationError):
        inspector_save(actor=world.clerk, name="重复", certificate_number="411323030000")
    with pytest.raises(ValidationError):
        inspector_save(actor=world.clerk, name="坏号", certificate_number="豫执|1")
    with pytest.raises(PermissionDenied):
        matter_save(actor=world.zjj_clerk, matter=world.matter, name="改名", legal_basis="x")
    with pytest.raises(ValidationError):
        conflict_declare(
            actor=world.clerk,
            inspector=__import__("inspections.models", fromlist=["Inspector"])
            .Inspector.objects.filter(department=world.clerk.department)
            .first(),
            subject_code="91411323000000000X",
            reason="x",
        )
