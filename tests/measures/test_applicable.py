"""Which measures apply to a subject now (SPEC §4, §7): every rule that depends on a grade or a list,
and the extension to the legal representative (000 Art. 11(3), 004 §6(5))."""

import pytest

from grading.models import Grade
from measures.models import ListType, Measure
from measures.selectors import measures_applicable
from measures.services import list_entry_add, list_entry_remove
from tests.factories import make_company, make_resident_id

from .conftest import days_ago, effective, graded

pytestmark = pytest.mark.django_db


def codes(items, *, via=None):
    return {i["measure_code"] for i in items if i["via_subject"] == via}


def expected(scheme: str, grade: str | None, department: str | None = None) -> set[str]:
    """The catalogue's measures of ``grade`` — for a department scheme, those following that
    department's grade (SPEC §3.6)."""
    measures = Measure.objects.filter(scheme__code=scheme, is_active=True)
    if department is not None:
        measures = measures.filter(grade_department__code=department)
    return {m.code for m in measures if grade in m.grades}


def current(subject, scheme, department=None):
    """The subject's current grade under ``scheme`` (for ``department``), or None: not graded there."""
    grades = Grade.objects.filter(subject=subject, scheme__code=scheme, is_current=True)
    if department is not None:
        grades = grades.filter(department__code=department)
    grade = grades.first()
    return None if grade is None else grade.grade


def inspection_cap(items):
    caps = [
        i["parameters"]["inspections_per_year"]
        for i in items
        if i["scheme"] == "public" and "inspections_per_year" in i["parameters"]
    ]
    assert len(caps) == 1, caps
    return caps[0]


SCENARIOS = [
    # (records, county grades possible, the development & reform bureau's grade, random-inspection cap);
    # a subject without a record of the bureau is not its subject and has no grade of it (SPEC §3.6)
    ([], {"A"}, None, 0),
    ([("表彰奖励", {})], {"A+"}, "A", 0),
    ([("警告", {})], {"B"}, "B", 1),
    ([("行政处罚", {})], {"C", "C-"}, "B", 3),
    ([("行政处罚", {"serious": True})], {"D", "D-"}, "C", None),
]


@pytest.mark.parametrize(("records", "county", "abc", "cap"), SCENARIOS)
def test_the_measures_of_each_grade(clerk, reviewer, records, county, abc, cap):
    firm = make_company()
    for kind, extra in records:
        effective(clerk, reviewer, firm, kind, **extra)
    graded([firm.pk])
    grade = current(firm, "public")
    assert grade in county and current(firm, "abc", "fgw") == abc
    assert current(firm, "abc", "zjj") is None  # not the housing bureau's subject
    items = measures_applicable(subject=firm)
    assert codes(items) == expected("public", grade) | expected("abc", abc, "fgw")
    assert inspection_cap(items) == cap
    for item in items:
        assert item["grade"] in (grade, abc) and item["via_subject"] is None and item["list"] is None
        assert item["legal_basis"] and item["kind"] in ("incentive", "management", "punishment")
        assert item["reasons"] or not records  # the grade's reasons behind each
    if records:
        assert any("文书" in r or "西发改罚" in r for i in items for r in i["reasons"])


def test_incentives_and_punishments_never_mix(clerk, reviewer):
    good, bad = make_company(), make_company()
    effective(clerk, reviewer, bad, "行政处罚", serious=True)
    graded([good.pk, bad.pk])
    good_items, bad_items = measures_applicable(subject=good), measures_applicable(subject=bad)
    assert {i["kind"] for i in good_items} == {"incentive"}
    assert "incentive" not in {i["kind"] for i in bad_items}
    assert "pub-aa-inspection-exempt" in codes(good_items) and "pub-d-key-target" in codes(bad_items)


def test_black_list_measures_and_their_removal(credit_office_user):
    firm = make_company()
    entry = list_entry_add(
        actor=credit_office_user,
        list_type=ListType.BLACK,
        subject=firm,
        reason="失信被执行人",
        authority="西峡县人民法院",
        listed_on=days_ago(3),
    )
    graded([firm.pk])
    items = measures_applicable(subject=firm)
    listed = {i["measure_code"]: i for i in items if i["list"] == "black"}
    assert {"wd-black-administrative", "wd-black-market", "wd-black-industry", "zfbz-black-exposure"} <= set(
        listed
    )
    assert listed["wd-black-market"]["list_authority"] == "西峡县人民法院"
    assert any("失信被执行人" in r for r in listed["wd-black-market"]["reasons"])
    assert listed["wd-d-market-ban"]["grade"] == "D-"  # by grade and by list, listed once
    assert [i["measure_code"] for i in items].count("wd-d-market-ban") == 1
    # Listed by the credit office: no department grades the firm (SPEC §3.6), the county grade acts.
    assert current(firm, "abc") is None
    assert codes(items) >= expected("public", "D-")
    list_entry_remove(actor=credit_office_user, entry=entry, removed_on=days_ago(0), reason="已履行")
    graded([firm.pk])
    items = measures_applicable(subject=firm)
    assert not any(i["list"] for i in items)
    assert codes(items) == expected("public", "A")


def test_red_list_measures(credit_office_user):
    firm = make_company()
    list_entry_add(
        actor=credit_office_user,
        list_type=ListType.RED,
        subject=firm,
        reason="诚信经营典型",
        authority="武陟县住房保障中心",
        listed_on=days_ago(1),
    )
    graded([firm.pk])
    items = measures_applicable(subject=firm)
    assert "zfbz-red-publicity" in codes(items)
    publicity = next(i for i in items if i["measure_code"] == "zfbz-red-publicity")
    assert publicity["scheme"] is None and publicity["grade"] is None and publicity["list"] == "red"
    assert current(firm, "public") == "A+" and codes(items) >= expected("public", "A+")


def test_measures_extend_to_the_legal_representative(clerk, reviewer, credit_office_user):
    person_code = make_resident_id()
    firm = make_company(rep=(person_code, "李四"))
    other = make_company(rep=(person_code, "李四"))
    person = firm.legal_representative
    assert person.code == person_code and other.legal_representative_id == person.pk
    effective(clerk, reviewer, firm, "行政处罚", serious=True)  # firm: D/D- and abc C
    list_entry_add(
        actor=credit_office_user,
        list_type=ListType.BLACK,
        subject=other,
        reason="拒不履行",
        authority="西峡县人民法院",
        listed_on=days_ago(2),
    )
    graded([firm.pk, other.pk, person.pk])
    items = measures_applicable(subject=person)
    own = codes(items)
    assert own == expected("public", "A")  # the person's own record is clean; no department grades them
    via_firm = codes(items, via=firm.code)
    assert via_firm == {
        m.code
        for m in Measure.objects.filter(extends_to_legal_representative=True).select_related(
            "grade_department"
        )
        if (m.scheme and m.scheme.code == "public" and current(firm, "public") in m.grades)
        or (m.scheme and m.scheme.code == "abc" and "C" in m.grades and m.grade_department.code == "fgw")
    }
    assert {"abc001-c-market-ban", "wd-d-market-ban"} <= via_firm
    # The housing bureau's ban follows its own grade, and the firm is not its subject (SPEC §3.6).
    assert "abc000-c-market-ban" not in via_firm
    assert "pub-d-key-target" not in via_firm  # does not extend
    via_other = codes(items, via=other.code)
    assert {"wd-black-personal-liability", "wd-black-administrative", "wd-black-market"} <= via_other
    assert "wd-black-industry" not in via_other
    sample = next(i for i in items if i["via_subject"] == firm.code)
    assert sample["via_subject_name"] == firm.name
    # The firm's own look-up does not list its representative's measures.
    assert all(i["via_subject"] is None for i in measures_applicable(subject=firm))


def test_a_subject_not_graded_yet_is_graded_on_the_fly(clerk, reviewer):
    clean, dishonest = make_company(), make_company()
    effective(clerk, reviewer, dishonest, "行政处罚", serious=True)  # no regrade ran
    assert not Grade.objects.filter(subject__in=[clean, dishonest]).exists()
    assert codes(measures_applicable(subject=clean)) == expected("public", "A")
    items = measures_applicable(subject=dishonest)
    county = next(i["grade"] for i in items if i["scheme"] == "public")
    assert county in ("D", "D-") and codes(items) == expected("public", county) | expected("abc", "C", "fgw")
    assert {i["department"] for i in items if i["scheme"] == "abc"} == {"fgw"}
    assert not Grade.objects.filter(subject__in=[clean, dishonest]).exists()  # computed, not stored


def test_inactive_measures_do_not_apply(clerk, reviewer):
    firm = make_company()
    graded([firm.pk])
    Measure.objects.filter(code="pub-aa-publicity").update(is_active=False)
    assert "pub-aa-publicity" not in codes(measures_applicable(subject=firm))


def test_the_number_of_queries_does_not_grow(
    clerk, reviewer, credit_office_user, django_assert_max_num_queries
):
    person_code = make_resident_id()
    firms = [make_company(rep=(person_code, "王五")) for _ in range(6)]
    for firm in firms[:3]:
        effective(clerk, reviewer, firm, "行政处罚", serious=True)
    person = firms[0].legal_representative
    graded([f.pk for f in firms] + [person.pk])
    # One more than before department schemes: which departments' subjects they are (SPEC §3.6).
    with django_assert_max_num_queries(7):
        items = measures_applicable(subject=person)
    assert len({i["via_subject"] for i in items if i["via_subject"]}) == 3


def test_each_departments_measures_follow_its_own_grade(clerk, reviewer):
    """SPEC §3.6 (issue 16): the housing bureau's measures follow the housing bureau's grade and the
    development & reform bureau's follow its own — here they differ: fgw sees its commendation (A),
    zjj grades by the county grade its own warning brought (B)."""
    from accounts.models import Role
    from tests.factories import make_user

    firm = make_company()
    zjj_clerk, zjj_reviewer = make_user(Role.CLERK, "zjj"), make_user(Role.REVIEWER, "zjj")
    effective(clerk, reviewer, firm, "表彰奖励")
    effective(zjj_clerk, zjj_reviewer, firm, "警告")
    graded([firm.pk])
    assert current(firm, "abc", "fgw") == "A" and current(firm, "abc", "zjj") == "B"
    items = measures_applicable(subject=firm)
    department_items = {i["measure_code"]: i for i in items if i["scheme"] == "abc"}
    assert set(department_items) == expected("abc", "A", "fgw") | expected("abc", "B", "zjj")
    assert {"abc001-a-green-channel", "abc000-b-inspection-more"} <= set(department_items)
    assert not {"abc000-a-green-channel", "abc001-b-inspection-more"} & set(department_items)
    for code, item in department_items.items():
        assert item["department"] == ("fgw" if code.startswith("abc001") else "zjj")
        assert item["grade"] == ("A" if code.startswith("abc001") else "B")
    zjj_reasons = department_items["abc000-b-inspection-more"]["reasons"]
    assert any("县公共信用综合评价" in reason for reason in zjj_reasons)
