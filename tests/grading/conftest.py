import datetime
from decimal import Decimal

import pytest

from grading.engine import Fact
from grading.models import SchemeVersion, VersionStatus

AS_OF = datetime.date(2026, 12, 15)

POLARITY = {
    "commendation": "positive",
    "association_commendation": "positive",
    "good_grade": "positive",
    "red_list": "positive",
    "public_evaluation": "neutral",
    "national_evaluation": "neutral",
}


def fact(
    kind: str,
    severity: str = "",
    *,
    doc: str | None = None,
    fine: str = "0",
    days_ago: int = 10,
    external_grade: str = "",
) -> Fact:
    fact.counter = getattr(fact, "counter", 0) + 1
    return Fact(
        kind=kind,
        polarity=POLARITY.get(kind, "negative"),
        severity=severity,
        document_number=doc or f"文书{fact.counter}号",
        fine=Decimal(fine),
        decision_date=AS_OF - datetime.timedelta(days=days_ago),
        external_grade=external_grade,
    )


@pytest.fixture
def abc_rules(db):
    return SchemeVersion.objects.get(scheme__code="abc", status=VersionStatus.PUBLISHED).rules


@pytest.fixture
def public_rules(db):
    return SchemeVersion.objects.get(scheme__code="public", status=VersionStatus.PUBLISHED).rules
