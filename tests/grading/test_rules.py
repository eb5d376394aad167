"""Rules are read and checked once (grading/rules.py): what the graders could not grade is refused when
the version is saved or published, never later when grading."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import translation

from grading.compiled import compiled_session
from grading.models import Scheme, SchemeVersion, VersionStatus
from grading.rules import MAX_FILTERS, Filter, parse_rules, validate_rules
from grading.versions import version_publish
from records.models import RecordKind

pytestmark = pytest.mark.django_db


def _known() -> set[str]:
    return set(RecordKind.objects.values_list("code", flat=True))


def conditions_with(filters: int) -> dict:
    """A department scheme whose conditions use ``filters`` different record filters."""
    return {
        "default_grade": "A",
        "conditions": [
            {"grade": "B", "label": f"外部评价{n}", "external_grades": [f"E{n}"]} for n in range(filters)
        ],
    }


def score_with(filters: int, public_rules: dict) -> dict:
    """The county model with items enough to use ``filters`` different record filters in all."""
    rules = dict(public_rules)
    seeded = len(set(parse_rules("score", rules).tallies()))
    rules["items"] = rules["items"] + [
        {"label": f"外部评价{n}", "external_grades": [f"E{n}"], "points": -1} for n in range(filters - seeded)
    ]
    return rules


def test_the_limit_of_rule_filters_is_checked_when_the_rules_are_validated(public_rules):
    known = _known()
    assert validate_rules("conditions", conditions_with(MAX_FILTERS), known_kinds=known) == []
    assert validate_rules("score", score_with(MAX_FILTERS, public_rules), known_kinds=known) == []
    with translation.override("zh-hans"):
        problems = validate_rules("conditions", conditions_with(MAX_FILTERS + 1), known_kinds=known)
        assert problems == [
            "规则共使用了 63 种不同的信息筛选条件（信息类别、严重程度、性质、外部评价等级和罚款档次的组合），"
            "最多允许 62 种。请合并筛选相同信息的规则。"
        ]
        score = validate_rules("score", score_with(MAX_FILTERS + 1, public_rules), known_kinds=known)
        assert score == problems


def test_rules_that_filter_the_same_records_count_once():
    """Two conditions on the same kinds (a B and a C on warnings) share one filter, in any order."""
    rules = conditions_with(MAX_FILTERS)
    rules["conditions"] += [
        {"grade": "C", "label": "同一筛选", "external_grades": ["E1"], "min": 3},
        {"grade": "C", "label": "同一筛选，顺序不同", "kinds": ["warning", "correction_order"]},
        {"grade": "B", "label": "同一筛选", "kinds": ["correction_order", "warning"]},
    ]
    problems = validate_rules("conditions", rules, known_kinds=_known())
    assert len(problems) == 1 and str(MAX_FILTERS + 1) in problems[0]


def test_a_version_over_the_limit_is_never_published(credit_office_user):
    scheme = Scheme.objects.get(code="abc")
    published = scheme.versions.get(status=VersionStatus.PUBLISHED).number
    version = SchemeVersion.objects.create(
        scheme=scheme, number=published + 1, rules=conditions_with(MAX_FILTERS + 1), record_scope="all"
    )
    with pytest.raises(ValidationError) as refused:
        version_publish(actor=credit_office_user, version=version)
    assert "62" in " ".join(refused.value.messages)
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    assert scheme.versions.get(status=VersionStatus.PUBLISHED).number == published


def test_a_number_that_is_not_one_is_refused_when_validated():
    rules = conditions_with(1)
    rules["conditions"][0]["fine_total_above"] = "五十万"
    with translation.override("zh-hans"):
        problems = validate_rules("conditions", rules, known_kinds=_known())
    assert problems == ["外部评价0：“五十万”不是数字。"]


def test_a_filter_matches_as_the_rules_say():
    any_record = Filter()
    assert any_record.matches_kind(kind="warning", polarity="negative", severity="")
    rule = parse_rules("conditions", {"conditions": [{"kinds": ["warning"], "polarity": "negative"}]})
    warning_filter = rule.conditions[0].filter
    assert warning_filter.matches_kind(kind="warning", polarity="negative", severity="minor")
    assert not warning_filter.matches_kind(kind="warning", polarity="positive", severity="minor")
    assert not warning_filter.matches_kind(kind="correction_order", polarity="negative", severity="minor")


class _Cursor:
    def __init__(self):
        self.executed = []

    def execute(self, sql, params=None):
        self.executed.append((sql, params))


@pytest.mark.parametrize("value", ["256MB", "64 MB", "1GB", "65536", "512kB"])
def test_work_mem_goes_to_postgresql_as_a_parameter(settings, value):
    settings.GRADING_WORK_MEM = value
    cursor = _Cursor()
    compiled_session(cursor)
    assert cursor.executed[0] == ("SELECT set_config('work_mem', %s, true)", [value])


@pytest.mark.parametrize("value", ["256MB'; DROP TABLE grading_grade; --", "lots", "-1MB", ""])
def test_a_work_mem_that_is_not_a_size_is_refused(settings, value):
    settings.GRADING_WORK_MEM = value
    cursor = _Cursor()
    with pytest.raises(ImproperlyConfigured):
        compiled_session(cursor)
    assert cursor.executed == []
