"""``manage.py measures --subject CODE`` exactly as SPEC §7 says."""

import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from measures.models import ListType
from measures.services import list_entry_add
from tests.factories import make_company, make_resident_id, make_uscc

from .conftest import days_ago, effective, graded

pytestmark = pytest.mark.django_db

REQUIRED = {"measure_code", "measure_name", "kind", "scheme", "grade", "legal_basis", "parameters"}


def run(code: str) -> list[dict]:
    out, err = io.StringIO(), io.StringIO()
    call_command("measures", subject=code, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_json_lines_for_a_b_graded_firm(clerk, reviewer):
    firm = make_company()
    effective(clerk, reviewer, firm, "警告")
    graded([firm.pk])
    rows = run(firm.code)
    assert rows and all(REQUIRED <= set(row) for row in rows)
    assert all(isinstance(row["parameters"], dict) for row in rows)
    cap = [r for r in rows if r["scheme"] == "public" and "inspections_per_year" in r["parameters"]]
    assert [(r["grade"], r["parameters"]["inspections_per_year"]) for r in cap] == [("B", 1)]
    assert {r["kind"] for r in rows} <= {"incentive", "management", "punishment"}
    assert all(r["via_subject"] is None for r in rows)


def test_lowercase_and_spaces_are_accepted(clerk, reviewer):
    firm = make_company()
    graded([firm.pk])
    rows = run(f"  {firm.code.lower()} ")
    nocap = [r for r in rows if "inspections_per_year" in r["parameters"] and r["scheme"] == "public"]
    assert [r["parameters"]["inspections_per_year"] for r in nocap] == [0]


def test_a_legal_representative_gets_via_subject(credit_office_user):
    person_code = make_resident_id()
    firm = make_company(rep=(person_code, "赵六"))
    list_entry_add(
        actor=credit_office_user,
        list_type=ListType.BLACK,
        subject=firm,
        reason="逃避执行",
        authority="西峡县人民法院",
        listed_on=days_ago(1),
    )
    graded([firm.pk, firm.legal_representative_id])
    rows = run(person_code)
    via = [r for r in rows if r["via_subject"] == firm.code]
    assert via and all(r["measure_code"] for r in via)
    assert "wd-black-personal-liability" in {r["measure_code"] for r in via}
    assert "pub-d-key-target" not in {r["measure_code"] for r in via}  # does not extend to the person
    d_minus = [r for r in via if r["scheme"] == "public"]
    assert d_minus and all(r["grade"] == "D-" for r in d_minus)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("91411323MA3X", "18"),  # too short
        ("91411323MA3XQ5PL1X", "校验"),  # check character wrong (digits made up)
        ("", "代码"),
    ],
)
def test_an_invalid_code_fails_with_a_clear_message(code, words):
    with pytest.raises(CommandError) as caught:
        run(code)
    assert words in str(caught.value)


def test_an_unknown_code_fails_with_a_clear_message():
    code = make_uscc()
    with pytest.raises(CommandError) as caught:
        run(code)
    assert code in str(caught.value) and "未登记" in str(caught.value)


def test_the_exit_status_is_non_zero_for_a_bad_code():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "creditreg.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "measures", "--subject", "12345"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "12345" in result.stderr and result.stdout == ""
