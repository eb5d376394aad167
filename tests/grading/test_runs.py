import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from audit.models import AuditLog
from grading.models import (
    EvaluationRun,
    Grade,
    GradeInForce,
    RunChunk,
    RunStatus,
    Scheme,
    SchemeVersion,
    VersionStatus,
)
from grading.runs import chunk_process, grade_adjust, run_distribution, run_publish, run_start
from grading.services import regrade_all
from tests.factories import make_company

from .test_services import AS_OF, effective

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(clerk, reviewer):
    firms = [make_company() for _ in range(12)]
    effective(clerk, reviewer, firms[0], decision_date=datetime.date(2026, 6, 1))
    effective(clerk, reviewer, firms[1], kind="警告", sanctions=[], decision_date=datetime.date(2026, 6, 1))
    return firms


def test_yearly_run_grades_everyone_once_and_agrees_with_the_dynamic_grades(county):
    out = io.StringIO()
    call_command("yearly_run", as_of=AS_OF.isoformat(), stdout=out)
    published = SchemeVersion.objects.get(scheme__code="public", status=VersionStatus.PUBLISHED).number
    assert f"public v{published} as of 2026-12-15: completed, 12/12 subjects graded" in out.getvalue()
    regrade_all(as_of=AS_OF)
    for code in ("public", "abc"):
        run = EvaluationRun.objects.get(scheme__code=code, as_of=AS_OF)
        yearly = dict(run.grades.values_list("subject_id", "grade"))
        dynamic = dict(
            Grade.objects.filter(scheme__code=code, is_current=True).values_list("subject_id", "grade")
        )
        assert yearly == dynamic and len(yearly) == 12
    # Twice: no second run, no second grades.
    out = io.StringIO()
    call_command("yearly_run", as_of=AS_OF.isoformat(), stdout=out)
    assert "resumed" in out.getvalue()
    assert EvaluationRun.objects.count() == 2 and Grade.objects.filter(run__isnull=False).count() == 24


def test_a_chunk_done_twice_grades_nobody_twice(county):
    run, created = run_start(scheme=Scheme.objects.get(code="public"), as_of=AS_OF, chunk_subjects=5)
    assert created and run.chunks_total == 3
    first = run.chunks.first()
    assert chunk_process(chunk_id=first.pk) == "graded"
    # The worker died after writing but before the message was acknowledged: the chunk comes back.
    RunChunk.objects.filter(pk=first.pk).update(status=RunChunk.Status.PENDING)
    assert chunk_process(chunk_id=first.pk) == "graded"
    assert chunk_process(chunk_id=first.pk) == "done already"
    for chunk in run.chunks.exclude(pk=first.pk):
        chunk_process(chunk_id=chunk.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED and run.subjects_graded == 12 == run.grades.count()


def test_review_adjust_and_publish(county, credit_office_user, clerk):
    call_command("yearly_run", as_of=AS_OF.isoformat(), scheme="public", stdout=io.StringIO())
    run = EvaluationRun.objects.get(scheme__code="public")
    distribution = {g: n for g, n, _before in run_distribution(run=run)}
    assert distribution["A"] == 10 and sum(distribution.values()) == 12
    grade = run.grades.get(subject=county[1])
    with pytest.raises(PermissionDenied):
        grade_adjust(actor=clerk, grade=grade, new_grade="A", reason="x")
    with pytest.raises(ValidationError):
        grade_adjust(actor=credit_office_user, grade=grade, new_grade="A", reason=" ")
    with pytest.raises(ValidationError):
        grade_adjust(actor=credit_office_user, grade=grade, new_grade="E", reason="x")
    grade = grade_adjust(actor=credit_office_user, grade=grade, new_grade="A", reason="已整改到位，复核调整")
    assert grade.reasons[-1]["reason"] == "已整改到位，复核调整"
    assert AuditLog.objects.get(action="grade.adjust").reason == "已整改到位，复核调整"
    run_publish(actor=credit_office_user, run=run)
    assert run.grades.filter(published=True).count() == 12
    # After publication an adjustment corrects the grade in force at once (SPEC §3.5).
    grade_adjust(actor=credit_office_user, grade=grade, new_grade="B", reason="after publication")
    in_force = GradeInForce.objects.get(subject=county[1], scheme=run.scheme)
    assert (in_force.grade, in_force.basis, in_force.reason) == ("B", "corrected", "after publication")
    # The next year's run, once published, takes over as the official grades.
    call_command("yearly_run", as_of="2027-12-15", scheme="public", publish=True, stdout=io.StringIO())
    assert not run.grades.filter(published=True).exists()
    assert Grade.objects.filter(published=True, as_of="2027-12-15").count() == 12


def test_yearly_run_refuses_bad_arguments():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("yearly_run", as_of="15/12/2026")
    with pytest.raises(CommandError, match="unknown scheme"):
        call_command("yearly_run", as_of="2026-12-15", scheme="nope")
