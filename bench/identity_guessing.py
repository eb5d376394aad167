"""How long recovering a natural person's identity number from a public list would take (issue 13).

Usage: .venv/bin/python bench/identity_guessing.py [--rate 6/minute] [--born-from 1940] [--born-to 2008]
           [--requests 200]

Prints, for the mask a public list shows beside a name, the number of identity numbers still possible
(valid date of birth in the range, valid check character), and the time a look-up from one client
address needs to try them all at the identity-number rate: the 6+4 mask the lists used to show
(``mask_resident_id``) and the region-only mask they show now (``mask_resident_id_region``). Then it
sends ``--requests`` look-ups by distinct identity numbers through the real public API (test client,
in-memory database, a forged X-Forwarded-For on each) and counts how many were answered before the
budget ran out, with the real address fixed.
"""

import argparse
import datetime
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def candidates_6_4(number: str, born_from: int, born_to: int) -> int:
    from subjects.identifiers import resident_id_check_char

    region, sequence, check = number[:6], number[14:17], number[17]
    day, count = datetime.date(born_from, 1, 1), 0
    while day.year <= born_to:
        if resident_id_check_char(region + day.strftime("%Y%m%d") + sequence) == check:
            count += 1
        day += datetime.timedelta(days=1)
    return count


def candidates_region(born_from: int, born_to: int) -> int:
    days = (datetime.date(born_to, 12, 31) - datetime.date(born_from, 1, 1)).days + 1
    return days * 1000  # every sequence number; the check character is then fixed


def per_second(rate: str) -> float:
    count, period = rate.split("/")
    return int(count) / {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


def human(seconds: float) -> str:
    for unit, size in (("years", 365 * 86400), ("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return f"{seconds / size:,.1f} {unit}"
    return f"{seconds:,.0f} seconds"


def live_check(requests: int, rate: str) -> tuple[int, int]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditreg.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_api": "100000/minute", "public_identity": rate},
    }
    settings.DATABASES["default"] = {**settings.DATABASES["default"], "NAME": ":memory:"}
    from django.core.management import call_command
    from django.test import Client

    from subjects.identifiers import resident_id_check_char

    call_command("migrate", verbosity=0)
    client, answered = Client(), 0
    for n in range(requests):
        first17 = f"41132319800101{n % 1000:03d}"
        number = first17 + resident_id_check_char(first17)
        status = client.get(f"/api/public/subjects/{number}/", HTTP_X_FORWARDED_FOR=f"10.{n}.0.1").status_code
        answered += status != 429
    return answered, requests


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", default="6/minute")
    parser.add_argument("--born-from", type=int, default=1940)
    parser.add_argument("--born-to", type=int, default=2008)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    speed = per_second(args.rate)
    sample = "411323198001010062"
    old = candidates_6_4(sample, args.born_from, args.born_to)
    new = candidates_region(args.born_from, args.born_to)
    print(f"born {args.born_from}-{args.born_to}, identity-number rate {args.rate} per client address")
    print(
        f"6+4 mask  {sample[:6]}********{sample[-4:]}: {old:>12,} candidates, all tried in {human(old / speed)}"
    )
    print(f"region    {sample[:6]}************: {new:>12,} candidates, all tried in {human(new / speed)}")
    answered, sent = live_check(args.requests, args.rate)
    print(
        f"live: {sent} look-ups by number with a forged X-Forwarded-For each: {answered} answered, rest 429"
    )


if __name__ == "__main__":
    main()
