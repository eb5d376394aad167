"""The ten main pages at 1366 and 375 px (issue 19): a screenshot of each (under ``artifacts/``, not
committed), no horizontal overflow (the document no wider than the viewport), no navigation link whose
text breaks across lines, and no serious or critical accessibility violation found by axe-core
(WCAG 2.1 A/AA, which GB/T 37668 asks too)."""

import pytest

from tests.browser import broken_links, browser_login, check_page
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
        for label, links in found["broken_links"].items():
            if links:
                problems.append(f"{name} at {label}: navigation links broken across lines: {links}")
        assert found["axe_passed"] > 10, name  # axe-core ran
        for violation in found["axe"]:
            problems.append(f"{name}: axe {violation['impact']} {violation['id']} {violation['nodes']}")
    assert problems == []


def test_a_navigation_link_broken_across_lines_is_found(browser_page):
    """The check above can fail: a link in a narrow flex row whose text wraps is named, a whole one not."""
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    # Latin words, so that where the text breaks does not depend on the machine's CJK fonts.
    row = (
        '<nav style="display:flex;width:6rem;gap:1rem"><a href="#"{}>Black list of joint punishment</a></nav>'
    )
    page.set_content(row.format(""))
    assert broken_links(page) == ["Black list of joint punishment"]
    page.set_content(row.format(' style="white-space:nowrap"'))
    assert broken_links(page) == []
