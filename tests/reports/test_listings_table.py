"""The yearly summary counts each department's own red and black listings (SPEC §3.6)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Department, Role
from measures.department_lists import listing_approve, listing_propose
from reports.selectors import summary_build
from tests.factories import make_company, make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_summary_counts_the_department_listings_of_the_year():
    today = timezone.localdate()
    clerk = make_user(Role.CLERK, "zfbz")
    reviewer = make_user(Role.REVIEWER, "zfbz")
    for number, list_type in enumerate(["black", "black", "red"], start=1):
        listing = listing_propose(
            actor=clerk,
            subject=make_company(),
            list_type=list_type,
            reason="事由",
            document_number=f"武房〔2026〕{number}号",
            decision_date=today,
            ends_on=today + datetime.timedelta(days=200),
            hearing_days=5,
            decision_file=SimpleUploadedFile("决定书.pdf", PDF),
        )
        if number > 1:
            listing_approve(actor=reviewer, listing=listing)
    table = summary_build(year=today.year).table("listings")
    rows = {row.key: row.values for row in table.rows}
    assert table.headers[1:4] == ["拟列入", "黑名单", "诚信红榜"]
    assert rows["zfbz"] == [3, 2, 1, 0, 0, 1, 0, 1, 1]
    assert rows["fgw"] == [0] * 9
    own = summary_build(year=today.year, department=Department.objects.get(code="zfbz")).table("listings")
    assert [row.key for row in own.rows] == ["zfbz"]
