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
from django.db import connection, connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.models import Role

from .factories import make_user
from .otp import force_login_verified

# Property tests check properties, not the machine's speed: a CI machine busy with a browser, a worker
# and PostgreSQL must not fail them for slow input generation or a slow example.
hypothesis_settings.register_profile("creditreg", suppress_health_check=[HealthCheck.too_slow], deadline=None)
hypothesis_settings.load_profile("creditreg")

REQUIRE_SERVICES = os.environ.get("CREDITREG_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def service_unavailable(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CREDITREG_REQUIRE_SERVICES=1 requires it)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache (locmem in tests); every test starts with full budgets,
    wherever it touches a public page."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``client.force_login`` skips the login page; for the credit office and reviewers it also marks
    the session as having given a TOTP code with the user's device (tests/otp.py). The middleware that
    asks for the code is not touched: tests about it log in with ``force_login_unverified``."""
    from django.test.client import ClientMixin

    monkeypatch.setattr(ClientMixin, "force_login", force_login_verified)


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


class WorkerProcess:
    """A real ``celery worker`` process that a test can kill (SIGKILL, as a crash) and start again."""

    def __init__(self, env: dict):
        self.env = env
        self.node = ""
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile("w+", prefix="celery-worker-", suffix=".log", delete=False)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def start(self) -> "WorkerProcess":
        from creditreg.celery import app

        self.node = f"test-{uuid.uuid4().hex[:8]}@localhost"
        self.proc = subprocess.Popen(
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
                self.node,
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[self.node], timeout=1.0):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                pytest.fail(f"the Celery worker did not start:\n{self.log.read()[-4000:]}")
        return self

    def log_tail(self, size: int = 4000) -> str:
        self.log.flush()
        with open(self.log.name, encoding="utf-8", errors="replace") as handle:
            return handle.read()[-size:]

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=20)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def close(self) -> None:
        self.stop()
        self.log.close()
        os.unlink(self.log.name)


@pytest.fixture
def worker_env(transactional_db):
    """The environment of a worker sharing the test database and the broker of ``REDIS_URL``."""
    if not settings.TEST_REDIS_URL:
        service_unavailable("REDIS_URL is not set: there is no broker for a real worker")
    _broker_forget()
    yield {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "creditreg.settings.base",
        "DATABASE_URL": _database_url_for_worker(),
        "REDIS_URL": settings.TEST_REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    _broker_forget()


def _broker_forget() -> None:
    """Drop this project's queued and unacknowledged messages, so a message left by a killed worker
    is never delivered to a later test (or a later run) against another test database."""
    import redis

    client = redis.Redis.from_url(settings.TEST_REDIS_URL)
    client.delete(settings.CELERY_TASK_DEFAULT_QUEUE, "unacked", "unacked_index", "unacked_mutex")
    client.close()


@pytest.fixture
def celery_worker(worker_env):
    """A real worker; tasks sent while the fixture is active go through Redis to it, not inline."""
    from creditreg.celery import app

    worker = WorkerProcess(worker_env)
    app.conf.task_always_eager = False
    try:
        worker.start()
        yield worker
    finally:
        app.conf.task_always_eager = True
        worker.close()


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
            # With Playwright's event loop running in this thread, Django keeps this thread's database
            # connections per async context (asgiref's Local): the test's ORM calls opened one of
            # their own, which nothing else closes; left open, PostgreSQL refuses to drop the test
            # database at the end ("being accessed by other users").
            connections.close_all()
            context.close()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


# The browser tests are a heavy check that CI makes once, in its PostgreSQL pass (CREDITREG_BROWSER=1).
BROWSER = os.environ.get("CREDITREG_BROWSER") == "1"


def pytest_collection_modifyitems(config, items):
    if BROWSER:
        return
    skip = pytest.mark.skip(
        reason="the browser tests are a heavy check of the PostgreSQL pass of .ci/run "
        "(set CREDITREG_BROWSER=1)"
    )
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL if settings.TEST_REDIS_URL else "none (tasks inline)"
    engine = db["ENGINE"].rsplit(".", 1)[-1]
    return [f"creditreg: database {engine} {db.get('HOST') or ''} · celery broker {broker}"]
