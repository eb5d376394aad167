"""A county for the draw, set up through the real services: graded subjects in several strata (records
approved four-eyes, then regraded), two departments' inspector pools and matters."""

import datetime
from dataclasses import dataclass, field

import pytest

from accounts.models import Role
from grading.models import GradeInForce
from grading.services import regrade_subjects
from inspections.services import inspector_save, matter_save, plan_announce, plan_create
from records.validation import RecordInput, SanctionInput
from subjects.models import SubjectKind
from tests.factories import make_company, make_person, make_resident_id, make_user
from tests.public.conftest import effective_record
from tests.records.conftest import penalty_input

YEAR = datetime.date.today().year


@dataclass
class World:
    clerk: object
    reviewer: object
    zjj_clerk: object
    zjj_reviewer: object
    matter: object
    zjj_matter: object
    by_grade: dict = field(default_factory=dict)  # grade -> [subject]
    person: object = None


def _record(kind: str):
    if kind == "commendation":
        return {"kind": "表彰奖励", "sanctions": []}
    if kind == "warning":
        return {"kind": "警告", "sanctions": []}
    if kind == "serious":
        return {"sanctions": [SanctionInput("吊销许可证件")]}
    return {}  # a general penalty (警告, 罚款 5000)


@pytest.fixture
def world(db) -> World:
    fgw_clerk = make_user(Role.CLERK, "fgw", username="w-fgw-clerk")
    fgw_reviewer = make_user(Role.REVIEWER, "fgw", username="w-fgw-reviewer")
    w = World(
        clerk=make_user(Role.CLERK, "scjg", username="w-scjg-clerk"),
        reviewer=make_user(Role.REVIEWER, "scjg", username="w-scjg-reviewer"),
        zjj_clerk=make_user(Role.CLERK, "zjj", username="w-zjj-clerk"),
        zjj_reviewer=make_user(Role.REVIEWER, "zjj", username="w-zjj-reviewer"),
        matter=None,
        zjj_matter=None,
    )
    w.matter = matter_save(
        actor=w.clerk, name="企业公示信息抽查", legal_basis="《企业信息公示暂行条例》第十四条"
    )
    w.zjj_matter = matter_save(
        actor=w.zjj_clerk, name="工程质量监督抽查", legal_basis="《建设工程质量管理条例》第四十七条"
    )
    for i in range(4):
        inspector_save(actor=w.clerk, name=f"市监员{i}", certificate_number=f"4113230300{i:02d}")
    for i in range(3):
        inspector_save(actor=w.zjj_clerk, name=f"住建员{i}", certificate_number=f"4113230200{i:02d}")
    plan = {"A+": ["commendation"] * 2, "B": ["warning"] * 6, "C": ["general"] * 3, "D": ["serious"] * 2}
    subjects = []
    n = 0
    for kinds in plan.values():
        for kind in kinds:
            n += 1
            firm = make_company(f"抽查测试企业{n}有限公司")
            effective_record(
                fgw_clerk, fgw_reviewer, firm, **(_record(kind) | {"document_number": f"西发改〔2026〕{n}号"})
            )
            subjects.append(firm)
    w.person = make_person("李四", make_resident_id("19790305"))
    effective_record(
        fgw_clerk, fgw_reviewer, w.person, kind="警告", sanctions=[], document_number="西发改〔2026〕99号"
    )
    subjects.append(w.person)
    regrade_subjects(subject_ids=[s.pk for s in subjects])
    for g in GradeInForce.objects.filter(scheme__code="public", subject__in=subjects).select_related(
        "subject"
    ):
        w.by_grade.setdefault(g.grade, []).append(g.subject)
    return w


def announced_plan(world, *, actor=None, ratios=None, partners=(), matter=None, seed=None, **extra):
    actor = actor or world.clerk
    plan = plan_create(
        actor=actor,
        title=extra.pop("title", "2026年企业公示信息双随机抽查"),
        matters=[matter or world.matter],
        year=YEAR,
        period_start=datetime.date(YEAR, 1, 1),
        period_end=datetime.date(YEAR, 12, 31),
        ratios=ratios,
        partners=partners,
        **extra,
    )
    return plan_announce(actor=actor, plan=plan, seed=seed)


__all__ = ["World", "announced_plan", "RecordInput", "SubjectKind", "penalty_input"]
