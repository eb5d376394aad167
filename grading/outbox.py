"""What a published yearly run puts in the outbox for the platform (SPEC §5 "Platform exchange",
003 §3(2)): one item per grade, keyed by the grade's id, so publishing again or a repeated call queues
nothing twice. A run holds up to a million grades, so the items are written set-based, the payloads
built in the database (``exchange.services.outbox_enqueue_select``).

Every payload carries ``subject_code``, ``subject_name`` and ``subject_kind``, the grade with its
scheme, version and department, and the reasons.
"""

from django.db import connection
from django.utils import timezone

from accounts.models import Department
from exchange.models import OutboxType
from exchange.services import outbox_enqueue_select
from subjects.models import Subject

from .models import Grade, Scheme, SchemeVersion

GRADE_FIELDS = [
    ("subject_code", "s.code"),
    ("subject_name", "s.name"),
    ("subject_kind", "s.kind"),
    ("grade_id", "g.id"),
    ("run_id", "g.run_id"),
    ("scheme", "sc.code"),
    ("scheme_name", "sc.name"),
    ("scheme_version", "v.number"),
    ("department", "d.code"),
    ("as_of", "CAST(g.as_of AS TEXT)"),
    ("grade", "g.grade"),
    ("score", "CAST(g.score AS TEXT)"),
    ("adjusted_reason", "g.adjusted_reason"),
    ("published_at", "%s"),
]


def run_grades_outbox_enqueue(*, run) -> int:
    """Queue every grade of a published run in one statement; returns the number of items written."""
    q = connection.ops.quote_name
    source = (
        f"FROM {q(Grade._meta.db_table)} g "
        f"JOIN {q(Subject._meta.db_table)} s ON s.id = g.subject_id "
        f"JOIN {q(Scheme._meta.db_table)} sc ON sc.id = g.scheme_id "
        f"JOIN {q(SchemeVersion._meta.db_table)} v ON v.id = g.version_id "
        f"LEFT JOIN {q(Department._meta.db_table)} d ON d.id = g.department_id "
        "WHERE g.run_id = %s"
    )
    return outbox_enqueue_select(
        type=OutboxType.GRADE_PUBLISHED,
        key="CAST(g.id AS TEXT)",
        fields=GRADE_FIELDS,
        json_fields=[("reasons", "g.reasons")],
        field_params=[timezone.now().isoformat()],
        source=source,
        source_params=[run.pk],
    )
