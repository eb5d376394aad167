"""The compiled PostgreSQL query gives the pure engine's grade, score and reasons, to the character,
for random records (the engine is the reference; grading/compiled.py)."""

import copy
import datetime
import importlib
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Department
from grading import services
from grading.compiled import digests_sql, outcomes_sql
from grading.models import (
    Grade,
    GradeInForce,
    GradeSource,
    InForceBasis,
    Scheme,
    SchemeVersion,
    VersionStatus,
)
from grading.population import Population
from grading.rules import LEVELS, MAX_FILTERS, parse_rules, validate_rules
from grading.services import grades_compute, grades_refresh, regrade_subjects, version_published
from records.models import CreditRecord, RecordKind
from tests.factories import make_company

from .conftest import AS_OF, record, records_create

art4 = importlib.import_module("grading.migrations.0010_art4_inputs")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the compiled query is PostgreSQL's"),
]


def _compiled(version, department, ids):
    sql, params = outcomes_sql(version=version, department=department, as_of=AS_OF, subject_ids=ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            sid: (grade, score, json.loads(reasons))
            for sid, grade, score, reasons, _digest in cursor.fetchall()
        }


def _engine(version, department, ids):
    return {
        sid: (o.grade, None if o.score is None else round(o.score, 2), o.reasons)
        for sid, o in grades_compute(version=version, department=department, as_of=AS_OF, subject_ids=ids)
    }


def _check(version, department, ids):
    compiled = _compiled(version, department, ids)
    engine = _engine(version, department, ids)
    assert compiled.keys() == engine.keys()
    for sid in ids:
        assert compiled[sid] == engine[sid], sid


def _variant(code: str, change) -> SchemeVersion:
    """The published version with its rules changed (not saved: both sides grade the same object)."""
    version = copy.copy(version_published(scheme=Scheme.objects.get(code=code)))
    version.rules = copy.deepcopy(version.rules)
    change(version.rules)
    return version


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subjects=st.lists(st.lists(record, max_size=7), min_size=1, max_size=4))
def test_compiled_query_agrees_with_the_engine(subjects):
    kinds = {k.code: k for k in RecordKind.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=["fgw", "zjj"])}
    ids = []
    for rows in subjects:
        firm = make_company()
        records_create(firm, rows, kinds, departments)
        ids.append(firm.pk)
    public = SchemeVersion.objects.select_related("scheme").get(
        scheme__code="public", status=VersionStatus.PUBLISHED
    )
    abc = SchemeVersion.objects.select_related("scheme").get(
        scheme__code="abc", department__code="fgw", status=VersionStatus.PUBLISHED
    )
    _check(public, None, ids)
    _check(abc, departments["fgw"], ids)
    _check(abc, departments["zjj"], ids)
    # The housing bureau's own version: the county grade in force as input (000 Art. 8, SPEC §3.6).
    grades_refresh(scheme=public.scheme, as_of=AS_OF, source=GradeSource.NIGHTLY)
    zjj = SchemeVersion.objects.select_related("scheme").get(
        scheme__code="abc", department__code="zjj", status=VersionStatus.PUBLISHED
    )
    _check(zjj, departments["zjj"], ids)

    # Variants the defaults do not use: no cap, a polarity and external-grade match, a band with one
    # severity, an own-records scope, no default labels, licences counted (named by a rule; or no kind
    # left uncounted).
    def public_variant(rules):
        rules["items"][0].pop("max_points")
        rules["items"].append({"label": "外部评价", "external_grades": ["C"], "points": 7})
        rules["items"].append({"label": "行政许可", "kinds": ["administrative_licence"], "points": 3})
        rules["classes"].insert(0, {"label": "仅一般", "severities": ["general"], "best": "B", "worst": "C"})

    _check(_variant("public", public_variant), None, ids)

    def abc_variant(rules):
        rules["no_record_grade"] = ""
        rules.pop("no_record_label")
        rules["uncounted_kinds"] = []
        rules["conditions"].insert(0, {"grade": "C", "label": "正面评价", "polarity": "positive", "min": 2})

    version = _variant("abc", abc_variant)
    version.record_scope = "own"
    _check(version, departments["zjj"], ids)


def test_county_grade_as_input(clerk):
    """000 Art. 8: a condition on the county grade fires from the subject's county grade in force."""
    firm, other = make_company(), make_company()
    public = Scheme.objects.get(code="public")
    public_version = version_published(scheme=public)
    county = Grade.objects.create(
        subject=firm,
        scheme=public,
        version=public_version,
        as_of=AS_OF,
        grade="D",
        source=GradeSource.COMMAND,
    )
    GradeInForce.objects.create(
        subject=firm,
        scheme=public,
        stands_on=county,
        grade="D",
        as_of=AS_OF,
        basis=InForceBasis.COMPUTED,
        since=timezone.now(),
    )

    def housing(rules):
        rules["input_scheme"] = "public"
        rules["conditions"].insert(0, {"grade": "C", "label": "县级评价D级", "input_grades": ["D", "D-"]})

    version = _variant("abc", housing)
    _check(version, Department.objects.get(code="zjj"), [firm.pk, other.pk])
    assert _compiled(version, Department.objects.get(code="zjj"), [firm.pk])[firm.pk][0] == "C"


def _county_grade_in_force(subject, grade: str) -> None:
    """``grade`` as the subject's county grade in force (what a department scheme reads, SPEC §3.6)."""
    public = Scheme.objects.get(code="public")
    county = Grade.objects.create(
        subject=subject,
        scheme=public,
        version=public.versions.get(status=VersionStatus.PUBLISHED),
        as_of=AS_OF,
        grade=grade,
        source=GradeSource.COMMAND,
    )
    GradeInForce.objects.create(
        subject=subject,
        scheme=public,
        stands_on=county,
        grade=grade,
        as_of=AS_OF,
        basis=InForceBasis.COMPUTED,
        since=timezone.now(),
    )


# A county-grade condition (000 Art. 8) placed anywhere among the record conditions.
input_condition = st.fixed_dictionaries(
    {
        "grade": st.sampled_from(["A", "B", "C"]),
        "input_grades": st.lists(st.sampled_from(LEVELS), min_size=1, max_size=3, unique=True),
        "at": st.integers(min_value=0, max_value=60),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    subjects=st.lists(
        st.tuples(st.lists(record, max_size=6), st.sampled_from([None, ""] + LEVELS)), min_size=1, max_size=4
    ),
    inputs=st.lists(input_condition, min_size=1, max_size=4),
    housing=st.booleans(),
)
def test_county_grade_conditions_mixed_with_record_conditions_agree(subjects, inputs, housing):
    """A department scheme with ``input_scheme`` and ``input_grades`` conditions mixed with the record
    conditions (the Art. 4 inputs, their external grades and the scope kinds among them): the compiled
    query gives the engine's grades and reasons, and the digest pass the full pass's digest. With
    ``housing``, the input conditions are those of a scheme like zjj's and the Art. 4 conditions were
    placed among them by the migration (grading 0007)."""
    kinds = {k.code: k for k in RecordKind.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=["fgw", "zjj"])}
    ids = []
    for rows, county in subjects:
        firm = make_company()
        records_create(firm, rows, kinds, departments)
        if county is not None:  # None: no county grade in force
            _county_grade_in_force(firm, county)
        ids.append(firm.pk)

    def mixed(rules):
        if housing:
            placed = art4.conditions_rules(
                {
                    "conditions": [
                        {"grade": "C", "label": "县级评价严重失信", "input_grades": ["D", "D-"]},
                        {"grade": "B", "label": "县级评价失信", "input_grades": ["B", "C", "C-"]},
                        {"grade": "A", "label": "县级评价诚信守法", "input_grades": ["A+", "A"]},
                    ]
                }
            )
            rules["conditions"] = placed["conditions"] + rules["conditions"]
        rules["input_scheme"] = "public"
        for n, condition in enumerate(inputs):
            conditions = rules["conditions"]
            conditions.insert(
                condition["at"] % (len(conditions) + 1),
                {
                    "grade": condition["grade"],
                    "label": f"县级评价{n}",
                    "input_grades": condition["input_grades"],
                },
            )

    version = _variant("abc", mixed)
    for department in (departments["fgw"], departments["zjj"]):
        _check(version, department, ids)
        sql, params = outcomes_sql(version=version, department=department, as_of=AS_OF, subject_ids=ids)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            full = {sid: digest for sid, _grade, _score, _reasons, digest in cursor.fetchall()}
        assert _digests(version, department, ids) == full


def _up_to_the_limit(kind: str, rules: dict, part: str, rule) -> None:
    """Rules added until the version uses the most different record filters validation allows."""
    n = 0
    while len(set(parse_rules(kind, rules).tallies())) < MAX_FILTERS:
        rules[part].append(rule(n))
        n += 1
    known = set(RecordKind.objects.values_list("code", flat=True))
    assert validate_rules(kind, rules, known_kinds=known) == []


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subjects=st.lists(st.lists(record, max_size=5), min_size=1, max_size=3))
def test_a_version_with_the_most_rule_filters_allowed_compiles(subjects):
    """What validation lets through, the compiled query grades: a version at the limit of rule filters
    gives the engine's grades (a version can never fail after it is published)."""
    kinds = {k.code: k for k in RecordKind.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=["fgw", "zjj"])}
    ids = []
    for rows in subjects:
        firm = make_company()
        records_create(firm, rows, kinds, departments)
        ids.append(firm.pk)

    def public(rules):  # the last ones match records graded "C" by another body
        _up_to_the_limit(
            "score",
            rules,
            "items",
            lambda n: {"label": f"评价{n}", "external_grades": [f"E{n}", "C"], "points": -n - 1},
        )

    def abc(rules):
        _up_to_the_limit(
            "conditions",
            rules,
            "conditions",
            lambda n: {"grade": "B", "label": f"评价{n}", "external_grades": [f"E{n}", "C"], "min": 2},
        )

    _check(_variant("public", public), None, ids)
    _check(_variant("abc", abc), departments["fgw"], ids)


def _digests(version, department, ids):
    sql, params = digests_sql(version=version, department=department, as_of=AS_OF, subject_ids=ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(subjects=st.lists(st.lists(record, max_size=6), min_size=1, max_size=3))
def test_the_digest_pass_gives_the_full_pass_digest(subjects):
    kinds = {k.code: k for k in RecordKind.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=["fgw", "zjj"])}
    ids = []
    for rows in subjects:
        firm = make_company()
        records_create(firm, rows, kinds, departments)
        ids.append(firm.pk)
    for code, department in (("public", None), ("abc", departments["fgw"]), ("abc", departments["zjj"])):
        # Each department's own version (zjj's takes the county grade in force as input, SPEC §3.6).
        version = version_published(scheme=Scheme.objects.get(code=code), department=department)
        sql, params = outcomes_sql(version=version, department=department, as_of=AS_OF, subject_ids=ids)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            full = {sid: digest for sid, _grade, _score, _reasons, digest in cursor.fetchall()}
        assert _digests(version, department, ids) == full


change = st.fixed_dictionaries(
    {
        "index": st.integers(min_value=0, max_value=20),
        "field": st.sampled_from(
            [
                "kind",
                "severity",
                "document_number",
                "fine_total",
                "days_ago",
                "status",
                "external_grade",
                "add",
            ]
        ),
        "row": record,
    }
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    subjects=st.lists(st.lists(record, max_size=5), min_size=2, max_size=3),
    changes=st.lists(change, min_size=1, max_size=4),
)
def test_the_nightly_after_any_change_gives_the_grades_computed_from_scratch(subjects, changes):
    """The nightly recomputes only subjects whose digest moved: after any change of a record's kind,
    severity, document number, fine, date, status or external grade, or a new record, the current
    grades are still exactly what the engine computes from scratch."""
    kinds = {k.code: k for k in RecordKind.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=["fgw", "zjj"])}
    firms = [make_company() for _rows in subjects]
    for firm, rows in zip(firms, subjects, strict=True):
        records_create(firm, rows, kinds, departments)
    ids = [firm.pk for firm in firms]
    schemes = [Scheme.objects.get(code="public"), Scheme.objects.get(code="abc")]
    for scheme in schemes:  # every subject: the compiled path (a few ids go through the engine)
        grades_refresh(scheme=scheme, as_of=AS_OF, source=GradeSource.NIGHTLY)
    records = list(CreditRecord.objects.filter(subject_id__in=ids).order_by("pk"))
    for item in changes:
        row = item["row"]
        if item["field"] == "add" or not records:
            records_create(firms[item["index"] % len(firms)], [row], kinds, departments)
            continue
        target = records[item["index"] % len(records)]
        value = {
            "kind": kinds[row["kind"]],
            "days_ago": None,
            "fine_total": Decimal(row["fine_total"]),
        }.get(item["field"], row.get(item["field"]))
        if item["field"] == "days_ago":
            target.decision_date = AS_OF - datetime.timedelta(days=row["days_ago"])
        else:
            setattr(target, item["field"], value)
        target.save()
    for scheme in schemes:
        grades_refresh(scheme=scheme, as_of=AS_OF, source=GradeSource.NIGHTLY)
    for scheme, department in ((schemes[0], None), (schemes[1], departments["fgw"])):
        version = version_published(scheme=scheme)
        # The department grades its own subjects (SPEC §3.6), the county everyone.
        population = Population.of(version=version, department=department)
        expected = {
            sid: outcome
            for sid, outcome in _engine(version, department, ids).items()
            if sid in population.members(ids)
        }
        stored = {
            g.subject_id: (g.grade, g.score, g.reasons)
            for g in Grade.objects.filter(
                scheme=scheme, department=department, is_current=True, subject_id__in=ids
            )
        }
        assert stored == expected


def test_nightly_finds_a_changed_document_number_with_equal_counts():
    """Same counts, another document number: only the digest tells, and the reasons follow."""
    kinds = {k.code: k for k in RecordKind.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=["fgw", "zjj"])}
    firm, quiet = make_company(), make_company()
    row = {
        "kind": "warning",
        "severity": "minor",
        "document_number": "甲-1",
        "fine_total": "0",
        "days_ago": 3,
        "status": "effective",
        "is_current": True,
        "external_grade": "",
        "department": "fgw",
    }
    records_create(firm, [row], kinds, departments)
    records_create(quiet, [row | {"document_number": "乙-1"}], kinds, departments)
    scheme = Scheme.objects.get(code="public")
    assert grades_refresh(scheme=scheme, as_of=AS_OF, source=GradeSource.NIGHTLY)["changed"] >= 2
    assert grades_refresh(scheme=scheme, as_of=AS_OF, source=GradeSource.NIGHTLY)["changed"] == 0
    CreditRecord.objects.filter(subject=firm).update(document_number="甲-2")
    counts = grades_refresh(scheme=scheme, as_of=AS_OF, source=GradeSource.NIGHTLY)
    assert counts["changed"] == 1
    grade = Grade.objects.get(subject=firm, scheme=scheme, is_current=True)
    assert grade.reasons[0]["documents"] == ["甲-2"]
    assert Grade.objects.filter(subject=quiet, scheme=scheme).count() == 1


PENALTY = {
    "kind": "administrative_penalty",
    "severity": "general",
    "document_number": "罚-1",
    "fine_total": "20000",
    "days_ago": 3,
    "status": "effective",
    "is_current": True,
    "external_grade": "",
    "department": "fgw",
}


def test_grades_written_by_the_engine_get_their_digest_without_being_rewritten():
    kinds = {k.code: k for k in RecordKind.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=["fgw", "zjj"])}
    firm = make_company()
    records_create(firm, [PENALTY], kinds, departments)
    regrade_subjects(subject_ids=[firm.pk], as_of=AS_OF)  # the dynamic path: the engine, no digest
    written = Grade.objects.get(subject=firm, scheme__code="public", is_current=True)
    assert written.reasons_digest is None
    scheme = Scheme.objects.get(code="public")
    grades_refresh(scheme=scheme, as_of=AS_OF, source=GradeSource.NIGHTLY)
    again = Grade.objects.get(subject=firm, scheme__code="public", is_current=True)
    assert again.pk == written.pk and again.reasons_digest is not None


@pytest.mark.parametrize(
    "field, value",
    [
        ("kind", "warning"),
        ("severity", "serious"),
        ("document_number", "罚-2"),
        ("fine_total", "600000"),
        ("external_grade", "C"),
        ("status", "revoked"),
        ("days_ago", 400),
    ],
)
def test_the_nightly_sees_each_fact_a_grade_depends_on(field, value):
    """Each fact of a counting record is in the digest: changing it alone brings the subject's new
    grade or reasons the next night, under both schemes."""
    kinds = {k.code: k for k in RecordKind.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=["fgw", "zjj"])}
    firm = make_company()
    records_create(firm, [PENALTY], kinds, departments)
    schemes = [Scheme.objects.get(code="public"), Scheme.objects.get(code="abc")]

    def variant(rules):  # an external grade counts only where a rule asks for it
        rules["items"].append({"label": "外部评价C", "external_grades": ["C"], "points": -7})

    scheme_versions = {"public": _variant("public", variant)}
    SchemeVersion.objects.filter(pk=scheme_versions["public"].pk).update(
        rules=scheme_versions["public"].rules
    )
    for scheme in schemes:
        grades_refresh(scheme=scheme, as_of=AS_OF, source=GradeSource.NIGHTLY)
    before = {
        g.scheme_id: (g.grade, g.score, g.reasons)
        for g in Grade.objects.filter(subject=firm, is_current=True)
    }
    record = CreditRecord.objects.get(subject=firm)
    if field == "days_ago":
        record.decision_date = AS_OF - datetime.timedelta(days=value)
    else:
        setattr(record, field, kinds[value] if field == "kind" else value)
    record.save()
    changed = 0
    for scheme in schemes:
        changed += grades_refresh(scheme=scheme, as_of=AS_OF, source=GradeSource.NIGHTLY)["changed"]
    after = {
        g.scheme_id: (g.grade, g.score, g.reasons)
        for g in Grade.objects.filter(subject=firm, is_current=True)
    }
    assert changed >= 1 and after != before
    for scheme, department in ((schemes[0], None), (schemes[1], departments["fgw"])):
        version = version_published(scheme=scheme)
        assert after[scheme.pk] == _engine(version, department, [firm.pk])[firm.pk]


def test_the_nightly_regrades_everyone_after_a_record_kind_is_edited():
    """Rules match kinds by code and polarity: a kind made positive changes grades with no record
    changing, and the next night finds them."""
    kinds = {k.code: k for k in RecordKind.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=["fgw", "zjj"])}
    firm = make_company()
    records_create(
        firm, [PENALTY | {"kind": "warning", "severity": "minor", "fine_total": "0"}], kinds, departments
    )
    scheme = Scheme.objects.get(code="public")
    grades_refresh(scheme=scheme, as_of=AS_OF, source=GradeSource.NIGHTLY)
    assert grades_refresh(scheme=scheme, as_of=AS_OF, source=GradeSource.NIGHTLY)["changed"] == 0
    before = Grade.objects.get(subject=firm, scheme=scheme, is_current=True)
    RecordKind.objects.filter(code="warning").update(polarity="positive")
    assert grades_refresh(scheme=scheme, as_of=AS_OF, source=GradeSource.NIGHTLY)["changed"] >= 1
    after = Grade.objects.get(subject=firm, scheme=scheme, is_current=True)
    version = version_published(scheme=scheme)
    assert (after.grade, after.score, after.reasons) != (before.grade, before.score, before.reasons)
    assert (after.grade, after.score, after.reasons) == _engine(version, None, [firm.pk])[firm.pk]


def test_a_large_set_of_subjects_is_regraded_in_the_database_and_only_that_set(monkeypatch):
    """Over SMALL_SET subjects (an approved import), a regrade takes the two passes for just those ids."""
    kinds = {k.code: k for k in RecordKind.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=["fgw", "zjj"])}
    firms = [make_company() for _ in range(3)]
    for n, firm in enumerate(firms):
        records_create(
            firm, [PENALTY | {"document_number": f"罚-{n}", "severity": "serious"}], kinds, departments
        )
    monkeypatch.setattr(services, "SMALL_SET", 1)
    counts = services.regrade_subjects(subject_ids=[firms[0].pk, firms[1].pk], as_of=AS_OF)
    assert counts["public:"] == {"graded": 2, "changed": 2} and counts["abc:fgw"] == {
        "graded": 2,
        "changed": 2,
    }
    public = SchemeVersion.objects.select_related("scheme").get(
        scheme__code="public", status=VersionStatus.PUBLISHED
    )
    stored = {
        g.subject_id: (g.grade, g.score, g.reasons)
        for g in Grade.objects.filter(scheme=public.scheme, is_current=True, reasons_digest__isnull=False)
    }
    assert stored == _engine(public, None, [firms[0].pk, firms[1].pk])
    assert not Grade.objects.filter(subject=firms[2]).exists()
    again = services.regrade_subjects(subject_ids=[firms[0].pk, firms[1].pk], as_of=AS_OF)
    assert again["public:"]["changed"] == 0 and again["abc:fgw"]["changed"] == 0
