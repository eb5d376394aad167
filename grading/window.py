"""Which records count for a grade: the window and the scope, decided here once for every path that
grades — the engine over streamed records (``Window.records``), the dynamic regrade over a few
subjects' rows already fetched (``Window.admits``) and the compiled query (``Window.sql``). The three
say the same thing in three media, side by side; the equivalence tests hold them to one another.

- the window (001 Art. 4): the ``window_days`` days ending on the as-of date; a red or black listing
  counts however long ago it was decided (``in_force_kinds``);
- what counts (SPEC §3.4): current records of the counting statuses;
- the scope (000 Art. 8, 001 Art. 4): a department scheme counts its department's own records, all
  departments' records, or its own and the named kinds from the others;
- information that is not conduct (an administrative licence, 004 §4(3)): counted only by a version
  whose rules name its kind (``uncounted_kinds``), so entering it changes no grade until a scheme
  version says so — not even a subject's "no records at all" default (SPEC §3.1).
"""

import datetime
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Q, QuerySet

from records.models import CreditRecord, RecordStatus

from .models import RecordScope
from .rules import named_kinds

# SPEC §3.4: an expired record (publication over) still counts in the window; repaired, revoked and
# corrected ones do not. A version may say otherwise in its rules ("count_statuses").
COUNTING_STATUSES = [RecordStatus.EFFECTIVE, RecordStatus.EXPIRED]

# 002 §3(1), §4(3); 004 §6(1): a red or black listing holds until it is removed (its record is then
# revoked), however long ago it was decided, so its record counts outside the one-year window too —
# the county's joint lists and a department's own lists (SPEC §3.6) alike.
IN_FORCE_KINDS = ["joint_punishment_list", "red_list", "department_black_list", "department_red_list"]


# Kinds that are information rather than conduct: a version counts them only where its rules name them
# in a condition, item or class. A version may list its own in its rules ("uncounted_kinds").
UNCOUNTED_KINDS = ["administrative_licence"]


def window_start(*, version, as_of: datetime.date) -> datetime.date:
    """First day of the window: a one-year window (001 Art. 4) ending on ``as_of`` holds 365 days."""
    return as_of - datetime.timedelta(days=version.window_days - 1)


def in_force_kinds(*, version) -> list[str]:
    return list(version.rules.get("in_force_kinds", IN_FORCE_KINDS))


def counting_statuses(*, version) -> list[str]:
    return [str(s) for s in version.rules.get("count_statuses", COUNTING_STATUSES)]


def uncounted_kinds(*, version) -> list[str]:
    """The kinds this version does not count: the uncounted kinds its rules do not name."""
    uncounted = set(version.rules.get("uncounted_kinds", UNCOUNTED_KINDS))
    return sorted(uncounted - named_kinds(version.rules))


class SqlParameters(Protocol):
    """What ``Window.sql`` needs of a query being built (compiled._Query)."""

    def p(self, value) -> str: ...

    def kind_ids(self, codes) -> list[int]: ...


@dataclass(frozen=True)
class Window:
    """The records one scheme version counts for one grading department (or the county) as of a day:
    current records of ``statuses`` decided from ``first_day`` (or of an in-force kind, any day) to
    ``last_day``, none of the ``uncounted`` kinds; with ``department_id``, only that department's
    records and those of ``other_kinds`` from the other departments."""

    statuses: frozenset[str]
    first_day: datetime.date
    last_day: datetime.date
    in_force_kinds: frozenset[str]
    department_id: int | None = None
    other_kinds: frozenset[str] = frozenset()
    uncounted: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *, version, department, as_of: datetime.date) -> "Window":
        department_id, other_kinds = None, frozenset()
        if department is not None and version.record_scope == RecordScope.OWN:
            department_id = department.pk
        elif department is not None and version.record_scope == RecordScope.KINDS:
            department_id, other_kinds = department.pk, frozenset(version.scope_kinds or [])
        return cls(
            statuses=frozenset(counting_statuses(version=version)),
            first_day=window_start(version=version, as_of=as_of),
            last_day=as_of,
            in_force_kinds=frozenset(in_force_kinds(version=version)),
            department_id=department_id,
            other_kinds=other_kinds,
            uncounted=frozenset(uncounted_kinds(version=version)),
        )

    @classmethod
    def widest(cls, windows: list["Window"]) -> "Window":
        """A window holding every record any of ``windows`` counts (scope and uncounted kinds aside):
        one read for several versions, each then keeping its own records with ``admits``."""
        return cls(
            statuses=frozenset().union(*(w.statuses for w in windows)),
            first_day=min(w.first_day for w in windows),
            last_day=max(w.last_day for w in windows),
            in_force_kinds=frozenset().union(*(w.in_force_kinds for w in windows)),
        )

    def admits(self, *, status: str, kind: str, decision_date: datetime.date, department_id: int) -> bool:
        """Whether a current record with these facts counts."""
        if status not in self.statuses or decision_date > self.last_day or kind in self.uncounted:
            return False
        if decision_date < self.first_day and kind not in self.in_force_kinds:
            return False
        return self.department_id is None or department_id == self.department_id or kind in self.other_kinds

    def records(self) -> QuerySet:
        """The counting records, as a queryset."""
        qs = CreditRecord.objects.filter(
            Q(decision_date__gte=self.first_day) | Q(kind__code__in=sorted(self.in_force_kinds)),
            status__in=sorted(self.statuses),
            is_current=True,
            decision_date__lte=self.last_day,
        )
        if self.uncounted:
            qs = qs.exclude(kind__code__in=sorted(self.uncounted))
        if self.department_id is not None and self.other_kinds:
            qs = qs.filter(Q(department_id=self.department_id) | Q(kind__code__in=sorted(self.other_kinds)))
        elif self.department_id is not None:
            qs = qs.filter(department_id=self.department_id)
        return qs

    def sql(self, q: SqlParameters) -> str:
        """The counting records, as a condition on ``records_creditrecord r`` (kinds by id: no join)."""
        parts = [
            f"r.status = ANY({q.p(sorted(self.statuses))})",
            "r.is_current",
            f"(r.decision_date >= {q.p(self.first_day)} "
            f"OR r.kind_id = ANY({q.p(q.kind_ids(self.in_force_kinds))}::int[]))",
            f"r.decision_date <= {q.p(self.last_day)}",
        ]
        if self.uncounted:
            parts.append(f"NOT (r.kind_id = ANY({q.p(q.kind_ids(self.uncounted))}::int[]))")
        if self.department_id is not None and self.other_kinds:
            parts.append(
                f"(r.department_id = {q.p(self.department_id)} "
                f"OR r.kind_id = ANY({q.p(q.kind_ids(self.other_kinds))}::int[]))"
            )
        elif self.department_id is not None:
            parts.append(f"r.department_id = {q.p(self.department_id)}")
        return " AND ".join(parts)
