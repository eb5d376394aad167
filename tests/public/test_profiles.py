"""The look-up's profile (``public.profiles``, plain SQL) says what the ORM selectors say (SPEC §3.4,
§3.5, §7): the same grades in force, records published on the day and list memberships in force, field
by field and in the same order, on every day asked about; and the API's written-out serializer gives
what DRF builds from its declared fields."""

import datetime

import pytest
from django.utils import timezone
from rest_framework import serializers

from accounts.models import Department
from grading.models import Scheme
from grading.selectors import grades_in_force
from grading.services import grade_in_force_correct, regrade_all
from measures.models import ListEntry, ListScope, ListType
from measures.selectors import list_entries_in_force
from public.api.serializers import PublicSubjectSerializer
from public.profiles import public_profiles, public_subject_by_code
from public.selectors import records_published_on
from records.models import CreditRecord, RecordKind, RecordStatus
from tests.factories import make_company, make_person
from tests.records.conftest import licence

from .conftest import days_ago, effective_record

pytestmark = pytest.mark.django_db

GRADE = ("stands_on_id", "scheme.code", "scheme.name", "department.code", "department.name", "grade", "as_of")
RECORD = (
    "document_number",
    "kind.code",
    "kind.name",
    "department.code",
    "department.name",
    "decision_date",
    "publish_until",
    "matter",
    "content",
    "licence_category",
    "get_licence_category_display",
    "licence_category_note",
    "licence_certificate",
    "licence_number",
    "licence_valid_from",
    "licence_valid_to",
    "licence_authority",
)
LIST = (
    "list_type",
    "list_name",
    "scope",
    "department.code",
    "department.name",
    "reason",
    "authority",
    "level",
    "listed_on",
    "ends_on",
)


def fields(obj, names) -> tuple:
    values = []
    for name in names:
        value = obj
        for part in name.split("."):
            value = getattr(value, part) if value is not None else None
        values.append(value() if callable(value) else value)
    return tuple(values)


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def set_record(record: CreditRecord, **values) -> None:
    CreditRecord.objects.filter(pk=record.pk).update(**values)


def listing(subject, list_type, *, department="fgw", scope=ListScope.JOINT, **dates) -> ListEntry:
    return ListEntry.objects.create(
        subject=subject,
        list_type=list_type,
        scope=scope,
        department=Department.objects.get(code=department),
        reason=f"{list_type} {scope} {dates}",
        authority="西峡县发展和改革委员会",
        **dates,
    )


@pytest.fixture
def county(clerk, reviewer, credit_office_user):
    """Subjects with records, grades and listings in every state the rules tell apart."""
    firm = make_company("西峡县画像对照测试有限公司")
    other = make_company("西峡县画像对照测试二号有限公司")
    person = make_person("画像九")
    bare = make_company("西峡县画像对照无记录有限公司")
    effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕101号", matter="甲")
    effective_record(
        clerk, reviewer, firm, document_number="西发改罚〔2026〕102号", decision_date=days_ago(3)
    )
    effective_record(
        clerk, reviewer, firm, document_number="西发改罚〔2025〕103号", decision_date=days_ago(400)
    )
    set_record(
        effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕104号"),
        status=RecordStatus.REVOKED,
    )
    set_record(
        effective_record(clerk, reviewer, firm, document_number="西发改罚〔2026〕105号"), is_current=False
    )
    set_record(
        effective_record(clerk, reviewer, other, document_number="西发改罚〔2026〕106号"),
        kind=RecordKind.objects.filter(is_published=False).first(),
    )
    set_record(
        effective_record(clerk, reviewer, other, document_number="西发改罚〔2026〕107号"),
        decision_date=days_ago(20),
        publish_until=days_ago(10),
    )
    effective_record(
        clerk, reviewer, person, document_number="西发改罚〔2026〕108号", decision_date=days_ago(60)
    )
    licence(
        clerk, reviewer, firm, "西发改许〔2026〕109号", number="XK-109", category="其他", category_note="试"
    )
    licence(clerk, reviewer, other, "西发改许〔2026〕110号")
    regrade_all()
    grade_in_force_correct(
        actor=credit_office_user,
        subject=other,
        scheme=Scheme.objects.get(code="public"),
        grade="B",
        reason="核实更正",
        decision="西信更〔2026〕1号",
    )
    listing(firm, ListType.BLACK, listed_on=days_ago(30))
    listing(firm, ListType.RED, listed_on=days_ago(40), removed_on=days_ago(5))
    listing(
        firm,
        ListType.RED,
        department="zfbz",
        scope=ListScope.DEPARTMENT,
        listed_on=days_ago(8),
        ends_on=in_days(4),
    )
    listing(
        person,
        ListType.BLACK,
        department="zfbz",
        scope=ListScope.DEPARTMENT,
        listed_on=days_ago(9),
        ends_on=days_ago(1),
    )
    listing(other, ListType.BLACK, listed_on=in_days(2))
    return [firm, other, person, bare]


# Every day a record or a listing starts or ends on, and the days either side.
@pytest.mark.parametrize("offset", [0, -1, -2, -5, -6, -8, -9, -10, -11, -20, -45, -380, 2, 4, 5, 30])
def test_the_profile_says_what_the_selectors_say_on_every_day(county, offset):
    day = in_days(offset)
    profiles = public_profiles(subjects=county, day=day)
    assert [p.subject.pk for p in profiles] == [s.pk for s in county]
    seen = {"grades": 0, "records": 0, "lists": 0}
    for profile in profiles:
        ids = [profile.subject.pk]
        expected_grades = [g for g in grades_in_force(subject_ids=ids, with_reasons=False) if g.grade]
        assert [fields(g, GRADE) for g in profile.grades] == [fields(g, GRADE) for g in expected_grades]
        expected_records = list(records_published_on(day=day, subject_ids=ids))
        assert [fields(r, RECORD) for r in profile.records] == [fields(r, RECORD) for r in expected_records]
        assert [r.document_number for r in profile.licences] == [
            r.document_number for r in expected_records if r.kind.has_licence
        ]
        expected_lists = list(list_entries_in_force(subject_ids=ids, on=day))
        assert [fields(e, LIST) for e in profile.lists] == [fields(e, LIST) for e in expected_lists]
        seen = {key: seen[key] + len(getattr(profile, key)) for key in seen}
    if offset == 0:  # the data shows something of each kind, so the comparison compares something
        assert seen["grades"] >= 6 and seen["records"] >= 5 and seen["lists"] >= 2


def test_a_correction_and_the_natural_persons_mask_are_what_the_public_sees(county):
    firm, other, person, bare = public_profiles(subjects=county)
    assert {(g.scheme.code, g.grade) for g in other.grades} >= {("public", "B")}
    assert person.code == person.subject.code[:6] + "*" * 8 + person.subject.code[-4:]
    assert person.kind_name == "自然人" and firm.kind_name == "法人"
    assert (bare.records, bare.lists) == ([], [])
    assert public_subject_by_code(code=firm.subject.code).pk == firm.subject.pk
    assert public_subject_by_code(code="91411323MA00000000") is None


def test_the_written_out_serializer_answers_what_drf_builds_from_the_fields(county):
    for day in (timezone.localdate(), days_ago(6), days_ago(380)):
        for profile in public_profiles(subjects=county, day=day):
            serializer = PublicSubjectSerializer(profile)
            assert serializer.data == serializers.Serializer.to_representation(serializer, profile)
