"""The measures catalogue as reference data (SPEC §4, §7) and its maintenance in the admin."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.urls import reverse

from audit.models import AuditLog
from grading.rules import LEVELS
from measures.models import Measure, MeasureKind

pytestmark = pytest.mark.django_db

CATALOGUE = importlib.import_module("measures.migrations.0003_measures_catalogue_reference_data")
# 003 §4: A+/A exempt except on complaint, B at most once, C/C- at most 3, D/D- no cap.
CAPS = {"A+": 0, "A": 0, "B": 1, "C": 3, "C-": 3, "D": None, "D-": None}


def test_every_seed_and_kind_is_in_the_catalogue():
    measures = list(Measure.objects.all())
    assert len(measures) == len(CATALOGUE.MEASURES) >= 50
    for seed in ("000 ", "001 ", "002 ", "003 ", "004 "):
        assert any(m.legal_basis.startswith(seed) for m in measures), seed
    assert {m.kind for m in measures} == set(MeasureKind.values)
    assert {m.category for m in measures} == {"administrative", "market", "industry", "social"}
    for m in measures:
        assert m.name and m.legal_basis and m.description
        assert m.scheme_id or m.list_type, m.code


@pytest.mark.parametrize("grade", LEVELS)
def test_the_random_inspection_cap_of_each_county_level(grade):
    caps = [
        m.parameters["inspections_per_year"]
        for m in Measure.objects.filter(scheme__code="public")
        if grade in m.grades and "inspections_per_year" in m.parameters
    ]
    assert caps == [CAPS[grade]]


def test_department_schemes_and_legal_representatives():
    fgw = Measure.objects.get(code="abc001-a-patrol-exempt")
    assert fgw.scheme.code == "abc" and fgw.grades == ["A"] and fgw.parameters["inspections_per_year"] == 0
    assert [d.code for d in fgw.departments.all()] == ["fgw"]
    assert [d.code for d in Measure.objects.get(code="abc000-c-market-ban").departments.all()] == ["zjj"]
    extending = set(
        Measure.objects.filter(extends_to_legal_representative=True).values_list("code", flat=True)
    )
    # 000 Art. 11(3), 001 Art. 13(1)4, 004 §6(3)–(5).
    assert {
        "abc000-c-market-ban",
        "abc001-c-market-ban",
        "wd-black-personal-liability",
        "wd-d-market-ban",
    } <= (extending)
    assert "pub-d-key-target" not in extending


def test_the_data_migration_reverses_and_reapplies():
    CATALOGUE.remove_measures(global_apps, None)
    assert not Measure.objects.exists()
    CATALOGUE.add_measures(global_apps, None)
    assert Measure.objects.count() == len(CATALOGUE.MEASURES)
    assert Measure.objects.get(code="wd-d-market-ban").departments.count() == 7


def _form(measure: Measure, **changes) -> dict:
    data = {
        "code": measure.code,
        "name": measure.name,
        "kind": measure.kind,
        "category": measure.category,
        "description": measure.description,
        "scheme": measure.scheme_id or "",
        "grades": '["' + '", "'.join(measure.grades) + '"]' if measure.grades else "[]",
        "grade_department": measure.grade_department_id or "",
        "list_type": measure.list_type,
        "legal_basis": measure.legal_basis,
        "departments": [d.pk for d in measure.departments.all()],
        "extends_to_legal_representative": "on" if measure.extends_to_legal_representative else "",
        "parameters": '{"inspections_per_year": 1, "sampling_ratio": "0.05"}',
        "is_active": "on",
        "sort_order": measure.sort_order,
        "reason": "县信用办2026年第3次会议调整",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_the_credit_office_edits_a_measure_with_history_and_audit(client, credit_office_user):
    client.force_login(credit_office_user)
    measure = Measure.objects.get(code="pub-b-inspection-once")
    url = reverse("admin:measures_measure_change", args=[measure.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(measure, parameters='{"inspections_per_year": 2}'))
    assert response.status_code == 302, response.content.decode()[:3000]
    measure.refresh_from_db()
    assert measure.parameters == {"inspections_per_year": 2}  # the form sent no ratio
    log = AuditLog.objects.get(action="measure.update", target_id=str(measure.pk))
    assert log.before == {"parameters": {"inspections_per_year": 1, "sampling_ratio": "0.05"}}
    assert log.after == {"parameters": {"inspections_per_year": 2}} and log.actor == credit_office_user
    assert log.reason == "县信用办2026年第3次会议调整"
    latest = measure.history.first()
    assert latest.history_user == credit_office_user and latest.history_change_reason == log.reason
    assert client.get(reverse("admin:measures_measure_history", args=[measure.pk])).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"parameters": '{"inspections_per_year": -1}'}, "parameters"),
        ({"parameters": '{"inspections_per_year": "three"}'}, "parameters"),
        ({"parameters": "[1, 2]"}, "parameters"),
        ({"parameters": '{"inspections_per_year": 1, "sampling_ratio": 1.5}'}, "parameters"),
        ({"parameters": '{"sampling_ratio": "much"}'}, "parameters"),
        ({"parameters": "{not json"}, "parameters"),
        ({"grades": '["A", "Z"]'}, "grades"),
        ({"grades": '"B"'}, "grades"),
        ({"scheme": "", "grades": "[]"}, "scheme"),
    ],
)
def test_bad_catalogue_changes_are_refused_and_change_nothing(client, credit_office_user, changes, field):
    client.force_login(credit_office_user)
    measure = Measure.objects.get(code="pub-b-inspection-once")
    url = reverse("admin:measures_measure_change", args=[measure.pk])
    response = client.post(url, _form(measure, **changes))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    measure.refresh_from_db()
    assert measure.parameters == {"inspections_per_year": 1, "sampling_ratio": "0.05"}
    assert measure.grades == ["B"]
    assert not AuditLog.objects.filter(action="measure.update").exists()


def test_a_new_measure_is_audited(client, credit_office_user):
    client.force_login(credit_office_user)
    template = Measure.objects.get(code="pub-b-inspection-once")
    data = _form(template, code="pub-b-training", name="信用培训", parameters="{}", reason="")
    response = client.post(reverse("admin:measures_measure_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Measure.objects.get(code="pub-b-training")
    assert AuditLog.objects.get(action="measure.create").target_id == str(created.pk)


def test_only_the_credit_office_maintains_the_catalogue(client, reviewer):
    from django.core.exceptions import PermissionDenied

    from measures.services import measure_save

    measure = Measure.objects.get(code="pub-b-inspection-once")
    with pytest.raises(PermissionDenied):
        measure_save(actor=reviewer, measure=measure, departments=[], reason="x")
    client.force_login(reviewer)
    assert client.get(reverse("admin:measures_measure_changelist")).status_code == 302


def test_changing_the_implementing_departments_is_audited(client, credit_office_user):
    from accounts.models import Department

    client.force_login(credit_office_user)
    measure = Measure.objects.get(code="abc001-a-green-channel")
    scjg = Department.objects.get(code="scjg")
    data = _form(measure, parameters="{}", departments=[d.pk for d in measure.departments.all()] + [scjg.pk])
    response = client.post(reverse("admin:measures_measure_change", args=[measure.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(measure.departments.values_list("code", flat=True)) == ["fgw", "scjg"]
    log = AuditLog.objects.get(action="measure.update", target_id=str(measure.pk))
    assert log.before == {"departments": ["fgw"]} and log.after == {"departments": ["fgw", "scjg"]}
    assert measure.history.first().departments.count() == 2  # the version keeps its departments


def test_a_department_scheme_measure_names_the_department_whose_grade_brings_it(client, credit_office_user):
    """SPEC §3.6: each department's measures follow that department's own grade, so a measure of the
    A/B/C scheme without its grading department is refused, and a county measure takes none."""
    from accounts.models import Department

    client.force_login(credit_office_user)
    measure = Measure.objects.get(code="abc000-a-green-channel")
    assert measure.grade_department.code == "zjj"
    assert Measure.objects.get(code="abc001-a-green-channel").grade_department.code == "fgw"
    response = client.post(
        reverse("admin:measures_measure_change", args=[measure.pk]), _form(measure, grade_department="")
    )
    assert response.status_code == 200
    assert "grade_department" in response.context["adminform"].form.errors
    assert Measure.objects.get(pk=measure.pk).grade_department.code == "zjj"
    county = Measure.objects.get(code="pub-aa-publicity")
    fgw = Department.objects.get(code="fgw")
    response = client.post(
        reverse("admin:measures_measure_change", args=[county.pk]), _form(county, grade_department=fgw.pk)
    )
    assert response.status_code == 200
    assert "grade_department" in response.context["adminform"].form.errors
    assert Measure.objects.get(pk=county.pk).grade_department is None
