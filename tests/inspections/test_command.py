"""``inspection_draw`` exactly as SPEC §7 pins it."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from inspections.models import Inspection, InspectionPlan

from .conftest import YEAR


def run(*args) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("inspection_draw", *args, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def args(seed="种子-1", matter="企业公示信息抽查", *more):
    return ["--department", "scjg", "--matter", matter, "--year", str(YEAR), "--seed", seed, *more]


def test_prints_one_json_line_per_drawn_subject_and_counts_on_stderr(world):
    lines, err = run(*args("s1", "企业公示信息抽查", "--ratios", "B=0.5,C=1,D=1"))
    assert len(lines) == 4 + 3 + 2
    names = {
        i.name
        for i in __import__("inspections.models", fromlist=["Inspector"]).Inspector.objects.filter(
            department__code="scjg"
        )
    }
    for line in lines:
        assert {"subject_code", "grade", "inspectors"} <= set(line)
        assert len(line["inspectors"]) == 2 and set(line["inspectors"]) <= names
    assert [line["grade"] for line in lines] == ["B"] * 4 + ["C"] * 3 + ["D"] * 2
    assert "skipped" in err and "B: 7 eligible" in err
    assert Inspection.objects.count() == 9


def test_without_ratios_the_defaults_apply_with_round_half_up(world):
    lines, err = run(*args("s2"))
    # B 7 × 0.05 = 0.35 → 0; C 3 × 0.1 = 0.3 → 0; D 2 × 0.3 = 0.6 → 1; A+ 0.
    assert [line["grade"] for line in lines] == ["D"]
    assert "D: 2 eligible, ratio 0.3, quota 1" in err


def test_the_same_seed_gives_the_same_lines_and_a_repeat_prints_the_recorded_draw(world):
    dry, _ = run(*args("same", "企业公示信息抽查", "--ratios", "B=0.5,C=1", "--dry-run"))
    assert not InspectionPlan.objects.exists()
    first, _ = run(*args("same", "企业公示信息抽查", "--ratios", "B=0.5,C=1"))
    again, err = run(*args("same", "企业公示信息抽查", "--ratios", "B=0.5,C=1"))
    strip = lambda lines: [{k: v for k, v in line.items() if k != "plan"} for line in lines]  # noqa: E731
    assert strip(dry) == strip(first) == strip(again)
    assert (
        "recorded draw" in err
        and InspectionPlan.objects.count() == 1
        and Inspection.objects.count() == len(first)
    )


def test_another_seed_for_a_drawn_plan_is_refused(world):
    run(*args("one"))
    with pytest.raises(CommandError, match="另一随机种子"):
        run(*args("two"))
    assert InspectionPlan.objects.count() == 1


def test_a_dry_run_counts_toward_no_cap_and_a_recorded_one_does(world):
    run(*args("x", "甲", "--ratios", "B=1", "--dry-run"))
    lines, _ = run(*args("y", "乙", "--ratios", "B=1"))
    assert [line["grade"] for line in lines].count("B") == 7  # the dry run took nobody's inspection
    lines, err = run(*args("z", "丙", "--ratios", "B=1"))
    assert [line["grade"] for line in lines] == ["D"] and "7 skipped for their caps" in err  # D: no cap


@pytest.mark.parametrize(
    "bad",
    [
        ["--department", "nope", "--matter", "x", "--year", "2026", "--seed", "s"],
        ["--department", "scjg", "--matter", "x", "--year", "2026", "--seed", "s", "--ratios", "B=2"],
        ["--department", "scjg", "--matter", "x", "--year", "2026", "--seed", "s", "--ratios", "B"],
        ["--department", "scjg", "--matter", "  ", "--year", "2026", "--seed", "s"],
    ],
)
def test_bad_input_exits_non_zero_with_a_message_and_records_nothing(world, bad):
    with pytest.raises(CommandError):
        run(*bad)
    assert not InspectionPlan.objects.exists()
