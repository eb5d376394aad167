"""The one action view of the pages (core.actions.ActionView) and the one history fragment: POST only,
for a logged-in user; a role that may not answers 403 unless the page tells it as a message; the
subject reads an objection's history without the handlers' names."""

import pytest
from django.conf import settings
from django.urls import reverse

from objections.services import objection_accept, objection_file
from records.models import RecordStatus
from records.services import record_create, record_submit
from tests.objections.conftest import effective_record
from tests.records.conftest import penalty_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(clerk, firm):
    return record_submit(actor=clerk, record=record_create(actor=clerk, subject=firm, data=penalty_input()))


def test_an_action_is_a_post_of_a_logged_in_user(client, clerk, submitted):
    url = reverse("records:action", args=[submitted.pk, "approve"])
    assert client.post(url)["Location"].startswith(reverse(settings.LOGIN_URL))
    client.force_login(clerk)
    assert client.get(url).status_code == 405
    submitted.refresh_from_db()
    assert submitted.status == RecordStatus.SUBMITTED


def test_a_role_that_may_not_gets_403_where_the_page_does_not_tell_it(client, clerk, submitted):
    client.force_login(clerk)  # entered and submitted it: four eyes
    assert client.post(reverse("records:action", args=[submitted.pk, "approve"])).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == RecordStatus.SUBMITTED


def test_the_objection_page_tells_a_subject_user_that_it_may_not_decide(
    client, clerk, reviewer, firm, subject_user
):
    objection = objection_file(
        actor=subject_user, record=effective_record(clerk, reviewer, firm), reasons="理由"
    )
    client.force_login(subject_user)
    response = client.post(reverse("objections:action", args=[objection.pk, "accept"]), follow=True)
    assert response.status_code == 200 and "记录异议由录入该记录部门的审核员处理" in response.content.decode()
    objection.refresh_from_db()
    assert objection.status == "submitted"


def test_the_subject_reads_the_history_without_the_handlers_names(
    client, clerk, reviewer, firm, subject_user
):
    record = effective_record(clerk, reviewer, firm)
    objection = objection_accept(
        actor=reviewer, objection=objection_file(actor=subject_user, record=record, reasons="理由")
    )
    url = reverse("objections:detail", args=[objection.pk])
    client.force_login(reviewer)
    assert reviewer.username in client.get(url).content.decode()
    client.force_login(subject_user)
    page = client.get(url).content.decode()
    assert "处理记录" in page and reviewer.username not in page
