"""The dynamic regrade of a few subjects (grading/services.py ``_regrade_few``: rows read once for every
scheme, the window applied in Python) stores exactly the grades the engine computes over the streamed
counting records (``grades_compute``), for random records and random windows, scopes and inputs — on
SQLite and on PostgreSQL."""

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Department
from grading.models import Grade, Scheme, SchemeVersion
from grading.population import TOOK_EFFECT, Population
from grading.services import grades_compute, grading_targets, regrade_subjects, version_published
from grading.window import UNCOUNTED_KINDS
from records.models import CreditRecord, RecordKind
from tests.factories import make_company

from .conftest import AS_OF, record, records_create

pytestmark = pytest.mark.django_db

window = st.fixed_dictionaries(
    {
        "window_days": st.sampled_from([365, 30, 1]),
        "count_statuses": st.sampled_from([None, ["effective"], ["effective", "expired", "repaired"]]),
        "in_force_kinds": st.sampled_from([None, [], ["red_list"], ["warning", "joint_punishment_list"]]),
        # None: licences uncounted (the default); [] counts them; a named kind stays counted.
        "uncounted_kinds": st.sampled_from([None, [], ["complaint", "administrative_licence"], ["warning"]]),
    }
)
department_scheme = st.fixed_dictionaries(
    {
        "window": window,
        "record_scope": st.sampled_from(["all", "own", "kinds"]),
        "scope_kinds": st.sampled_from([[], ["warning"], ["serious_dishonesty", "joint_punishment_list"]]),
        "county_grade_as_input": st.booleans(),
    }
)


@pytest.fixture
def seeded(db):
    """The seeded rules, read once before the examples change the published versions."""
    return {
        code: copy.deepcopy(version_published(scheme=Scheme.objects.get(code=code)).rules)
        for code in ("public", "abc")
    }


def _publish_variant(version: SchemeVersion, original: dict, window: dict, **fields) -> None:
    """The published version changed in place (both paths read it from the database)."""
    rules = copy.deepcopy(original)
    for key in ("count_statuses", "in_force_kinds", "uncounted_kinds"):
        if window[key] is not None:
            rules[key] = window[key]
    SchemeVersion.objects.filter(pk=version.pk).update(
        window_days=window["window_days"], rules=rules, **fields
    )


def _engine(ids):
    """Per (scheme, department) that grades these subjects, the engine's grades."""
    expected = {}
    for scheme, department in grading_targets():
        version = version_published(scheme=scheme, department=department)
        population = Population.of(version=version, department=department)  # a department's own (§3.6)
        for sid, o in grades_compute(
            version=version, department=department, as_of=AS_OF, subject_ids=ids, population=population
        ):
            score = None if o.score is None else round(o.score, 2)
            expected[(scheme.code, getattr(department, "code", None), sid)] = (o.grade, score, o.reasons)
    return expected


def _stored(ids):
    return {
        (g.scheme.code, getattr(g.department, "code", None), g.subject_id): (g.grade, g.score, g.reasons)
        for g in Grade.objects.filter(subject_id__in=ids, is_current=True).select_related(
            "scheme", "department"
        )
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    subjects=st.lists(st.lists(record, max_size=6), min_size=1, max_size=3),
    later=st.lists(record, max_size=4),
    county=window,
    department=department_scheme,
)
def test_the_few_subjects_regrade_stores_what_the_engine_computes(
    seeded, subjects, later, county, department
):
    kinds = {k.code: k for k in RecordKind.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=["fgw", "zjj"])}
    public = version_published(scheme=Scheme.objects.get(code="public"))
    abc = version_published(scheme=Scheme.objects.get(code="abc"))
    abc_rules = copy.deepcopy(seeded["abc"])
    if department["county_grade_as_input"]:  # 000 Art. 8
        abc_rules["input_scheme"] = "public"
        abc_rules["conditions"].insert(0, {"grade": "C", "label": "县级评价D级", "input_grades": ["D", "D-"]})
    _publish_variant(public, seeded["public"], county)
    _publish_variant(
        abc,
        abc_rules,
        department["window"],
        record_scope=department["record_scope"],
        scope_kinds=department["scope_kinds"],
    )

    firms = [make_company() for _rows in subjects]
    for firm, rows in zip(firms, subjects, strict=True):
        records_create(firm, rows, kinds, departments)
    ids = [firm.pk for firm in firms]
    regrade_subjects(subject_ids=ids, as_of=AS_OF)
    expected = _engine(ids)
    # Each department grades its own subjects (SPEC §3.6): those with a record of it that took effect
    # — the housing bureau by its own version, which takes the county grade as input (000 Art. 8).
    own = set(
        CreditRecord.objects.filter(subject_id__in=ids, is_current=True, status__in=TOOK_EFFECT)
        .exclude(kind__code__in=UNCOUNTED_KINDS)  # a licence makes nobody a department's subject
        .values_list("department__code", "subject_id")
    )
    assert {(key[1], key[2]) for key in expected if key[0] == "abc"} == own
    assert {key[2] for key in expected if key[0] == "public"} == set(ids)
    assert _stored(ids) == expected

    # More records, and the regrade again: changed grades replaced, the others kept as they are.
    records_create(firms[-1], later, kinds, departments)
    before = dict(Grade.objects.filter(subject_id__in=ids, is_current=True).values_list("pk", "grade"))
    counts = regrade_subjects(subject_ids=ids, as_of=AS_OF)
    expected_again = _engine(ids)
    assert _stored(ids) == expected_again
    kept = Grade.objects.filter(pk__in=before, is_current=True).count()
    # Written: the grades replaced, and the first grades of subjects a department now has (SPEC §3.6).
    new = len(expected_again.keys() - expected.keys())
    assert sum(c["changed"] for c in counts.values()) == len(before) - kept + new
    assert (
        sum(expected.get(key) != value for key, value in expected_again.items()) == len(before) - kept + new
    )
