"""Fixtures shared by the suite.

Tests about a component we ship run against the real thing: the worker tests start a real Celery
worker on the Redis of ``REDIS_URL`` and a shareable database (PostgreSQL); the browser tests drive the
system Chromium. Where that component is absent on a developer's machine the test is skipped with the
reason; CI sets ``CREDITREG_REQUIRE_SERVICES=1`` and then a missing component fails the run instead.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Role

from .factories import make_user

REQUIRE_SERVICES = os.environ.get("CREDITREG_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def service_unavailable(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CREDITREG_REQUIRE_SERVICES=1 requires it)")
    pytest.skip(reason)


@pytest.fixture
def credit_office_user(db):
    return make_user(Role.CREDIT_OFFICE, "xyb", username="xyb-officer")


@pytest.fixture
def clerk(db):
    return make_user(Role.CLERK, "fgw", username="fgw-clerk")


@pytest.fixture
def reviewer(db):
    return make_user(Role.REVIEWER, "fgw", username="fgw-reviewer")


@pytest.fixture
def other_clerk(db):
    return make_user(Role.CLERK, "scjg", username="scjg-clerk")


def _database_url_for_worker() -> str:
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        service_unavailable("a worker process needs a shared database: set DATABASE_URL to PostgreSQL")
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(transactional_db):
    """A real ``celery worker`` process on the test database and the broker of ``REDIS_URL``.

    Tasks sent while the fixture is active go through Redis to that process; the test process stops
    running them inline. The worker is stopped, and its log shown on failure, afterwards.
    """
    from creditreg.celery import app

    if not settings.TEST_REDIS_URL:
        service_unavailable("REDIS_URL is not set: there is no broker for a real worker")
    database_url = _database_url_for_worker()
    node = f"test-{uuid.uuid4().hex[:8]}@localhost"
    log = tempfile.NamedTemporaryFile("w+", prefix="celery-worker-", suffix=".log", delete=False)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "creditreg.settings.base",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.TEST_REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "creditreg",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-n",
            node,
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[node], timeout=1.0):
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"the Celery worker did not start:\n{log.read()[-4000:]}")
        yield {"node": node, "pid": proc.pid}
    finally:
        app.conf.task_always_eager = True
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        os.unlink(log.name)


@pytest.fixture
def browser_page(live_server):
    """A page of the system Chromium, headless, through Playwright (never a downloaded browser)."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        service_unavailable(f"Chromium is not installed at {CHROMIUM} (Debian package chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        service_unavailable("playwright is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes are still
    # synchronous, so Django's guard against async contexts does not apply here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL if settings.TEST_REDIS_URL else "none (tasks inline)"
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    return [f"creditreg: database {engine} {db.get('HOST') or ''} · celery broker {broker}"]
