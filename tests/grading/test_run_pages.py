"""The yearly run from the credit office's pages (issue 19): started with the as-of date checked,
watched, reviewed, adjusted, published with a confirmation; and the to-do of each role."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLog
from grading.models import EvaluationRun, Grade, RunStatus
from tests.factories import make_company

from .test_services import effective

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(clerk, reviewer):
    firms = [make_company() for _ in range(6)]
    effective(clerk, reviewer, firms[0], decision_date=datetime.date(2026, 6, 1))
    return firms


def test_the_credit_office_starts_watches_adjusts_and_publishes_a_run(client, credit_office_user, county):
    client.force_login(credit_office_user)
    url = reverse("grading:runs")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = client.post(url, {"as_of": tomorrow.isoformat(), "scheme": "public"})
    assert page.status_code == 200 and "在将来" in page.content.decode()
    assert not EvaluationRun.objects.exists()
    today = timezone.localdate()
    response = client.post(url, {"as_of": today.isoformat(), "scheme": "public"})
    run = EvaluationRun.objects.get(scheme__code="public", as_of=today)
    assert response.status_code == 302 and response["Location"] == reverse("grading:run", args=[run.pk])
    assert AuditLog.objects.filter(action="run.request", actor=credit_office_user).exists()
    detail = client.get(response["Location"]).content.decode()
    # Inline (the embedded mode) the run is done at once: every chunk, the bar full, review next.
    assert "待审核" in detail and f"已完成 {run.chunks_total} / {run.chunks_total} 个分块" in detail
    assert 'value="100"' in detail
    # Starting the same date again resumes the run: no second run.
    client.post(url, {"as_of": today.isoformat(), "scheme": "public"})
    assert EvaluationRun.objects.filter(scheme__code="public").count() == 1
    # The to-do of the credit office lists the run to review.
    assert "待审核的年度评价" in client.get(reverse("home")).content.decode()
    # Adjust one grade with a reason.
    firm = county[1]
    client.post(
        reverse("grading:run_adjust", args=[run.pk]),
        {"subject_code": firm.code, "grade": "B", "reason": "核实"},
    )
    assert Grade.objects.get(run=run, subject=firm).grade == "B"
    # Publishing needs the confirmation.
    client.post(reverse("grading:run_publish", args=[run.pk]), {})
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    client.post(reverse("grading:run_publish", args=[run.pk]), {"confirm": "on"})
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED


def test_only_the_credit_office_opens_the_run_pages(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("grading:runs")).status_code == 403


def test_the_admin_asks_before_publishing_runs(client, credit_office_user, county):
    from django.core.management import call_command

    call_command("yearly_run", as_of=timezone.localdate().isoformat(), scheme="public", stdout=None)
    run = EvaluationRun.objects.get(scheme__code="public")
    client.force_login(credit_office_user)
    url = reverse("admin:grading_evaluationrun_changelist")
    page = client.post(url, {"action": "publish_runs", "_selected_action": [run.pk]})
    assert page.status_code == 200 and "不可撤回" in page.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    client.post(url, {"action": "publish_runs", "_selected_action": [run.pk], "confirm": "yes"})
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED


def test_a_running_run_is_watched_by_a_page_that_refreshes_itself(client, credit_office_user, county):
    from grading.models import Scheme
    from grading.runs import run_start

    run, _created = run_start(scheme=Scheme.objects.get(code="public"), as_of=timezone.localdate())
    client.force_login(credit_office_user)
    response = client.get(reverse("grading:run", args=[run.pk]))
    page = response.content.decode()
    assert response["Refresh"] == "3" and f"已完成 0 / {run.chunks_total} 个分块" in page
    assert "发布本次评价" not in page  # nothing to publish while it runs
