"""The schemes weigh a department's own lists (SPEC §3.6; grading migration 0007): every published
version got a successor counting ``department_black_list`` as serious dishonesty and
``department_red_list`` as a commendation, in the department's own scheme only; the migration loops
over whatever versions are published, and its reverse restores them."""

import copy
import importlib

import pytest
from django.apps import apps

from grading.models import Scheme, SchemeVersion, VersionStatus
from grading.rules import parse_rules
from grading.window import IN_FORCE_KINDS

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("grading.migrations.0011_department_list_rules")
BLACK, RED = "department_black_list", "department_red_list"


def published(code: str, department: str = "fgw") -> SchemeVersion:
    """The published version of ``code`` — of the A/B/C scheme, ``department``'s own (SPEC §3.6)."""
    versions = SchemeVersion.objects.filter(scheme__code=code, status=VersionStatus.PUBLISHED)
    if code == "abc":
        versions = versions.filter(department__code=department)
    return versions.get()


def test_every_published_version_counts_the_department_lists():
    # The county's version and every department's own (SPEC §3.6), each after the one before it.
    for version in SchemeVersion.objects.filter(
        status=VersionStatus.PUBLISHED, scheme__code__in=["public", "abc"]
    ):
        assert version.note.startswith("部门红黑名单计入评价")
        old = SchemeVersion.objects.get(
            scheme=version.scheme, department=version.department, number=version.number - 1
        )
        assert old.status == VersionStatus.RETIRED
        assert (version.window_days, version.record_scope, version.scope_kinds) == (
            old.window_days,
            old.record_scope,
            old.scope_kinds,
        )
    abc = published("abc").rules["conditions"]
    serious = next(c for c in abc if c["grade"] == "C")
    assert serious["kinds"][-1] == BLACK and "joint_punishment_list" in serious["kinds"]
    good = next(c for c in abc if c["grade"] == "A")
    assert good["kinds"] == ["commendation", "red_list", RED]
    assert (
        sum(BLACK in c.get("kinds", []) for c in abc) == 1
        and sum(RED in c.get("kinds", []) for c in abc) == 1
    )
    # Counted in the department's own scheme only: not among the kinds taken from other departments.
    assert BLACK not in published("abc").scope_kinds and RED not in published("abc").scope_kinds
    public = published("public").rules
    assert RED in public["items"][0]["kinds"] and all(
        BLACK not in i.get("kinds", []) for i in public["items"]
    )
    # The class of serious dishonesty holds the black list by its severity; the joint list's class is alone.
    assert [b for b in public["classes"] if b["best"] == "D"] == [
        {"label": "严重失信", "severities": ["serious"], "best": "D", "worst": "D-"}
    ]
    assert public["classes"][0]["kinds"] == ["joint_punishment_list"]
    assert {BLACK, RED} <= set(IN_FORCE_KINDS)
    parse_rules("score", public)
    parse_rules("conditions", published("abc").rules)


def test_the_rules_are_changed_where_they_name_the_kinds():
    rules = {
        "items": [{"label": "奖励", "kinds": ["commendation"], "points": 5}],
        "classes": [{"label": "严重", "kinds": ["serious_dishonesty"], "best": "D", "worst": "D-"}],
        "in_force_kinds": ["red_list"],
    }
    changed = MIGRATION.counted_rules("score", rules)
    assert changed["items"][0]["kinds"] == ["commendation", RED]
    assert changed["classes"][0]["kinds"] == ["serious_dishonesty", BLACK]
    assert changed["in_force_kinds"] == ["red_list", BLACK, RED]
    assert rules["items"][0]["kinds"] == ["commendation"]  # the input is not changed
    assert (
        MIGRATION.counted_rules("conditions", {"conditions": [{"grade": "B", "kinds": ["warning"]}]}) is None
    )
    assert MIGRATION.counted_rules("score", published("public").rules) is None  # already counted


def test_the_migration_loops_over_every_published_version_and_its_reverse_restores_them():
    abc = published("abc")
    public_number = published("public").number
    before = copy.deepcopy(
        SchemeVersion.objects.get(scheme__code="abc", department__code="fgw", number=abc.number - 1).rules
    )
    housing = Scheme.objects.create(code="zfbz-housing", name="住房领域信用分级", kind="conditions")
    own = SchemeVersion.objects.create(
        scheme=housing, number=4, status=VersionStatus.PUBLISHED, rules=before, record_scope="own"
    )
    plain = Scheme.objects.create(code="plain", name="不涉及名单的方案", kind="conditions")
    untouched = SchemeVersion.objects.create(
        scheme=plain,
        number=1,
        status=VersionStatus.PUBLISHED,
        rules={"conditions": [{"grade": "B", "label": "警告", "kinds": ["warning"]}]},
        record_scope="own",
    )
    MIGRATION.count_department_lists(apps, None)
    own.refresh_from_db()
    successor = published("zfbz-housing")
    assert own.status == VersionStatus.RETIRED and successor.number == 5 and successor.record_scope == "own"
    assert BLACK in successor.rules["conditions"][0]["kinds"] and "第4版" in successor.note
    assert published("plain") == untouched
    assert published("abc") == abc  # counted already: left as it is
    MIGRATION.restore(apps, None)
    assert published("zfbz-housing") == own and not SchemeVersion.objects.filter(pk=successor.pk).exists()
    assert published("abc").number == abc.number - 1 and published("abc").rules == before
    assert published("public").number == public_number - 1 and published("plain") == untouched
    MIGRATION.count_department_lists(apps, None)  # and forward again
    assert published("abc").number == abc.number and BLACK in str(published("abc").rules)
