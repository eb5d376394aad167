"""An administrative licence is neutral information: it changes no grade — not a score, not a reason,
not a subject's "no records at all" — unless a scheme version names its kind (grading/window.py)."""

import copy

import pytest
from django.utils import timezone

from accounts.models import Department
from grading.models import Grade, SchemeVersion, VersionStatus
from grading.services import grades_compute, regrade_subjects
from records.services import record_approve, record_create, record_submit
from tests.factories import make_company
from tests.records.conftest import days, licence, penalty_input

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _licence(clerk, reviewer, subject, number):
    return licence(clerk, reviewer, subject, number, decided=-20, valid_to=days(300))


def _grades(ids):
    return {
        (g.scheme.code, g.department_id, g.subject_id): (g.pk, g.grade, g.score, g.reasons)
        for g in Grade.objects.filter(subject_id__in=ids, is_current=True).select_related("scheme")
    }


def test_licences_change_no_grade(clerk, reviewer, django_capture_on_commit_callbacks):
    bare, fined = make_company(), make_company()
    penalty = record_create(actor=clerk, subject=fined, data=penalty_input(decision_date=TODAY))
    record_submit(actor=clerk, record=penalty)
    record_approve(actor=reviewer, record=penalty)
    ids = [bare.pk, fined.pk]
    regrade_subjects(subject_ids=ids)
    before = _grades(ids)
    # The county grades both; fgw grades the fined firm, its subject (SPEC §3.6) — a licence makes
    # nobody a department's subject, or it would change a grade.
    assert len(before) == 3
    with django_capture_on_commit_callbacks(execute=True):
        for n, subject in enumerate([bare, fined, bare]):
            _licence(clerk, reviewer, subject, f"西发改许〔2026〕{n}号")
    regrade_subjects(subject_ids=ids)
    # The same current grade rows: nothing was even written again.
    assert _grades(ids) == before


def test_the_no_records_default_and_a_version_that_names_licences(clerk, reviewer):
    firm = make_company()
    _licence(clerk, reviewer, firm, "西发改许〔2026〕9号")
    fgw = Department.objects.get(code="fgw")
    abc = SchemeVersion.objects.select_related("scheme").get(
        scheme__code="abc", department__code="fgw", status=VersionStatus.PUBLISHED
    )
    [(_id, outcome)] = grades_compute(version=abc, department=fgw, as_of=TODAY, subject_ids=[firm.pk])
    # Still "no records" for grading: the label of a subject without any record.
    assert outcome.grade == "A" and outcome.reasons[0]["rule"] == abc.rules["no_record_label"]
    not_graded = copy.copy(abc)
    not_graded.rules = copy.deepcopy(abc.rules) | {"no_record_grade": "", "no_record_label": ""}
    [(_id, outcome)] = grades_compute(version=not_graded, department=fgw, as_of=TODAY, subject_ids=[firm.pk])
    assert outcome.grade == ""
    # A version whose rules name the kind weighs it.
    public = SchemeVersion.objects.select_related("scheme").get(
        scheme__code="public", status=VersionStatus.PUBLISHED
    )
    [(_id, plain)] = grades_compute(version=public, department=None, as_of=TODAY, subject_ids=[firm.pk])
    naming = copy.copy(public)
    naming.rules = copy.deepcopy(public.rules)
    naming.rules["items"].append({"label": "取得行政许可", "kinds": ["administrative_licence"], "points": 15})
    [(_id, weighed)] = grades_compute(version=naming, department=None, as_of=TODAY, subject_ids=[firm.pk])
    assert weighed.score == plain.score + 15 and weighed.grade == "A+"
