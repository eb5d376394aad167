"""The ten main pages at 1366 and 375 px (issue 19): a screenshot of each (under ``artifacts/``, not
committed), no horizontal overflow (the document no wider than the viewport), and no serious or
critical accessibility violation found by axe-core (WCAG 2.1 A/AA, which GB/T 37668 asks too)."""

import pytest

from tests.browser import browser_login, check_page
from tests.factories import make_company, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_main_pages_fit_both_widths_and_pass_axe(browser_page, live_server):
    from records.models import CreditRecord
    from records.services import record_approve
    from tests.records.test_review_bulk import import_submitted

    clerk = make_user("clerk", "fgw", username="pages-clerk")
    reviewer = make_user("reviewer", "fgw", username="pages-reviewer")
    office = make_user("credit_office", "xyb", username="pages-office")
    import_submitted(12, actor=clerk)
    record = CreditRecord.objects.order_by("id").first()
    record_approve(actor=reviewer, record=record)
    make_company("西峡县页面检查有限公司")
    page = browser_page
    url = live_server.url
    pages = [
        (None, "login", "/accounts/login/"),
        (None, "public-lookup", "/public/?q=" + "西峡县"),
        (None, "public-subject", f"/public/subjects/{record.subject.code}/"),
        (clerk, "home-clerk", "/"),
        (clerk, "record-list", "/records/"),
        (clerk, "record-detail", f"/records/{record.pk}/"),
        (clerk, "upload", "/records/import/"),
        (reviewer, "review-queue", "/records/review/"),
        (office, "subjects", "/subjects/"),
        (office, "yearly-runs", "/grading/runs/"),
    ]
    problems = []
    for user, name, path in pages:
        if user is None:
            page.context.clear_cookies()
        else:
            browser_login(page, live_server, user)
        page.goto(url + path)
        found = check_page(page, name)
        for label, (document, viewport) in found["overflow"].items():
            if document > viewport:
                problems.append(f"{name} at {label}: {document} px wide in a {viewport} px viewport")
        assert found["axe_passed"] > 10, name  # axe-core ran
        for violation in found["axe"]:
            problems.append(f"{name}: axe {violation['impact']} {violation['id']} {violation['nodes']}")
    assert problems == []
