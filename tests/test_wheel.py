"""The wheel is the deployable unit: built from this checkout, installed into a fresh virtualenv outside
it, it must hold every app with its pages, style and catalogue, and serve a page in Chinese.

Heavy (a build and an install with all dependencies), so it runs once, in the PostgreSQL pass of CI
(CREDITREG_WHEEL=1), like the browser tests and the API fuzzing.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.documents.pdftext import pdf_text, squeeze
from tests.factories import make_uscc

pytestmark = pytest.mark.skipif(
    os.environ.get("CREDITREG_WHEEL") != "1", reason="the wheel check runs in the PostgreSQL pass of CI"
)

PAGE_CHECK = """
from django.contrib.staticfiles import finders
from django.test import Client
import creditreg
page = Client().get("/public/")
body = page.content.decode()
assert page.status_code == 200, page.status_code
assert "信用" in body, "the page is not in Chinese: the catalogue is missing"
assert finders.find("css/site.css"), "the style sheet is missing"
print("PAGE-OK", creditreg.__file__)
"""


def run(args: list, cwd: Path, env: dict) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_the_wheel_installs_and_serves_a_page_outside_the_checkout(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV"}
    }
    # Built from a copy of the files git tracks, so the build leaves nothing in the checkout.
    source = tmp_path / "source"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=settings.BASE_DIR, capture_output=True, check=True
    )
    for name in filter(None, tracked.stdout.decode().split("\0")):
        if (Path(settings.BASE_DIR) / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(Path(settings.BASE_DIR) / name, source / name)
    leftovers = [Path(settings.BASE_DIR) / name for name in ("build", "creditreg.egg-info")]
    there_before = {path for path in leftovers if path.exists()}
    wheels = tmp_path / "wheels"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(source),
        ],
        cwd=tmp_path,
        env=env,
    )
    (wheel,) = wheels.glob("creditreg-*.whl")
    assert {path for path in leftovers if path.exists()} == there_before, "the build wrote into the checkout"

    venv = tmp_path / "venv"
    run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)], cwd=tmp_path, env=env)
    run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)], cwd=tmp_path, env=env)

    site = tmp_path / "site"
    site.mkdir()
    env |= {"DJANGO_DEBUG": "true", "CREDITREG_DATA_DIR": str(site)}
    manage = str(venv / "bin" / "creditreg-manage")
    run([manage, "check"], cwd=site, env=env)
    run([manage, "migrate", "--noinput"], cwd=site, env=env)
    assert (site / "db.sqlite3").is_file()
    out = run([manage, "shell", "-c", PAGE_CHECK], cwd=site, env=env)
    assert "PAGE-OK" in out
    installed_at = Path(out.split("PAGE-OK", 1)[1].strip())
    assert venv in installed_at.parents, f"the page came from {installed_at}, not from the installed wheel"
    for app in settings.INSTALLED_APPS:
        top = app.split(".")[0]
        if (Path(settings.BASE_DIR) / top).is_dir():
            assert list((venv / "lib").glob(f"python3*/site-packages/{top}/__init__.py")), (
                f"{top} is not in the wheel"
            )
    # The fonts travel with the wheel: a credit report is drawn by the installed package.
    code = make_uscc()
    register = (
        "from subjects.services import subject_register; "
        f"subject_register(actor=None, kind='legal_person', code='{code}', name='西峡县轮子测试有限公司')"
    )
    run([manage, "shell", "-c", register], cwd=site, env=env)
    report = site / "report.pdf"
    out = run([manage, "credit_report", "--subject", code, "--output", str(report)], cwd=site, env=env)
    number = out.strip().splitlines()[-1]
    assert number.startswith("XYBG-") and report.read_bytes().startswith(b"%PDF")
    assert number in squeeze(pdf_text(report.read_bytes()))
