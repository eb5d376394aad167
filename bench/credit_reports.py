"""Benchmark: 1,000 public credit reports (004 §3(3), §5(3); issue 18 asks for under a minute).

Usage: .venv/bin/python bench/credit_reports.py [--subjects 1000] [--with-records 500] \
           [--database-url postgres://postgres@127.0.0.1:5432/creditreg_docs]

Creates (drops first) the database, migrates it, registers ``--subjects`` firms (a tenth of them with
a legal representative who represents several) through the services, puts an effective penalty on
``--with-records`` of them, publishes the county's yearly run, then issues the public credit report of
every subject — PDF drawn with the embedded font, SHA-256 kept, document rows written — and prints:
  (a) the batch path (``credit_reports_issue_public``, 100 subjects per call): total time, queries,
      reports per second, mean PDF size;
  (b) the one-by-one path of the portal and the command (``credit_report_issue``) for 100 subjects:
      time per report.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subjects", type=int, default=1000)
    parser.add_argument("--with-records", type=int, default=500)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/creditreg_docs")
    args = parser.parse_args()
    name = args.database_url.rsplit("/", 1)[1]
    subprocess.run(
        ["dropdb", "--if-exists", "--force", "-h", "127.0.0.1", "-U", "postgres", name], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    os.environ.update(
        {"DJANGO_SETTINGS_MODULE": "creditreg.settings.base", "DATABASE_URL": args.database_url}
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Role
    from creditreports.services import credit_report_issue, credit_reports_issue_public
    from documents.models import Document
    from records.services import record_approve, record_create, record_submit
    from records.validation import RecordInput, SanctionInput
    from subjects.models import Subject
    from tests.factories import make_company, make_resident_id, make_user

    call_command("migrate", verbosity=0)
    clerk = make_user(Role.CLERK, "fgw", username="bench-clerk")
    reviewer = make_user(Role.REVIEWER, "fgw", username="bench-reviewer")
    today = timezone.localdate()
    started = time.perf_counter()
    people = [
        make_resident_id(f"19{60 + n % 40:02d}0{1 + n % 9}1{n % 10}") for n in range(args.subjects // 10)
    ]
    firms = []
    for n in range(args.subjects):
        rep = (people[n % len(people)], f"基准法人{n % len(people)}") if n % 10 == 0 else None
        firms.append(make_company(f"基准信用报告测试{n}有限公司", rep=rep))
    for n, firm in enumerate(firms[: args.with_records]):
        data = RecordInput(
            kind="行政处罚",
            document_number=f"基准罚〔2026〕{n}号",
            decision_date=today - timezone.timedelta(days=30),
            matter="基准违法行为",
            sanctions=[SanctionInput("罚款", fine_amount="5000")],
        )
        record = record_create(actor=clerk, subject=firm, data=data)
        record_submit(actor=clerk, record=record)
        record_approve(actor=reviewer, record=record)
    call_command(
        "yearly_run", as_of=today.isoformat(), scheme="public", publish=True, stdout=open(os.devnull, "w")
    )
    print(
        f"setup: {args.subjects} firms, {args.with_records} records, graded in {time.perf_counter() - started:.0f} s"
    )

    subjects = list(Subject.objects.filter(pk__in=[f.pk for f in firms]).order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        issued = []
        for i in range(0, len(subjects), 100):
            issued += credit_reports_issue_public(subjects=subjects[i : i + 100])
        elapsed = time.perf_counter() - started
    sizes = [len(i.content) for i in issued]
    print(
        f"(a) {len(issued)} public credit reports (batch path): {elapsed:.1f} s, {len(queries)} queries, "
        f"{len(issued) / elapsed:.0f} reports/s, mean PDF {sum(sizes) / len(sizes) / 1024:.0f} KiB; "
        f"documents kept: {Document.objects.count()}"
    )
    started = time.perf_counter()
    for subject in subjects[:100]:
        credit_report_issue(subject=subject, full=False)
    elapsed = time.perf_counter() - started
    print(f"(b) 100 public credit reports one by one (portal/command path): {elapsed * 10:.0f} ms per report")


if __name__ == "__main__":
    main()
