"""The credit office's review of a yearly run and of scheme versions, in the admin."""

import copy
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from grading.models import EvaluationRun, Grade, RunChunk, RunStatus, Scheme, SchemeVersion, VersionStatus
from grading.runs import run_start
from grading.services import regrade_all, version_published
from grading.versions import version_preview, version_publish

from .test_runs import county  # noqa: F401 - fixture
from .test_services import AS_OF

pytestmark = pytest.mark.django_db


def test_run_review_distribution_adjustment_and_publication(client, credit_office_user, county):  # noqa: F811
    call_command("yearly_run", as_of="2025-12-15", scheme="public", publish=True, stdout=io.StringIO())
    call_command("yearly_run", as_of=AS_OF.isoformat(), scheme="public", stdout=io.StringIO())
    run = EvaluationRun.objects.get(scheme__code="public", as_of=AS_OF)
    client.force_login(credit_office_user)
    page = client.get(reverse("admin:grading_evaluationrun_change", args=[run.pk])).content.decode()
    assert "本次" in page and "上一次" in page and county[0].name in page  # changed since last year
    grade = run.grades.get(subject=county[1])
    form = client.get(reverse("admin:grading_grade_change", args=[grade.pk])).content.decode()
    assert "轻微失信" in form and 'name="reason"' in form
    response = client.post(
        reverse("admin:grading_grade_change", args=[grade.pk]), {"new_grade": "A", "reason": ""}
    )
    assert response.status_code == 200
    grade.refresh_from_db()
    assert grade.grade == "B"
    response = client.post(
        reverse("admin:grading_grade_change", args=[grade.pk]), {"new_grade": "A", "reason": "经核实已整改"}
    )
    assert response.status_code == 302
    grade.refresh_from_db()
    assert grade.grade == "A" and grade.adjusted_reason == "经核实已整改"
    # Publishing is irreversible: the admin asks first, and publishes on the confirmation.
    asked = client.post(
        reverse("admin:grading_evaluationrun_changelist"),
        {"action": "publish_runs", "_selected_action": [run.pk]},
    )
    run.refresh_from_db()
    assert asked.status_code == 200 and run.status == RunStatus.COMPLETED
    client.post(
        reverse("admin:grading_evaluationrun_changelist"),
        {"action": "publish_runs", "_selected_action": [run.pk], "confirm": "yes"},
    )
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED and run.grades.filter(published=True).count() == 12
    published = client.get(reverse("admin:grading_grade_change", args=[grade.pk])).content.decode()
    # After publication an adjustment still goes through the form: it corrects the grade in force.
    assert 'name="reason"' in published
    current = Grade.objects.filter(subject=county[1], is_current=True).first()
    if current is not None:  # a computed grade is never adjusted: only a run's
        page = client.get(reverse("admin:grading_grade_change", args=[current.pk])).content.decode()
        assert 'name="reason"' not in page


def test_draft_version_preview_and_publication(credit_office_user, county):  # noqa: F811
    regrade_all(as_of=AS_OF)
    published = version_published(scheme=Scheme.objects.get(code="public"))
    rules = copy.deepcopy(published.rules)
    minor = next(n for n, band in enumerate(rules["classes"]) if band["label"] == "轻微失信")
    rules["classes"][minor] = {"label": "轻微失信", "severities": ["minor"], "best": "C", "worst": "C"}
    draft = SchemeVersion.objects.create(
        scheme=published.scheme, number=published.number + 1, rules=rules, record_scope="all"
    )
    preview = version_preview(version=draft, as_of=AS_OF)
    assert preview["total"] == 12 and preview["moves"] == {("B", "C"): 1}
    old_grades = list(Grade.objects.filter(scheme__code="public").values_list("pk", "grade", "version_id"))
    version_publish(actor=credit_office_user, version=draft)
    published.refresh_from_db()
    assert published.status == VersionStatus.RETIRED
    # Publishing changed no grade already given.
    assert (
        list(
            Grade.objects.filter(pk__in=[p for p, _g, _v in old_grades]).values_list(
                "pk", "grade", "version_id"
            )
        )
        == old_grades
    )
    regrade_all(as_of=AS_OF)
    assert Grade.objects.get(subject=county[1], scheme__code="public", is_current=True).grade == "C"


def test_an_invalid_draft_cannot_be_published(client, credit_office_user):
    published = version_published(scheme=Scheme.objects.get(code="abc"))
    rules = copy.deepcopy(published.rules)
    rules["conditions"][0]["grade"] = "E"
    draft = SchemeVersion.objects.create(
        scheme=published.scheme, number=published.number + 1, rules=rules, record_scope="kinds"
    )
    client.force_login(credit_office_user)
    response = client.post(
        reverse("admin:grading_schemeversion_changelist"),
        {"action": "publish_versions", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "等级必须是 A、B 或 C" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_the_run_page_shows_what_a_crash_left(client, credit_office_user, county):  # noqa: F811
    """After a crash the credit office sees which chunks are not done, who had them and their last beat."""
    run, _created = run_start(scheme=Scheme.objects.get(code="public"), as_of=AS_OF, chunk_subjects=5)
    lost = run.chunks.order_by("first_subject_id").first()
    RunChunk.objects.filter(pk=lost.pk).update(
        status=RunChunk.Status.RUNNING, attempts=1, worker="node-7:4242:abcd", heartbeat_at=timezone.now()
    )
    client.force_login(credit_office_user)
    page = client.get(reverse("admin:grading_evaluationrun_change", args=[run.pk])).content.decode()
    assert "node-7:4242:abcd" in page and page.count("<td>待处理</td>") == 2
    assert f"<td>{lost.first_subject_id}–{lost.last_subject_id}</td>" in page


def test_the_credit_office_switches_another_department_on(client, credit_office_user):
    """SPEC §3.6: other departments start from the fgw rules and are switched on in the admin — a copy
    of fgw's version given to the department, previewed and published; from then on the department
    grades its own subjects, with its own code on every grade."""
    from accounts.models import Department, Role
    from grading.services import regrade_subjects
    from tests.factories import make_company, make_user

    from .test_services import effective

    sthj = Department.objects.get(code="sthj")
    fgw_version = version_published(scheme=Scheme.objects.get(code="abc"))
    client.force_login(credit_office_user)
    response = client.post(
        reverse("admin:grading_schemeversion_changelist"),
        {"action": "copy_versions", "_selected_action": [fgw_version.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draft = SchemeVersion.objects.get(status=VersionStatus.DRAFT, scheme__code="abc")
    assert draft.department.code == "fgw" and draft.number == fgw_version.number + 1
    assert draft.rules == fgw_version.rules
    # Without a department a department scheme's version is refused, in Chinese; with one it is saved.
    url = reverse("admin:grading_schemeversion_change", args=[draft.pk])
    form = {
        "scheme": draft.scheme_id,
        "number": 1,
        "window_days": draft.window_days,
        "record_scope": draft.record_scope,
        "scope_kinds": json.dumps(draft.scope_kinds),
        "rules": json.dumps(draft.rules, ensure_ascii=False),
        "note": "生态环境局启用部门信用分级",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and "department" in refused.context["adminform"].form.errors
    saved = client.post(url, form | {"department": sthj.pk})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    client.post(
        reverse("admin:grading_schemeversion_changelist"),
        {"action": "publish_versions", "_selected_action": [draft.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED and draft.department == sthj
    assert version_published(scheme=draft.scheme).pk == fgw_version.pk  # fgw's own stays
    firm = make_company()
    sthj_clerk, sthj_reviewer = make_user(Role.CLERK, "sthj"), make_user(Role.REVIEWER, "sthj")
    effective(sthj_clerk, sthj_reviewer, firm, kind="警告", sanctions=[])
    regrade_subjects(subject_ids=[firm.pk])
    grade = Grade.objects.get(subject=firm, scheme__code="abc", is_current=True)
    assert grade.department == sthj and grade.version == draft and grade.grade == "B"
