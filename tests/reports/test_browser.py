"""The summary page in the system Chromium with every request outside this server refused: the charts
still draw (they are inline SVG)."""

import pytest

from grading.models import EvaluationRun
from tests.otp import browser_second_factor

from .conftest import YEAR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_charts_draw_offline(browser_page, live_server, county, credit_office_user):
    page = browser_page
    outside: list[str] = []

    def only_this_server(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", credit_office_user.username)
    page.fill("input[name=password]", "pw-for-tests-2026")
    page.click("button[type=submit]")
    browser_second_factor(page, credit_office_user.username)
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav >> text=年度工作总结")
    page.wait_for_url("**/reports/")
    page.click("text=全县")
    page.wait_for_url(f"**/reports/{YEAR}/")
    charts = page.locator("svg.chart")
    # Two per yearly run: the county's and each department's own A/B/C run (SPEC §3.6).
    assert charts.count() == 2 * EvaluationRun.objects.filter(as_of__year=YEAR).count() == 10
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100
    bars = page.locator("#grades-public-county svg.chart").first.locator("rect.bar")
    heights = [bars.nth(i).bounding_box()["height"] for i in range(bars.count())]
    assert bars.count() == 14 and max(heights) > 50  # 7 levels × (last year, this year)
    assert outside == []
    page.screenshot(path="/tmp/creditreg-yearly-summary.png", full_page=True)
