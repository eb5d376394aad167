"""The to-do of each role on the landing page (issue 19)."""

import datetime

import pytest
from django.urls import reverse

from records.services import record_create, record_return, record_submit
from tests.factories import make_company
from tests.records.conftest import penalty_input

pytestmark = pytest.mark.django_db


def test_the_clerks_to_do_lists_drafts_returned_and_due_records(client, clerk, reviewer):
    firm = make_company()
    old = datetime.date(2026, 1, 5)  # decided long ago: past its publication deadline
    record_create(actor=clerk, subject=firm, data=penalty_input(document_number="草稿1号", decision_date=old))
    returned = record_create(actor=clerk, subject=firm, data=penalty_input(document_number="退回1号"))
    record_submit(actor=clerk, record=returned)
    record_return(actor=reviewer, record=returned, reason="补充")
    client.force_login(clerk)
    page = client.get(reverse("home")).content.decode()
    assert "我的草稿" in page and "退回给我的记录" in page and "待公示" in page
    # Overdue first.
    assert page.index("待公示") < page.index("我的草稿")


def test_the_reviewers_to_do_counts_the_queue(client, clerk, reviewer, django_assert_max_num_queries):
    firm = make_company()
    for i in range(3):
        record = record_create(actor=clerk, subject=firm, data=penalty_input(document_number=f"审{i}号"))
        record_submit(actor=clerk, record=record)
    client.force_login(reviewer)
    client.get(reverse("home"))
    with django_assert_max_num_queries(25):
        page = client.get(reverse("home")).content.decode()
    assert "待审核的记录" in page and '<span class="count">3</span>' in page
