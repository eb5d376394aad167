"""Benchmark: 10,000 working-day deadlines (warm cache), as a 50,000-row import computes them.

Usage: .venv/bin/python bench/workdays.py
"""

import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditreg.settings.base")

import django  # noqa: E402

django.setup()

from workcalendar import workdays  # noqa: E402

starts = [date(2025, 1, 1) + timedelta(days=i % 1000) for i in range(10_000)]
for year in range(2025, 2029):
    workdays.is_working_day(date(year, 1, 1))
for label, days in (("5 days", lambda i: 5), ("7 days", lambda i: 7), ("5-20 days", lambda i: 5 + i % 16)):
    began = time.perf_counter()
    for i, start in enumerate(starts):
        workdays.add_working_days(start, days(i))
    print(f"10,000 add_working_days ({label}): {(time.perf_counter() - began) * 1000:.0f} ms")
