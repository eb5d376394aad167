"""The grade in force (SPEC §3.5): one value per subject, scheme and department, the same in every
reader — the staff subject page, the portal, the public page and API, ``measures --subject``, the
yearly summary and the platform's ``grade.changed`` items — whatever changed it: a record revoked (an
objection upheld, or its department), a credit repair approved, an adjustment after publication, a
correction by the credit office, a published yearly run. A person's correction survives the nightly
regrade while the facts are unchanged; a new fact recomputes it. Runs on SQLite and on PostgreSQL
(where the nightly goes through the compiled SQL writer)."""

import datetime
import io
import json
import re
from importlib import import_module

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import AuditLog
from exchange.models import OutboxItem, OutboxType
from grading.models import (
    EvaluationRun,
    Grade,
    GradeInForce,
    GradeInForceChange,
    InForceBasis,
    Scheme,
)
from grading.runs import grade_adjust
from grading.services import grade_in_force_correct, regrade_all, regrade_subjects
from objections.services import objection_file, objection_partly_uphold, objection_uphold
from records.services import record_revoke
from records.validation import SanctionInput
from repair.services import repair_accept, repair_apply, repair_approve
from reports.selectors import summary_build
from tests.factories import make_company, make_user
from tests.public.conftest import days_ago, effective_record
from tests.repair.conftest import commitment_proof

pytestmark = pytest.mark.django_db(transaction=False)

SERIOUS = [SanctionInput("吊销许可证件")]


@pytest.fixture
def firm(db):
    return make_company("西峡县生效等级测试建筑有限公司")


@pytest.fixture
def firm_user(firm):
    return make_user(Role.SUBJECT, None, username="inforce-firm", subject=firm)


def enter(clerk, reviewer, subject, capture, **overrides):
    """A record through four-eyes approval, with the regrade it starts after the commit."""
    with capture(execute=True):
        return effective_record(clerk, reviewer, subject, **overrides)


def publish(as_of: datetime.date | None = None) -> EvaluationRun:
    as_of = as_of or timezone.localdate()
    call_command("yearly_run", as_of=as_of.isoformat(), publish=True, stdout=io.StringIO())
    return EvaluationRun.objects.get(scheme__code="public", as_of=as_of)


def changed_items(subject) -> list[dict]:
    return [
        item.payload
        for item in OutboxItem.objects.filter(type=OutboxType.GRADE_CHANGED).order_by("id")
        if item.payload["subject_code"] == subject.code
    ]


def _grade_cell(html: str, scheme: str) -> str:
    row = re.search(rf'<tr class="grade-row" data-scheme="{scheme}">(.*?)</tr>', html, re.S)
    return re.search(r'<strong class="grade">(.*?)</strong>', row.group(1)).group(1)


def readers(client, staff, subject_user, subject, *, scheme: str = "public") -> dict[str, str]:
    """What each reader says the subject's county grade is."""
    client.force_login(staff)
    staff_page = client.get(reverse("subjects:detail", args=[subject.pk])).content.decode()
    client.force_login(subject_user)
    portal = client.get(reverse("portal:home")).content.decode()
    client.logout()
    public_page = client.get(f"/public/subjects/{subject.code}/").content.decode()
    api = client.get(f"/api/public/subjects/{subject.code}/").json()
    out = io.StringIO()
    call_command("measures", subject=subject.code, stdout=out, stderr=io.StringIO())
    measures = {
        item["grade"]
        for line in out.getvalue().splitlines()
        if (item := json.loads(line))["scheme"] == scheme
    }
    [in_force] = GradeInForce.objects.filter(subject=subject, scheme__code=scheme)
    [api_grade] = [g for g in api["grades"] if g["scheme"] == scheme]
    assert api_grade["id"] == in_force.stands_on_id and api_grade["department"] is None
    return {
        "in force": in_force.grade,
        "staff page": _grade_cell(staff_page, scheme),
        "portal": _grade_cell(portal, scheme),
        "public page": _grade_cell(public_page, scheme),
        "public API": api_grade["grade"],
        "measures": measures.pop() if len(measures) == 1 else str(sorted(measures)),
    }


def summary_grade(run: EvaluationRun) -> str:
    """The county level the yearly summary counts the (only) subject under."""
    summary = summary_build(year=run.as_of.year)
    [section] = [s for s in summary.grade_sections if s.key == "public-county"]
    [level] = [level.grade for level in section.levels if level.now]
    return level


def assert_everywhere(client, staff, subject_user, subject, grade: str) -> None:
    seen = readers(client, staff, subject_user, subject)
    assert seen == dict.fromkeys(seen, grade), seen


# --- the paths that change it ---------------------------------------------------------------------


@pytest.mark.parametrize("published", [True, False], ids=["after publication", "no run"])
def test_a_revoked_record_puts_the_recomputed_grade_in_force_everywhere(
    client,
    clerk,
    reviewer,
    credit_office_user,
    firm,
    firm_user,
    published,
    django_capture_on_commit_callbacks,
):
    """The issue's case: a serious penalty, the run published (D); the record revoked (an objection
    upheld, or its department) — every reader shows A at once, and the platform gets one item per
    (subject, scheme, department) whose value changed."""
    record = enter(clerk, reviewer, firm, django_capture_on_commit_callbacks, sanctions=SERIOUS)
    run = publish() if published else None
    assert_everywhere(client, credit_office_user, firm_user, firm, "D")
    if run is not None:
        assert summary_grade(run) == "D"
        assert GradeInForce.objects.get(subject=firm, scheme__code="public").basis == InForceBasis.PUBLISHED
    assert changed_items(firm) == []  # the first grades, and the run saying the same: nothing changed
    with django_capture_on_commit_callbacks(execute=True):
        record_revoke(actor=reviewer, record=record, reason="异议成立，予以撤销")

    assert_everywhere(client, credit_office_user, firm_user, firm, "A")
    if run is not None:
        assert summary_grade(run) == "A"
    items = changed_items(firm)
    assert sorted((i["scheme"], i["department"], i["previous"], i["grade"]) for i in items) == [
        ("abc", "fgw", "C", "A"),
        ("public", None, "D", "A"),
    ]
    public = next(i for i in items if i["scheme"] == "public")
    assert public["basis"] == "computed" and public["as_of"] == timezone.localdate().isoformat()
    # The nightly regrade changes nothing more, and queues nothing.
    regrade_all()
    assert len(changed_items(firm)) == 2
    assert GradeInForceChange.objects.filter(subject=firm, scheme__code="public", previous="D").count() == 1


def test_an_approved_credit_repair_puts_the_recomputed_grade_in_force(
    client, clerk, reviewer, credit_office_user, firm, firm_user, django_capture_on_commit_callbacks
):
    record = enter(clerk, reviewer, firm, django_capture_on_commit_callbacks, decision_date=days_ago(200))
    run = publish()
    before = GradeInForce.objects.get(subject=firm, scheme__code="public").grade
    assert before.startswith("C")
    application = repair_apply(
        actor=firm_user, record=record, statement="已全额缴纳罚款并完成整改。", proofs=commitment_proof()
    )
    repair_accept(actor=reviewer, application=application)
    with django_capture_on_commit_callbacks(execute=True):
        repair_approve(actor=reviewer, application=application, reason="整改到位")
    assert_everywhere(client, credit_office_user, firm_user, firm, "A")
    assert summary_grade(run) == "A"
    [item] = [i for i in changed_items(firm) if i["scheme"] == "public"]
    assert (item["previous"], item["grade"], item["department"]) == (before, "A", None)


def test_an_adjustment_after_publication_is_in_force_until_the_facts_change(
    client, clerk, reviewer, credit_office_user, firm, firm_user, django_capture_on_commit_callbacks
):
    enter(clerk, reviewer, firm, django_capture_on_commit_callbacks, sanctions=SERIOUS)
    run = publish()
    grade = run.grades.get(subject=firm)
    with pytest.raises(ValidationError):
        grade_adjust(actor=credit_office_user, grade=grade, new_grade="C", reason=" ")
    grade_adjust(actor=credit_office_user, grade=grade, new_grade="C", reason="处罚已履行完毕，复核调整")

    assert_everywhere(client, credit_office_user, firm_user, firm, "C")
    assert summary_grade(run) == "C"
    in_force = GradeInForce.objects.get(subject=firm, scheme__code="public")
    assert (in_force.basis, in_force.decision_run, in_force.decided_by) == (
        InForceBasis.CORRECTED,
        run,
        credit_office_user,
    )
    # The subject and the credit office see the correction with its reason; the public only the value.
    client.force_login(credit_office_user)
    staff_page = client.get(reverse("subjects:detail", args=[firm.pk])).content.decode()
    client.force_login(firm_user)
    portal = client.get(reverse("portal:home")).content.decode()
    client.logout()
    public_page = client.get(f"/public/subjects/{firm.code}/").content.decode()
    for page in (staff_page, portal):
        assert "处罚已履行完毕，复核调整" in page and "更正" in page
        # The change is kept and shown with when, why and which decision; who decided, to the staff only.
        changes = re.findall(r'<tr class="grade-change" data-scheme="public">(.*?)</tr>', page, re.S)
        # Newest first; the first grade is kept too.
        assert "D → <strong>C</strong>" in changes[0] and "处罚已履行完毕，复核调整" in changes[0]
        assert "— → <strong>D</strong>" in changes[-1]
    assert credit_office_user.username in staff_page.split('id="grade-changes"')[1].split("</details>")[0]
    assert credit_office_user.username not in portal.split('id="grade-changes"')[1].split("</details>")[0]
    assert "处罚已履行完毕" not in public_page and "grade-change" not in public_page
    [item] = changed_items(firm)
    assert (item["previous"], item["grade"], item["basis"]) == ("D", "C", "corrected")
    assert item["reason"] == "处罚已履行完毕，复核调整" and item["department"] is None

    # The nightly regrade: the facts are unchanged, the correction stays.
    regrade_all()
    regrade_all(as_of=timezone.localdate() + datetime.timedelta(days=1))
    assert GradeInForce.objects.get(subject=firm, scheme__code="public").grade == "C"
    assert len(changed_items(firm)) == 1
    # A new fact: the grade is recomputed from the facts.
    enter(
        clerk,
        reviewer,
        firm,
        django_capture_on_commit_callbacks,
        sanctions=SERIOUS,
        document_number="西发改罚〔2026〕99号",
    )
    in_force = GradeInForce.objects.get(subject=firm, scheme__code="public")
    assert in_force.basis == InForceBasis.COMPUTED and in_force.grade.startswith("D")
    assert_everywhere(client, credit_office_user, firm_user, firm, in_force.grade)
    assert [i["grade"] for i in changed_items(firm) if i["scheme"] == "public"] == ["C", in_force.grade]


def test_a_published_run_puts_its_reviewed_grade_in_force_with_its_reason(
    client, clerk, reviewer, credit_office_user, firm, firm_user, django_capture_on_commit_callbacks
):
    enter(clerk, reviewer, firm, django_capture_on_commit_callbacks, sanctions=SERIOUS)
    today = timezone.localdate().isoformat()
    call_command("yearly_run", as_of=today, scheme="public", stdout=io.StringIO())
    run = EvaluationRun.objects.get(scheme__code="public")
    grade_adjust(
        actor=credit_office_user, grade=run.grades.get(subject=firm), new_grade="C", reason="复核调整"
    )
    assert (
        GradeInForce.objects.get(subject=firm, scheme__code="public").grade == "D"
    )  # not before publication
    call_command("yearly_run", as_of=today, scheme="public", publish=True, stdout=io.StringIO())

    assert_everywhere(client, credit_office_user, firm_user, firm, "C")
    assert summary_grade(run) == "C"
    in_force = GradeInForce.objects.get(subject=firm, scheme__code="public")
    assert (in_force.basis, in_force.reason, in_force.stands_on.run) == (
        InForceBasis.PUBLISHED,
        "复核调整",
        run,
    )
    client.force_login(credit_office_user)
    assert "复核调整" in client.get(reverse("subjects:detail", args=[firm.pk])).content.decode()
    [item] = changed_items(firm)
    assert (item["previous"], item["grade"], item["basis"]) == ("D", "C", "published")
    regrade_all()
    assert GradeInForce.objects.get(subject=firm, scheme__code="public").grade == "C"


def test_a_subject_whose_facts_changed_after_the_run_keeps_the_newer_grade(
    clerk, reviewer, firm, django_capture_on_commit_callbacks
):
    quiet = make_company("西峡县生效等级对照有限公司")
    enter(clerk, reviewer, quiet, django_capture_on_commit_callbacks, sanctions=SERIOUS)
    call_command("yearly_run", as_of=timezone.localdate().isoformat(), scheme="public", stdout=io.StringIO())
    run = EvaluationRun.objects.get(scheme__code="public")
    # After the run graded it, the firm gets a serious penalty: the run says A, the facts say D.
    enter(clerk, reviewer, firm, django_capture_on_commit_callbacks, sanctions=SERIOUS)
    assert run.grades.get(subject=firm).grade == "A"
    call_command(
        "yearly_run",
        as_of=timezone.localdate().isoformat(),
        scheme="public",
        publish=True,
        stdout=io.StringIO(),
    )
    assert GradeInForce.objects.get(subject=firm, scheme__code="public").grade == "D"
    assert GradeInForce.objects.get(subject=firm, scheme__code="public").basis == InForceBasis.COMPUTED
    assert GradeInForce.objects.get(subject=quiet, scheme__code="public").basis == InForceBasis.PUBLISHED


# --- the correction service -----------------------------------------------------------------------


def test_a_correction_is_checked_audited_kept_and_told_once(
    clerk, reviewer, credit_office_user, firm, django_capture_on_commit_callbacks
):
    enter(clerk, reviewer, firm, django_capture_on_commit_callbacks, sanctions=SERIOUS)
    public = Scheme.objects.get(code="public")
    abc = Scheme.objects.get(code="abc")
    with pytest.raises(PermissionDenied):
        grade_in_force_correct(
            actor=reviewer, subject=firm, scheme=public, grade="B", reason="x", decision="objection 1"
        )
    with pytest.raises(ValidationError) as bad:
        grade_in_force_correct(
            actor=credit_office_user,
            subject=firm,
            scheme=public,
            grade="E",
            reason="x",
            decision="objection 1",
        )
    assert "请选择" in " ".join(bad.value.messages) or "A+" in " ".join(bad.value.messages)
    with pytest.raises(ValidationError):
        grade_in_force_correct(
            actor=credit_office_user,
            subject=firm,
            scheme=public,
            grade="B",
            reason=" ",
            decision="objection 1",
        )
    with pytest.raises(ValidationError):  # A/B/C scheme: no "B+"
        grade_in_force_correct(
            actor=credit_office_user, subject=firm, scheme=abc, grade="B+", reason="x", decision="objection 1"
        )
    assert changed_items(firm) == [] and not AuditLog.objects.filter(action="grade.correct").exists()

    corrected = grade_in_force_correct(
        actor=credit_office_user,
        subject=firm,
        scheme=abc,
        grade="B",
        reason="异议成立，重新评价",
        decision="objection 12",
    )
    assert (corrected.grade, corrected.department.code, corrected.decision) == ("B", "fgw", "objection 12")
    assert AuditLog.objects.get(action="grade.correct").reason == "异议成立，重新评价"
    [item] = changed_items(firm)
    assert (item["scheme"], item["department"], item["previous"], item["grade"]) == ("abc", "fgw", "C", "B")
    # The same value again is kept in the history but not told twice.
    grade_in_force_correct(
        actor=None, subject=firm, scheme=abc, grade="B", reason="复核维持", decision="objection 12"
    )
    assert len(changed_items(firm)) == 1
    assert GradeInForceChange.objects.filter(subject=firm, basis=InForceBasis.CORRECTED).count() == 2
    regrade_all()
    assert GradeInForce.objects.get(subject=firm, scheme=abc).grade == "B"
    out = io.StringIO()
    call_command("measures", subject=firm.code, stdout=out, stderr=io.StringIO())
    abc_grades = {
        json.loads(line)["grade"] for line in out.getvalue().splitlines() if '"scheme": "abc"' in line
    }
    assert abc_grades == {"B"}


def test_a_subject_with_no_grade_cannot_be_corrected(credit_office_user, firm):
    with pytest.raises(ValidationError, match="尚无信用等级"):
        grade_in_force_correct(
            actor=credit_office_user,
            subject=firm,
            scheme=Scheme.objects.get(code="public"),
            grade="B",
            reason="x",
            decision="objection 1",
        )


def test_the_migration_fills_the_grades_in_force_without_queueing(
    clerk, reviewer, firm, django_capture_on_commit_callbacks
):
    """Existing grades: the published one where a run is published, else the current one."""
    migration = import_module("grading.migrations.0006_grade_in_force")  # its name starts with a digit
    enter(clerk, reviewer, firm, django_capture_on_commit_callbacks, sanctions=SERIOUS)
    run = publish()
    other = make_company("西峡县生效等级迁移有限公司")  # registered after the run: no published grade
    enter(
        clerk,
        reviewer,
        other,
        django_capture_on_commit_callbacks,
        sanctions=SERIOUS,
        document_number="迁移〔2026〕1号",
    )
    GradeInForceChange.objects.all().delete()
    GradeInForce.objects.all().delete()
    queued = OutboxItem.objects.count()
    migration.in_force_fill(None, connection.schema_editor())
    firm_public = GradeInForce.objects.get(subject=firm, scheme__code="public")
    assert (firm_public.basis, firm_public.stands_on) == (
        InForceBasis.PUBLISHED,
        run.grades.get(subject=firm),
    )
    other_public = GradeInForce.objects.get(subject=other, scheme__code="public")
    current = Grade.objects.get(subject=other, scheme__code="public", is_current=True)
    assert (other_public.basis, other_public.stands_on, other_public.grade) == (
        InForceBasis.COMPUTED,
        current,
        current.grade,
    )
    assert OutboxItem.objects.count() == queued and not GradeInForceChange.objects.exists()


def test_the_nightly_regrade_recomputes_a_correction_once_the_facts_change(
    clerk, reviewer, credit_office_user, firm, django_capture_on_commit_callbacks
):
    """The set-based nightly path (the compiled SQL writer on PostgreSQL): a correction stays while the
    facts are unchanged, and a fact entered without a dynamic regrade recomputes it that night."""
    enter(clerk, reviewer, firm, django_capture_on_commit_callbacks, sanctions=SERIOUS)
    public = Scheme.objects.get(code="public")
    grade_in_force_correct(
        actor=credit_office_user,
        subject=firm,
        scheme=public,
        grade="B",
        reason="异议成立",
        decision="objection 3",
    )
    assert regrade_all()["public:"]["changed"] == 0
    assert GradeInForce.objects.get(subject=firm, scheme=public).grade == "B"
    effective_record(clerk, reviewer, firm, sanctions=SERIOUS, document_number="西发改罚〔2026〕77号")
    assert GradeInForce.objects.get(subject=firm, scheme=public).grade == "B"  # no regrade yet
    assert regrade_all()["public:"]["changed"] == 1
    in_force = GradeInForce.objects.get(subject=firm, scheme=public)
    assert in_force.basis == InForceBasis.COMPUTED and in_force.grade.startswith("D")
    current = Grade.objects.get(subject=firm, scheme=public, is_current=True)
    assert in_force.stands_on == current
    items = [i for i in changed_items(firm) if i["scheme"] == "public"]
    assert [(i["previous"], i["grade"], i["basis"]) for i in items] == [
        ("D", "B", "corrected"),
        ("B", in_force.grade, "computed"),
    ]
    # Nothing changed since: the next night queues nothing.
    regrade_all()
    assert len([i for i in changed_items(firm) if i["scheme"] == "public"]) == 2


def test_a_grade_objection_upheld_through_the_api_sets_the_grade_in_force_everywhere(
    client, clerk, reviewer, credit_office_user, firm, firm_user, django_capture_on_commit_callbacks
):
    """SPEC §5, §7: the subject objects to the grade the public API shows (by its ``id``), the credit
    office upholds it with the corrected grade: that grade is in force in every reader at once, the
    platform hears of it once, and the nightly regrade keeps it while the facts are unchanged."""

    enter(clerk, reviewer, firm, django_capture_on_commit_callbacks, sanctions=SERIOUS)
    publish()
    before = readers(client, credit_office_user, firm_user, firm)["in force"]
    [shown] = [
        g
        for g in client.get(f"/api/public/subjects/{firm.code}/").json()["grades"]
        if g["scheme"] == "public"
    ]

    api = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    api.force_login(firm_user)
    filed = api.post(
        "/api/objections/", {"grade": shown["id"], "reason": "处罚已撤销，评价应调整。"}, format="json"
    )
    assert filed.status_code == 201, filed.json()
    api.force_login(credit_office_user)
    decided = api.post(
        f"/api/objections/{filed.json()['id']}/decide/",
        {"outcome": "upheld", "reason": "经复核，评价调整为B。", "corrected_grade": "B"},
        format="json",
    )
    assert decided.status_code == 200, decided.json()

    assert_everywhere(client, credit_office_user, firm_user, firm, "B")
    in_force = GradeInForce.objects.get(subject=firm, scheme__code="public")
    assert in_force.basis == InForceBasis.CORRECTED and in_force.decided_by == credit_office_user
    [item] = [i for i in changed_items(firm) if i["scheme"] == "public"]
    assert (item["previous"], item["grade"], item["basis"]) == (before, "B", "corrected")
    regrade_all()
    assert GradeInForce.objects.get(subject=firm, scheme__code="public").grade == "B"
    assert len([i for i in changed_items(firm) if i["scheme"] == "public"]) == 1


def test_a_record_objection_upheld_revokes_and_puts_the_recomputed_grade_in_force(
    client, clerk, reviewer, credit_office_user, firm, firm_user, django_capture_on_commit_callbacks
):
    """The issue's first path end to end: a serious penalty, the yearly run published (D); the subject
    objects to the whole record, the department upholds it: the record is revoked and every reader
    shows the recomputed grade, told to the platform once."""
    record = enter(clerk, reviewer, firm, django_capture_on_commit_callbacks, sanctions=SERIOUS)
    publish()
    assert_everywhere(client, credit_office_user, firm_user, firm, "D")
    with django_capture_on_commit_callbacks(execute=True):
        objection = objection_file(actor=firm_user, reasons="该处罚已被复议撤销。", record=record)
    with django_capture_on_commit_callbacks(execute=True):
        objection_uphold(actor=reviewer, objection=objection, reason="经核实，处罚决定已撤销。")

    in_force = GradeInForce.objects.get(subject=firm, scheme__code="public")
    assert in_force.basis == InForceBasis.COMPUTED and in_force.grade not in {"D", "D-"}
    assert_everywhere(client, credit_office_user, firm_user, firm, in_force.grade)
    [item] = [i for i in changed_items(firm) if i["scheme"] == "public"]
    assert (item["previous"], item["grade"]) == ("D", in_force.grade)


def test_a_field_objection_partly_upheld_corrects_the_field_and_the_grade_in_force(
    client, clerk, reviewer, credit_office_user, firm, firm_user, django_capture_on_commit_callbacks
):
    """A field objection (the severity) partly upheld: the handler's value is written through the
    record correction service (a new version, the old kept) and the grade in force follows it."""
    record = enter(clerk, reviewer, firm, django_capture_on_commit_callbacks, sanctions=SERIOUS)
    publish()
    with django_capture_on_commit_callbacks(execute=True):
        objection = objection_file(
            actor=firm_user,
            reasons="情节轻微，应为轻微失信。",
            record=record,
            field="severity",
            claimed_value="轻微",
        )
    with django_capture_on_commit_callbacks(execute=True):
        objection_partly_uphold(
            actor=reviewer, objection=objection, reason="情节一般，部分成立。", corrected_value="一般"
        )

    record.refresh_from_db()
    objection.refresh_from_db()
    assert not record.is_current and objection.correction.severity == "general"
    in_force = GradeInForce.objects.get(subject=firm, scheme__code="public")
    assert in_force.basis == InForceBasis.COMPUTED and in_force.grade not in {"D", "D-"}
    assert_everywhere(client, credit_office_user, firm_user, firm, in_force.grade)
    [item] = [i for i in changed_items(firm) if i["scheme"] == "public"]
    assert (item["previous"], item["grade"]) == ("D", in_force.grade)


def test_a_department_scheme_reads_the_county_grade_in_force(credit_office_user, firm):
    """000 Art. 8, SPEC §3.6: the housing bureau's shipped version takes the county grade as input and
    reads the county grade in force, so it follows a person's correction of it — on the dynamic
    regrade (the few subjects' path) and on the nightly one (the engine on SQLite, the compiled SQL
    on PostgreSQL)."""
    public, abc = Scheme.objects.get(code="public"), Scheme.objects.get(code="abc")
    zjj_clerk, zjj_reviewer = make_user(Role.CLERK, "zjj"), make_user(Role.REVIEWER, "zjj")
    effective_record(zjj_clerk, zjj_reviewer, firm, kind="警告", sanctions=[])  # the bureau's subject
    own = "B"  # its own warning: B, and the county's B → B

    def department_grade() -> str:
        current = Grade.objects.get(subject=firm, scheme=abc, department__code="zjj", is_current=True).grade
        in_force = GradeInForce.objects.get(subject=firm, scheme=abc, department__code="zjj").grade
        assert current == in_force
        return current

    regrade_subjects(subject_ids=[firm.pk])
    county = GradeInForce.objects.get(subject=firm, scheme=public, department__isnull=True).grade
    assert county == "B" and department_grade() == own
    # Not the development & reform bureau's subject: no grade of it.
    assert not Grade.objects.filter(subject=firm, scheme=abc, department__code="fgw").exists()

    def correct(grade: str) -> None:
        grade_in_force_correct(
            actor=credit_office_user,
            subject=firm,
            scheme=public,
            grade=grade,
            reason="复核",
            decision="objection 5",
        )

    correct("D")
    regrade_subjects(subject_ids=[firm.pk])  # the county's current grade is unchanged: the correction stands
    assert GradeInForce.objects.get(subject=firm, scheme=public).grade == "D"
    assert department_grade() == "C"
    correct(county)
    regrade_all()
    assert department_grade() == own
    correct("D-")
    regrade_all()
    assert department_grade() == "C"
    correct(county)
    regrade_subjects(subject_ids=[firm.pk])
    assert department_grade() == own
