"""Grades through the real services: the window, what counts, dynamic/nightly/evaluate agreement."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Department
from grading import tasks
from grading.models import Grade, GradeSource, Scheme, SchemeVersion, VersionStatus
from grading.services import grades_refresh, regrade_all, regrade_subjects, version_published
from measures.models import ListType
from measures.services import list_entry_add, list_entry_remove
from records.importing import records_import
from records.services import record_approve, record_create, record_repair, record_revoke, record_submit
from records.spreadsheets import GENERAL_COLUMNS
from tests.factories import make_company, make_uscc
from tests.records.conftest import penalty_input

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 12, 15)


def effective(clerk, reviewer, subject, **overrides):
    record = record_create(actor=clerk, subject=subject, data=penalty_input(**overrides))
    record_submit(actor=clerk, record=record)
    return record_approve(actor=reviewer, record=record)


def current(subject, code="public"):
    return Grade.objects.get(subject=subject, scheme__code=code, is_current=True)


def test_the_window_holds_365_days(clerk, reviewer):
    firm = make_company()
    scheme = Scheme.objects.get(code="abc")
    # Day 365 of the window (as of 2026-12-15) is 2025-12-16; day 366 is 2025-12-15.
    effective(clerk, reviewer, firm, kind="警告", sanctions=[], decision_date=datetime.date(2025, 12, 15))
    grades_refresh(scheme=scheme, as_of=AS_OF, source=GradeSource.COMMAND)
    assert current(firm, "abc").grade == "A"
    effective(
        clerk,
        reviewer,
        firm,
        kind="警告",
        sanctions=[],
        decision_date=datetime.date(2025, 12, 16),
        document_number="第二号",
    )
    grades_refresh(scheme=scheme, as_of=AS_OF, source=GradeSource.COMMAND)
    grade = current(firm, "abc")
    assert grade.grade == "B" and grade.reasons[0]["documents"] == ["第二号"]


def test_revoked_and_repaired_records_do_not_count(clerk, reviewer):
    firm = make_company()
    first = effective(
        clerk,
        reviewer,
        firm,
        sanctions=[penalty_input().sanctions[0]],
        kind="行政处罚",
        matter="甲",
        decision_date=datetime.date(2026, 6, 1),
    )
    second = effective(clerk, reviewer, firm, matter="乙", decision_date=datetime.date(2026, 6, 2))
    regrade_all(as_of=AS_OF)
    assert current(firm).grade in ("C", "C-")
    record_revoke(actor=reviewer, record=first, reason="异议成立")
    record_repair(actor=reviewer, record=second, reason="已修复")
    regrade_all(as_of=AS_OF)
    assert current(firm).grade == "A" and current(firm, "abc").grade == "A"


def test_approval_regrades_the_subject_at_once(clerk, reviewer, django_capture_on_commit_callbacks):
    firm = make_company()
    with django_capture_on_commit_callbacks(execute=True):
        effective(clerk, reviewer, firm, decision_date=datetime.date(2026, 11, 2))
    grade = current(firm)
    assert grade.source == GradeSource.DYNAMIC and grade.grade in ("C", "C-")
    assert any("西发改罚〔2026〕1号" in r["documents"] for r in grade.reasons)
    assert current(firm, "abc").grade == "B"


def test_only_changed_grades_are_written(clerk, reviewer):
    firms = [make_company() for _ in range(3)]
    effective(clerk, reviewer, firms[0], decision_date=datetime.date(2026, 6, 1))
    first = regrade_all(as_of=AS_OF)
    assert first["public:"] == {"graded": 3, "changed": 3}
    again = regrade_all(as_of=AS_OF)
    assert again["public:"] == {"graded": 3, "changed": 0}
    assert Grade.objects.filter(scheme__code="public").count() == 3
    # A year later the record has left the window: that one subject changes.
    later = regrade_all(as_of=datetime.date(2027, 6, 2))
    assert later["public:"]["changed"] == 1
    assert Grade.objects.filter(subject=firms[0], scheme__code="public").count() == 2
    assert current(firms[0]).grade == "A"


def test_evaluate_agrees_with_the_stored_grades(clerk, reviewer, tmp_path):
    firms = [make_company() for _ in range(4)]
    effective(clerk, reviewer, firms[0], decision_date=datetime.date(2026, 6, 1))
    effective(clerk, reviewer, firms[1], kind="警告", sanctions=[], decision_date=datetime.date(2026, 6, 1))
    regrade_all(as_of=AS_OF)
    for code in ("public", "abc"):
        path = tmp_path / f"{code}.jsonl"
        call_command("evaluate", scheme=code, as_of=AS_OF.isoformat(), output=str(path))
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert len(lines) == 4  # SPEC §7: every subject
        stored = dict(
            Grade.objects.filter(scheme__code=code, is_current=True).values_list("subject__code", "grade")
        )
        evaluated = {line["subject_code"]: line["grade"] for line in lines}
        assert {key: evaluated[key] for key in stored} == stored
        # The county grades everyone; the department stores the grades of its own subjects (SPEC §3.6).
        own = {f.code for f in firms[:2]} if code == "abc" else {f.code for f in firms}
        assert set(stored) == own
        line = next(row for row in lines if row["subject_code"] == firms[0].code)
        published = version_published(scheme=Scheme.objects.get(code=code))  # fgw's for abc
        assert line["scheme"] == code and line["scheme_version"] == published.number
        assert line["as_of"] == "2026-12-15"
        assert any("西发改罚〔2026〕1号" in reason for reason in line["reasons"])
    out = io.StringIO()
    call_command("evaluate", scheme="abc", department="zjj", as_of="2026-12-15", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 4 and {line["department"] for line in lines} == {"zjj"}
    # zjj's own version grades by the county grade (000 Art. 8), which its reasons name.
    by_code = {line["subject_code"]: line for line in lines}
    warned = by_code[firms[1].code]  # a warning: county B → zjj B
    assert warned["grade"] == "B" and any("县公共信用综合评价" in r for r in warned["reasons"])
    assert by_code[firms[2].code]["grade"] == "A"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"scheme": "nope", "as_of": "2026-12-15"}, "unknown scheme"),
        ({"scheme": "abc", "as_of": "2026-13-01"}, "YYYY-MM-DD"),
        ({"scheme": "abc", "as_of": "2026-12-15", "department": "nope"}, "unknown department"),
    ],
)
def test_evaluate_refuses_bad_arguments(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("evaluate", **options)


def test_subject_page_explains_the_grade_in_chinese(
    client, clerk, reviewer, django_capture_on_commit_callbacks
):
    firm = make_company()
    with django_capture_on_commit_callbacks(execute=True):
        effective(clerk, reviewer, firm, decision_date=datetime.date(2026, 11, 2))
    client.force_login(clerk)
    page = client.get(f"/subjects/{firm.pk}/").content.decode()
    assert "公共信用综合评价" in page and "一般失信信息：1 条" in page and "西发改罚〔2026〕1号" in page


def test_admin_refuses_an_invalid_scheme_version(client, credit_office_user):
    public = Scheme.objects.get(code="public")
    published = SchemeVersion.objects.get(scheme=public, status=VersionStatus.PUBLISHED)
    rules = published.rules
    broken = {
        **rules,
        "levels": [["A+", 1010], ["A", 1020], ["B", 950], ["C", 900], ["C-", 800], ["D", 700], ["D-", None]],
        "ignore_kinds": ["no_such_kind"],
    }
    client.force_login(credit_office_user)
    response = client.post(
        "/admin/grading/schemeversion/add/",
        {
            "scheme": public.pk,
            "number": published.number + 1,
            "status": "draft",
            "window_days": 365,
            "record_scope": "all",
            "scope_kinds": "[]",
            "rules": json.dumps(broken),
            "note": "试算",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "逐级严格递减" in page and "no_such_kind" in page
    assert not SchemeVersion.objects.filter(scheme=public, number=published.number + 1).exists()


def test_an_approved_import_regrades_its_subjects_in_bounded_tasks(
    django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(tasks, "REGRADE_CHUNK", 2)
    sent = []
    real_delay = tasks.regrade_subjects_task.delay
    monkeypatch.setattr(
        tasks.regrade_subjects_task, "delay", lambda ids: sent.append(len(ids)) or real_delay(ids)
    )
    codes = [make_uscc() for _ in range(5)]
    rows = [",".join(GENERAL_COLUMNS)] + [
        f"企业{i},法人,{c},警告,第{i}号,2026-11-02,,,,未按期报送" for i, c in enumerate(codes)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        records_import(
            content="\n".join(rows).encode(),
            file_name="h.csv",
            department=Department.objects.get(code="fgw"),
            approve=True,
        )
    grades = Grade.objects.filter(scheme__code="abc", is_current=True, subject__code__in=codes)
    assert sorted(grades.values_list("grade", flat=True)) == ["B"] * 5
    assert sent == [2, 2, 1]


def test_a_listing_counts_while_in_force_however_old(credit_office_user):
    """002 §4(3): a black listing holds until it is removed, not for the one-year window only."""
    today = timezone.localdate()
    firm = make_company()
    entry = list_entry_add(
        actor=credit_office_user,
        list_type=ListType.BLACK,
        subject=firm,
        reason="拒不履行法定义务",
        authority="县信用办",
        listed_on=today - datetime.timedelta(days=800),
    )
    regrade_subjects(subject_ids=[firm.pk], as_of=today)
    assert current(firm).grade == "D-"
    grades_refresh(scheme=Scheme.objects.get(code="public"), as_of=today, source=GradeSource.NIGHTLY)
    assert current(firm).grade == "D-"
    list_entry_remove(actor=credit_office_user, entry=entry, removed_on=today, reason="期满移出")
    regrade_subjects(subject_ids=[firm.pk], as_of=today)
    assert current(firm).grade == "A"


def _evaluated(scheme: str, department: str, as_of: datetime.date) -> dict:
    out = io.StringIO()
    call_command("evaluate", scheme=scheme, department=department, as_of=as_of.isoformat(), stdout=out)
    return {line["subject_code"]: line for line in map(json.loads, out.getvalue().splitlines())}


def test_the_housing_bureau_grades_by_the_county_grade(tmp_path):
    """Issue 16, SPEC §3.6 (000 Art. 8): a serious penalty from scjg is D under ``public`` and C under
    zjj's own scheme, whose reasons name the county grade; a national D alone lowers ``public`` to at
    most C- and zjj's grade to B."""
    from accounts.models import Role
    from records.validation import SanctionInput
    from tests.factories import make_user

    today = timezone.localdate()
    penalised, rated = make_company(), make_uscc()
    scjg_clerk, scjg_reviewer = make_user(Role.CLERK, "scjg"), make_user(Role.REVIEWER, "scjg")
    effective(
        scjg_clerk,
        scjg_reviewer,
        penalised,
        sanctions=[SanctionInput("吊销许可证件")],
        decision_date=today - datetime.timedelta(days=20),
    )
    path = tmp_path / "down.jsonl"
    item = {
        "id": "NE-16",
        "type": "national_evaluation",
        "payload": {
            "subject_code": rated,
            "subject_name": "西峡县国评测试有限公司",
            "subject_kind": "法人及非法人组织",
            "grade": "D",
            "as_of": (today - datetime.timedelta(days=5)).isoformat(),
        },
    }
    path.write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
    call_command("import_pulldown", str(path), stdout=io.StringIO())
    regrade_all(as_of=today)
    county = {g.subject.code: g.grade for g in Grade.objects.filter(scheme__code="public", is_current=True)}
    assert county[penalised.code] in ("D", "D-")
    assert county[rated] in ("C-", "D", "D-") and county[rated] == "C-"
    zjj = _evaluated("abc", "zjj", today)
    assert zjj[penalised.code]["grade"] == "C" and zjj[penalised.code]["department"] == "zjj"
    assert any("县公共信用综合评价" in r and "严重失信" in r for r in zjj[penalised.code]["reasons"])
    assert zjj[rated]["grade"] == "B"
    assert any("县公共信用综合评价" in r for r in zjj[rated]["reasons"])
    # scjg, which has the firm as its subject, stores its own grade; zjj, which does not, stores none.
    assert Grade.objects.get(subject=penalised, scheme__code="abc", is_current=True).department.code == "scjg"
