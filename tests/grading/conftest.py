import datetime
import itertools
from decimal import Decimal

import pytest
from hypothesis import strategies as st

from grading.engine import Fact
from grading.models import Scheme
from grading.services import version_published
from records.models import CreditRecord

AS_OF = datetime.date(2026, 12, 15)

POLARITY = {
    "commendation": "positive",
    "association_commendation": "positive",
    "good_grade": "positive",
    "red_list": "positive",
    "public_evaluation": "neutral",
    "national_evaluation": "neutral",
    "administrative_licence": "neutral",
    "credit_rating": "neutral",
    "joint_reward": "positive",
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
    return version_published(scheme=Scheme.objects.get(code="abc")).rules


@pytest.fixture
def public_rules(db):
    return version_published(scheme=Scheme.objects.get(code="public")).rules


KINDS = [
    "warning",
    "correction_order",
    "administrative_penalty",
    "commitment_breach",
    "serious_dishonesty",
    "joint_punishment_list",
    "commendation",
    "red_list",
    "complaint",
    "low_grade",
    "good_grade",
    "national_evaluation",
    "administrative_licence",
    # 000/001 Art. 4 inputs (grading 0007): results on a scale, and other departments' notices.
    "inspection_failed",
    "public_evaluation",
    "credit_rating",
    "joint_reward",
    "joint_punishment_notice",
]
# Results on the scales of those kinds (records 0006), good, middling and bad, and another grading's.
EXTERNAL_GRADES = ["", "A", "C", "D", "优", "中", "差", "满意", "不满意", "AAA", "BBB", "CCC", "良好"]
_matter_keys = itertools.count()

# A counting record or not, of any kind, severity, fine, age, status and department: what the
# equivalence tests grade on every path.
record = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(KINDS),
        "severity": st.sampled_from(["", "minor", "general", "serious"]),
        "document_number": st.sampled_from(["B-2", "a-1", "中-3", "A-10", "A-9"]),
        "fine_total": st.sampled_from(["0", "9999.99", "10000", "100000", "500000", "500000.01", "250000.5"]),
        "days_ago": st.sampled_from([0, 1, 29, 30, 364, 365, 400, -1]),
        "status": st.sampled_from(["effective", "effective", "expired", "revoked", "repaired"]),
        "is_current": st.booleans(),
        "external_grade": st.sampled_from(EXTERNAL_GRADES),
        "department": st.sampled_from(["fgw", "zjj"]),
    }
)


def records_create(subject, rows, kinds, departments):
    """``rows`` drawn from ``record`` as credit records of ``subject``."""
    CreditRecord.objects.bulk_create(
        [
            CreditRecord(
                subject=subject,
                kind=kinds[row["kind"]],
                department=departments[row["department"]],
                document_number=row["document_number"],
                decision_date=AS_OF - datetime.timedelta(days=row["days_ago"]),
                publish_due=AS_OF,
                matter="m",
                matter_key=f"m{next(_matter_keys)}",
                severity=row["severity"],
                fine_total=Decimal(row["fine_total"]),
                external_grade=row["external_grade"],
                status=row["status"],
                is_current=row["is_current"],
            )
            for row in rows
        ]
    )
