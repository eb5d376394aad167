"""Helpers of the browser tests: a session without the login page, screenshots at the two widths the
county's screens have (1366 px desktops, 375 px phones) with the check that nothing overflows, and an
accessibility check with axe-core (the script shipped by PyPI's axe-playwright-python)."""

import json
import os
from pathlib import Path

from django.conf import settings
from django.test import Client

WIDTHS = {"desktop": (1366, 768), "phone": (375, 740)}
# Where the screenshots go: an ignored directory (never committed), or pytest's tmp when unset.
ARTIFACTS = Path(os.environ.get("CREDITREG_ARTIFACTS", Path(__file__).resolve().parent.parent / "artifacts"))


def browser_login(page, live_server, user) -> None:
    """Log ``user`` in by a session cookie (``force_login`` passes the second factor, tests/otp.py)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def overflow(page) -> tuple[int, int]:
    """(document width, viewport width): the first must not exceed the second."""
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


def broken_links(page) -> list[str]:
    """The navigation links whose text breaks across lines (a link must read as one)."""
    # The lines of a link's text are the distinct tops of its text's boxes (a link in a flex row is a
    # block of its own, so the link itself has one box however many lines its text takes).
    return page.evaluate(
        """() => [...document.querySelectorAll('nav a')].filter(a => {
            if (!a.offsetParent) return false;
            const range = document.createRange();
            range.selectNodeContents(a);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            return tops.size > 1;
        }).map(a => a.textContent.trim())"""
    )


def axe_script() -> str:
    import axe_playwright_python

    path = Path(axe_playwright_python.__file__).resolve().parent / "axe.min.js"
    return path.read_text(encoding="utf-8")


def axe_serious(page) -> tuple[list[dict], int]:
    """The serious and critical violations axe-core finds on the page (WCAG 2.1 A and AA rules), and
    the number of rules it checked and found passed (proof that it ran)."""
    # Evaluated through the debugging protocol: the page's Content-Security-Policy refuses inline
    # scripts (as it should), and the check must not weaken it.
    page.evaluate(axe_script())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    serious = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    return serious, len(result["passes"])


def check_page(page, name: str, *, widths=WIDTHS) -> dict:
    """Screenshots of the page at each width, its overflow and its axe findings (at the first width)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    found: dict = {"overflow": {}, "broken_links": {}, "axe": [], "axe_passed": 0}
    for label, (width, height) in widths.items():
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        page.wait_for_load_state()
        found["overflow"][label] = overflow(page)
        found["broken_links"][label] = broken_links(page)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        if label == "desktop":
            found["axe"], found["axe_passed"] = axe_serious(page)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1))
    return found
