"""Computing and storing grades. One service grades any set of subjects; the dynamic regrade, the
nightly task, the yearly run and ``evaluate`` all call it (SPEC §3.5).

Three paths, one meaning: the engine over the window's counting records streamed once, ordered by
subject (``grades_compute``: SQLite, previews, ``evaluate``); the compiled query inside PostgreSQL
(``compiled.py``: a whole county); and the engine over a few subjects' rows read in a handful of
queries (``_regrade_few``: a record just changed). They read the same typed rules (``rules.py``) and
the same window (``window.py``), and every grade they give is stored by the one writer (``writer.py``),
which writes only grades that changed.
"""

import datetime
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import groupby

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department
from accounts.permissions import is_credit_office
from audit.services import audit_log_write
from subjects.models import Subject

from .compiled import compiled_grading, compiled_session, digests_sql, members_sql, outcomes_sql
from .engine import Fact, Outcome, evaluate
from .models import EvaluationRun, Grade, GradeInForce, GradeSource, Scheme, SchemeVersion, VersionStatus
from .population import TOOK_EFFECT, Population
from .rules import Rules, grades_of_kind, version_rules
from .window import UNCOUNTED_KINDS, Window
from .writer import (
    CurrentGrade,
    GradeTarget,
    current_grade_join,
    grade_in_force_corrected_write,
    grades_write,
    grades_write_sql,
    grading_block,
    grading_lock,
)

logger = logging.getLogger(__name__)

CHUNK = 2000


def grading_department(*, scheme: Scheme, department: Department | None) -> Department | None:
    """A department scheme grades for the department running it (by default its owner); the county
    scheme has no department."""
    if scheme.owner_id is None:
        return None
    return department or scheme.owner


def version_published(*, scheme: Scheme, department: Department | None = None) -> SchemeVersion | None:
    """The published version a scheme grades with: the county's, or for a department scheme the
    department's own (SPEC §3.6; by default the owner's). None: that department does not grade with
    the scheme (the credit office switches it on in the admin by publishing a version for it)."""
    department = grading_department(scheme=scheme, department=department)
    return (
        scheme.versions.filter(status=VersionStatus.PUBLISHED, department=department)
        .select_related("scheme", "department")
        .first()
    )


def versions_published() -> list[SchemeVersion]:
    """Every published version, county schemes first (a department scheme may take the county grade
    as input, 000 Art. 8), then by scheme and department."""
    return sorted(
        SchemeVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
            "scheme__owner", "department"
        ),
        key=lambda v: (v.scheme.owner_id is not None, v.scheme.code, getattr(v.department, "code", "")),
    )


SMALL_SET = 5000


def _rows(qs, *, stream: bool):
    """A server-side cursor for the whole registry; a plain fetch for a small set (a dynamic regrade),
    where the cursor's extra round trips would cost more than the rows."""
    return qs.iterator(chunk_size=5000) if stream else list(qs)


def _fact_stream(qs, *, stream: bool = True) -> Iterator[tuple[int, list[Fact]]]:
    rows = qs.order_by("subject_id").values_list(
        "subject_id",
        "kind__code",
        "kind__polarity",
        "severity",
        "document_number",
        "fine_total",
        "decision_date",
        "external_grade",
    )
    for subject_id, group in groupby(_rows(rows, stream=stream), key=lambda row: row[0]):
        yield subject_id, [Fact(*row[1:]) for row in group]


def grades_compute(
    *,
    version: SchemeVersion,
    department: Department | None,
    as_of: datetime.date,
    subject_ids: Iterable[int] | None = None,
    id_range: tuple[int, int] | None = None,
    population: Population | None = None,
    input_run_id: int | None = None,
) -> Iterator[tuple[int, Outcome]]:
    """(subject id, outcome) for every subject asked for — the whole registry by default, or a list, or
    an id range — that belongs to ``population`` (default: every one), in id order. ``input_run_id``:
    the run whose grades a department scheme takes as input (a yearly run reads the county run of its
    date); by default the county grade in force."""
    rules = version_rules(version)
    records = Window.of(version=version, department=department, as_of=as_of).records()
    subjects = Subject.objects.order_by("pk")
    if population is not None and not population.everyone:
        subjects = subjects.filter(population.subject_q("pk"))
        records = records.filter(population.subject_q("subject_id"))
    stream = True
    if subject_ids is not None:
        ids = sorted(set(subject_ids))
        records = records.filter(subject_id__in=ids)
        subjects = subjects.filter(pk__in=ids)
        stream = len(ids) > SMALL_SET
    if id_range is not None:
        records = records.filter(subject_id__gte=id_range[0], subject_id__lte=id_range[1])
        subjects = subjects.filter(pk__range=id_range)
    input_scheme = rules.input_scheme
    facts = _fact_stream(records, stream=stream)
    pending = next(facts, None)
    chunk: list[int] = []

    def flush(chunk_ids: list[int]) -> Iterator[tuple[int, Outcome]]:
        nonlocal pending
        inputs = _input_grades(input_scheme, chunk_ids, run_id=input_run_id) if input_scheme else {}
        for subject_id in chunk_ids:
            subject_facts: list[Fact] = []
            while pending is not None and pending[0] < subject_id:
                pending = next(facts, None)  # records of subjects outside the set asked for
            if pending is not None and pending[0] == subject_id:
                subject_facts = pending[1]
                pending = next(facts, None)
            yield subject_id, evaluate(rules, subject_facts, input_grade=inputs.get(subject_id, ""))

    for subject_id in _rows(subjects.values_list("pk", flat=True), stream=stream):
        chunk.append(subject_id)
        if len(chunk) >= CHUNK:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def _input_grades(scheme_code: str, subject_ids: list[int], *, run_id: int | None = None) -> dict[int, str]:
    """000 Art. 8: a department scheme can take the county grade as an input — the county grade in
    force (SPEC §3.5/§3.6), so a published run or a correction of it is what the department sees;
    for a yearly run, the grades of the county run of the same date (``run_id``)."""
    if run_id is not None:
        return dict(
            Grade.objects.filter(run_id=run_id, subject_id__in=subject_ids).values_list("subject_id", "grade")
        )
    return dict(
        GradeInForce.objects.filter(
            scheme__code=scheme_code, department__isnull=True, subject_id__in=subject_ids
        ).values_list("subject_id", "grade")
    )


def grades_refresh(
    *,
    scheme: Scheme,
    as_of: datetime.date,
    source: str,
    department: Department | None = None,
    subject_ids: Iterable[int] | None = None,
    id_range: tuple[int, int] | None = None,
) -> dict[str, int]:
    """Recompute and store the grades of ``subject_ids`` (all subjects by default; or those of an id
    range, a nightly block) of the scheme's population (a department's own subjects, SPEC §3.6) under
    its published version; only changed grades are written. Returns counts."""
    department = grading_department(scheme=scheme, department=department)
    version = version_published(scheme=scheme, department=department)
    if version is None:
        return {"graded": 0, "changed": 0}
    population = Population.of(version=version, department=department)
    if population.empty():
        return {"graded": 0, "changed": 0}
    if compiled_grading() and (subject_ids is None or len(set(subject_ids)) > SMALL_SET):
        return _refresh_compiled(
            scheme=scheme,
            version=version,
            department=department,
            as_of=as_of,
            source=source,
            subject_ids=subject_ids,
            id_range=id_range,
            population=population,
        )
    target = GradeTarget.current(version=version, department=department, as_of=as_of, source=source)
    counts = {"graded": 0, "changed": 0}
    batch: list[tuple[GradeTarget, int, Outcome]] = []
    for subject_id, outcome in grades_compute(
        version=version,
        department=department,
        as_of=as_of,
        subject_ids=subject_ids,
        id_range=id_range,
        population=population,
    ):
        batch.append((target, subject_id, outcome))
        if len(batch) >= CHUNK:
            counts["graded"] += len(batch)
            counts["changed"] += grades_write(outcomes=batch)[target]
            batch = []
    if batch:
        counts["graded"] += len(batch)
        counts["changed"] += grades_write(outcomes=batch)[target]
    return counts


def _refresh_compiled(
    *, scheme, version, department, as_of, source, subject_ids, id_range, population
) -> dict[str, int]:
    """The set-based refresh, in two passes inside the database. The first fingerprints every
    subject's counting records (``compiled.digests_sql``) and keeps the candidates: no current grade,
    another version, or another digest (the facts changed, or the grade was written by the engine,
    which stores none). Only the candidates are graded with their reasons; the ones whose grade and
    reasons come out the same only get their digest stored, the others are retired and inserted anew.
    A night when little changed costs one pass over the window's records and little more; the first
    night (none of the subjects asked for has a grade) skips the fingerprints: all are candidates."""
    ids = None if subject_ids is None else sorted(set(subject_ids))
    target = GradeTarget.current(version=version, department=department, as_of=as_of, source=source)
    full, full_params = outcomes_sql(
        version=version, department=department, as_of=as_of, subject_table="grading_candidates"
    )
    timings = {}
    with transaction.atomic(), connection.cursor() as cursor:
        grading_lock(cursor, scheme_ids=[scheme.pk], blocks=_blocks(subject_ids=ids, id_range=id_range))
        compiled_session(cursor)
        cursor.execute("DROP TABLE IF EXISTS grading_candidates")
        cursor.execute("DROP TABLE IF EXISTS grading_members")
        started = time.perf_counter()
        graded = None
        scope: dict = {"subject_ids": ids, "id_range": id_range, "population": population}
        if not population.everyone:
            # A department's members asked for, worked out once, with statistics: inside the two
            # passes their condition would be evaluated again on the subjects and on the records.
            members, member_params = members_sql(population=population, subject_ids=ids, id_range=id_range)
            cursor.execute(f"CREATE TEMP TABLE grading_members ON COMMIT DROP AS {members}", member_params)
            graded = cursor.rowcount
            cursor.execute("ANALYZE grading_members")
            scope = {"subject_table": "grading_members", "population": None}
        current = Grade.objects.filter(scheme=scheme, department=department, is_current=True)
        if ids is not None:
            current = current.filter(subject_id__in=ids)
        if id_range is not None:
            current = current.filter(subject_id__gte=id_range[0], subject_id__lte=id_range[1])
        if not current.exists():  # the first night: every member is a candidate, no need to look
            everyone, everyone_params = members_sql(**scope)
            cursor.execute(
                f"CREATE TEMP TABLE grading_candidates ON COMMIT DROP AS {everyone}", everyone_params
            )
            candidates = cursor.rowcount
        else:
            digests, digest_params = digests_sql(version=version, department=department, as_of=as_of, **scope)
            # The fingerprint query is small and runs its few expressions over every record: compiling
            # them (JIT) pays here, unlike for the grading query below.
            cursor.execute("SET LOCAL jit = on")
            cursor.execute(
                f"""CREATE TEMP TABLE grading_candidates ON COMMIT DROP AS
                    SELECT c.subject_id FROM ({digests}) c {current_grade_join(target)}
                    WHERE g.id IS NULL OR g.version_id <> %(version)s
                       OR g.reasons_digest IS DISTINCT FROM c.digest""",
                digest_params | target.sql_params(),
            )
            candidates = cursor.rowcount
            cursor.execute("SET LOCAL jit = off")
        cursor.execute("ANALYZE grading_candidates")
        timings["digests"] = time.perf_counter() - started
        started = time.perf_counter()
        changed = grades_write_sql(cursor, target=target, outcomes=full, params=full_params)
        cursor.execute("DROP TABLE grading_candidates")
        cursor.execute("DROP TABLE IF EXISTS grading_members")
        timings["grades and writes"] = time.perf_counter() - started
        if graded is None:
            everyone_asked = Subject.objects.all()
            if ids is not None:
                everyone_asked = everyone_asked.filter(pk__in=ids)
            if id_range is not None:
                everyone_asked = everyone_asked.filter(pk__range=id_range)
            graded = everyone_asked.count()
    logger.info(
        "graded %s (%s) as of %s: %d subjects, %d candidates, %d changed; %s",
        scheme.code,
        getattr(department, "code", "-"),
        as_of,
        graded,
        candidates,
        changed,
        ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()),
    )
    return {"graded": graded, "changed": changed}


def grading_targets() -> list[tuple[Scheme, Department | None]]:
    """Every (scheme, department) pair to grade: the county schemes, then every department with a
    published version of its own of a department scheme (SPEC §3.6) — county first, for the department
    schemes that take the county grade as input."""
    return [(v.scheme, v.department if v.scheme.owner_id is not None else None) for v in versions_published()]


def regrade_subjects(
    *, subject_ids: list[int], as_of: datetime.date | None = None, source: str = GradeSource.DYNAMIC
):
    """Dynamic regrade (001 Art. 3, 动态管理、实时更新) of the given subjects under every scheme, in one
    transaction (one commit: a subject's grades change together)."""
    as_of = as_of or timezone.localdate()
    ids = sorted(set(subject_ids))
    if len(ids) <= SMALL_SET:
        return _regrade_few(subject_ids=ids, as_of=as_of, source=source)
    targets = grading_targets()
    with transaction.atomic():
        with connection.cursor() as cursor:  # every lock at once, in order (``grading_lock``)
            grading_lock(cursor, scheme_ids=[s.pk for s, _d in targets], blocks=_blocks(subject_ids=ids))
        return {
            f"{scheme.code}:{getattr(department, 'code', '')}": grades_refresh(
                scheme=scheme, department=department, as_of=as_of, source=source, subject_ids=ids
            )
            for scheme, department in targets
        }


def _blocks(*, subject_ids: list[int] | None = None, id_range: tuple[int, int] | None = None):
    """The lock blocks (``writer.grading_lock``) of the subjects asked for; None: every subject."""
    if id_range is not None:
        return range(grading_block(id_range[0]), grading_block(id_range[1]) + 1)
    if subject_ids is not None:
        return {grading_block(sid) for sid in subject_ids}
    return None


def nightly_blocks() -> list[tuple[int, int]]:
    """The id ranges of the nightly regrade's tasks on workers: one per block of
    ``GRADING_BLOCK_SUBJECTS`` subject ids that holds a subject (an empty stretch of ids costs no task)."""
    size = settings.GRADING_BLOCK_SUBJECTS
    blocks = Subject.objects.annotate(block=F("pk") / size).values_list("block", flat=True)
    blocks = blocks.distinct().order_by("block")
    return [(block * size, block * size + size - 1) for block in blocks]


def regrade_block(
    *, id_range: tuple[int, int], as_of: datetime.date, source: str = GradeSource.NIGHTLY
) -> dict:
    """One nightly task on a worker (SPEC §3.5): every scheme over the subjects of one block of ids, in
    one transaction — the county schemes first, so a department scheme taking the county grade as input
    (000 Art. 8) reads the one just written, and a subject's grades change together. Blocks hold
    disjoint subjects, so any number of workers grade them side by side (``grading_lock``)."""
    targets = grading_targets()
    with transaction.atomic():
        with connection.cursor() as cursor:
            grading_lock(cursor, scheme_ids=[s.pk for s, _d in targets], blocks=_blocks(id_range=id_range))
        return {
            f"{scheme.code}:{getattr(department, 'code', '')}": grades_refresh(
                scheme=scheme, department=department, as_of=as_of, source=source, id_range=id_range
            )
            for scheme, department in targets
        }


def _regrade_few(*, subject_ids: list[int], as_of: datetime.date, source: str) -> dict:
    """The same regrade for a few subjects (a record just changed) in a handful of queries, whatever
    the number of schemes: the published versions, the subjects' current grades, their records in the
    widest window, then only the changed grades written. The engine grades them.

    The county schemes' grades are written before the department schemes are graded: a department
    scheme taking the county grade as input (000 Art. 8) reads the county grade in force (SPEC §3.6),
    which the writer has then set — the new computed grade, or a published or corrected one still
    standing on an unchanged current grade — so that rule stays in the writer alone."""
    versions = versions_published()
    if not versions or not subject_ids:
        return {}
    widest = Window.widest([Window.of(version=v, department=None, as_of=as_of) for v in versions])
    with transaction.atomic(), connection.cursor() as cursor:
        # The scheme locks serialise every writer of current grades, so they need no row locks (which
        # would also make a regrade that changes nothing write to disk at commit).
        grading_lock(
            cursor, scheme_ids=[v.scheme_id for v in versions], blocks=_blocks(subject_ids=subject_ids)
        )
        current = {
            (row[2], row[3], row[1]): CurrentGrade(*row)
            for row in _fetch(cursor, "grading_few_grades", [subject_ids])
        }
        rows = _fetch(
            cursor,
            "grading_few_records",
            [
                subject_ids,
                sorted(widest.statuses),
                widest.first_day,
                widest.last_day,
                sorted(widest.in_force_kinds),
            ],
        )
        # (subject, department) of every record that took effect: whose subjects they are (SPEC §3.6)
        belongs = {
            tuple(row)
            for row in _fetch(
                cursor,
                "grading_few_departments",
                [subject_ids, [str(s) for s in TOOK_EFFECT], UNCOUNTED_KINDS],
            )
        }
        labels: dict[GradeTarget, str] = {}
        written: Counter[GradeTarget] = Counter()
        graded_counts: Counter[GradeTarget] = Counter()
        # The county schemes first, written, then the department schemes (see above).
        for group in (
            [v for v in versions if v.scheme.owner_id is None],
            [v for v in versions if v.scheme.owner_id is not None],
        ):
            outcomes: list[tuple[GradeTarget, int, Outcome]] = []
            for version in group:
                scheme, rules = version.scheme, version_rules(version)
                department = version.department if scheme.owner_id is not None else None
                members = _members(
                    subject_ids, scheme_id=scheme.pk, department=department, belongs=belongs, current=current
                )
                if not members:
                    continue
                inputs = _input_grades(rules.input_scheme, members) if rules.input_scheme else {}
                target = GradeTarget.current(
                    version=version, department=department, as_of=as_of, source=source
                )
                labels[target] = f"{scheme.code}:{getattr(department, 'code', '')}"
                graded_counts[target] = len(members)
                graded = _evaluate_few(
                    rules=rules,
                    window=Window.of(version=version, department=department, as_of=as_of),
                    subject_ids=members,
                    rows=rows,
                    inputs=inputs,
                )
                outcomes += [(target, sid, outcome) for sid, outcome in graded]
            written.update(grades_write(outcomes=outcomes, current=current))
    return {
        label: {"graded": graded_counts[target], "changed": written[target]}
        for target, label in labels.items()
    }


# The dynamic regrade's reads: the subjects' current grades, and their records in the widest window of
# the published versions (``Window.widest``: a superset; each version's window keeps its own).
FEW_QUERIES = {
    "grading_few_grades": (
        ["integer[]"],
        "SELECT id, subject_id, scheme_id, department_id, version_id, grade, score, reasons "
        "FROM grading_grade WHERE subject_id = ANY({0}) AND is_current",
    ),
    "grading_few_records": (
        ["integer[]", "text[]", "date", "date", "text[]"],
        "SELECT r.subject_id, r.department_id, r.status, k.code, k.polarity, r.severity, r.document_number, "
        "r.fine_total, r.decision_date, r.external_grade FROM records_creditrecord r "
        "JOIN records_recordkind k ON k.id = r.kind_id WHERE r.subject_id = ANY({0}) AND r.is_current "
        "AND r.status = ANY({1}) AND (r.decision_date >= {2} OR k.code = ANY({4})) "
        "AND r.decision_date <= {3}",
    ),
    "grading_few_departments": (
        ["integer[]", "text[]", "text[]"],
        "SELECT DISTINCT r.subject_id, r.department_id FROM records_creditrecord r "
        "JOIN records_recordkind k ON k.id = r.kind_id "
        "WHERE r.subject_id = ANY({0}) AND r.is_current AND r.status = ANY({1}) AND NOT k.code = ANY({2})",
    ),
}


def _fetch(cursor, name: str, params: list) -> list[tuple]:
    """The dynamic regrade's two reads. On PostgreSQL they are prepared once per connection: planning
    them against the records table's many indexes costs more than running them."""
    types, sql = FEW_QUERIES[name]
    if connection.vendor != "postgresql":
        # Positional placeholders, a list spelled out: the values go in the order the query names
        # them, which is not the order of ``params`` (the records' query names {4} before {3}).
        flat: list = []

        def place(match: re.Match) -> str:
            value = params[int(match.group(1))]
            values = value if isinstance(value, list) else [value]
            flat.extend(values)
            return ", ".join(["%s"] * len(values))

        cursor.execute(re.sub(r"\{(\d+)\}", place, sql.replace("= ANY({", "IN ({")), flat)
        rows = cursor.fetchall()
    else:
        raw = connection.connection
        # (the raw connection, the names prepared on it), kept on Django's connection wrapper
        prepared: tuple[object, set[str]] | None = getattr(connection, "_grading_prepared", None)
        if prepared is None or prepared[0] is not raw:
            # An attribute of this module's own on the wrapper, which Django's stubs do not declare.
            prepared = connection._grading_prepared = (raw, set())  # type: ignore[attr-defined]
        if name not in prepared[1]:
            numbered = sql.format(*[f"${n + 1}" for n in range(len(types))])
            cursor.execute(f"PREPARE {name} ({', '.join(types)}) AS {numbered}")
            prepared[1].add(name)
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(types))})", params)
        rows = cursor.fetchall()
    if name == "grading_few_departments":
        return rows
    if name == "grading_few_grades":
        return [
            (*row[:6], _decimal(row[6]), row[7] if isinstance(row[7], list) else json.loads(row[7]))
            for row in rows
        ]
    return [(*row[:7], _decimal(row[7]), _date(row[8]), row[9]) for row in rows]


CENTS = Decimal("0.01")  # the scale of a record's fines and a grade's score (decimal_places=2)


def _decimal(value) -> Decimal | None:
    """A fine or a score as the ORM reads it, so the reasons and the comparison with the stored grade
    come out as on the other paths: PostgreSQL answers a Decimal of the column's scale, SQLite a
    float or an integer (9999.99 must not become 9999.989999…, nor 100000.00 100000)."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(CENTS)


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _members(subject_ids, *, scheme_id: int, department, belongs, current) -> list[int]:
    """Which of ``subject_ids`` the target grades (``population.Population``, over rows already read):
    everyone for the county; for a department, a subject with a record of it that took effect or a
    current grade of it."""
    if department is None:
        return list(subject_ids)
    return [
        sid
        for sid in subject_ids
        if (sid, department.pk) in belongs or (scheme_id, department.pk, sid) in current
    ]


def _evaluate_few(*, rules: Rules, window: Window, subject_ids, rows, inputs) -> list[tuple[int, Outcome]]:
    """``grades_compute`` over rows already fetched (FEW_QUERIES), for a few subjects: the window
    keeps the rows that count."""
    facts: dict[int, list[Fact]] = {sid: [] for sid in subject_ids}
    for sid, department_id, status, kind, polarity, severity, document, fine, day, external in rows:
        if sid not in facts:  # a subject this target does not grade (another department's)
            continue
        if window.admits(status=status, kind=kind, decision_date=day, department_id=department_id):
            facts[sid].append(Fact(kind, polarity, severity, document, fine, day, external))
    return [(sid, evaluate(rules, facts[sid], input_grade=inputs.get(sid, ""))) for sid in subject_ids]


def regrade_all(*, as_of: datetime.date | None = None, source: str = GradeSource.NIGHTLY) -> dict:
    """Nightly: records leave the window every day, so every subject is regraded (SPEC §3.5)."""
    as_of = as_of or timezone.localdate()
    return {
        f"{scheme.code}:{getattr(department, 'code', '')}": grades_refresh(
            scheme=scheme, department=department, as_of=as_of, source=source
        )
        for scheme, department in grading_targets()
    }


@transaction.atomic
def grade_in_force_correct(
    *,
    actor,
    subject: Subject,
    scheme: Scheme,
    department: Department | None = None,
    grade: str,
    reason: str,
    decision: str,
    run: EvaluationRun | None = None,
) -> GradeInForce:
    """A person corrects the grade in force (SPEC §3.5): the credit office upholding a grade objection
    (003 §5(2): the result re-evaluated after the objection is updated on the platform; 004 §4(5)) or
    adjusting a published run. Only the credit office (or the system) does it, with a reason and the
    decision it follows (``decision``: "objection 12", "adjustment"; ``run``: the run it concerns). The
    correction stays in force until the facts behind it change (the computed grade it was made on is
    replaced); the change is audited, kept in the history and told to the platform once.
    ``department``: for a department scheme, the department grading with it (default its owner)."""
    if actor is not None and not is_credit_office(actor):
        raise PermissionDenied(_("Only the credit office corrects a grade."))
    allowed = grades_of_kind(scheme.kind)
    if grade not in allowed:
        raise ValidationError(
            {"grade": _("Choose one of: %(grades)s.") % {"grades": ", ".join(g or "—" for g in allowed)}}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    decision = " ".join((decision or "").split())[:100]
    if not decision:
        raise ValidationError({"decision": _("Name the decision behind the correction.")})
    department = grading_department(scheme=scheme, department=department)
    with connection.cursor() as cursor:
        grading_lock(cursor, scheme_ids=[scheme.pk])
    key = {"subject": subject, "scheme": scheme, "department": department}
    in_force = GradeInForce.objects.select_for_update().filter(**key).first()
    current = Grade.objects.filter(is_current=True, **key).first()
    if in_force is None and current is None:
        raise ValidationError(
            _("%(name)s has no grade under %(scheme)s yet.") % {"name": subject.name, "scheme": scheme.name}
        )
    before = in_force.grade if in_force is not None else (current.grade if current is not None else "")
    grade_in_force_corrected_write(
        in_force=in_force,
        current=current,
        grade=grade,
        reason=reason,
        decided_by_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
        decision=decision,
        run_id=getattr(run, "pk", None),
        as_of=timezone.localdate(),
    )
    corrected = GradeInForce.objects.get(**key)
    audit_log_write(
        actor=actor,
        action="grade.correct",
        target=corrected,
        before={"grade": before},
        after={"grade": grade, "decision": decision, "run": getattr(run, "pk", None)},
        reason=reason,
    )
    return corrected
