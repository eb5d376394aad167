"""The draw of a random inspection plan (双随机, 003 §3(4), §4; 004 §5(2)): a pure function of the seed
and the published eligible list, so that anyone holding both recomputes it.

The algorithm, as the README states it for outsiders (``inspections/verify_draw.py`` is a second,
independent implementation they can run):

1. The eligible list is a sequence of entries ``(id, grade, at_cap)``: ``id`` is the subject's code
   (an opaque per-plan token for a natural person), ``grade`` its ``public`` grade in force (the
   stratum), ``at_cap`` whether it already had as many inspections this year as its grade allows.
2. For each stratum in the order A+, A, B, C, C-, D, D- with ``n`` entries, the quota is
   ``round_half_up(ratio × n)`` with the ratio as a decimal number.
3. Every entry of the stratum gets the key ``SHA-256("<seed>|subject|<grade>|<id>")`` (UTF-8, the
   digest compared as bytes). Walking the entries by ascending key, an entry at its cap is skipped
   (and counted as skipped) and any other is drawn, until the quota is drawn or the stratum ends.
4. For each drawn entry, the inspectors of the plan's pool are ordered by the key
   ``SHA-256("<seed>|inspector|<id>|<certificate number>")``; the first two without a declared
   conflict with that entry inspect it. A draw that finds fewer than two is refused.
5. The result lists the drawn entries by stratum, each stratum by ascending key.

The seed is fixed — and its SHA-256 published — before the draw; only the seed's owner could choose
it, and the hash shows it was not changed afterwards.
"""

import hashlib
import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

# The strata: the county's seven levels (003 §3), in the order the draw takes them.
GRADES = ("A+", "A", "B", "C", "C-", "D", "D-")
INSPECTORS_PER_INSPECTION = 2


class Entry(NamedTuple):  # a tuple: a million of them are made per draw
    ident: str
    grade: str
    at_cap: bool = False


@dataclass(frozen=True)
class Officer:
    certificate: str
    name: str


@dataclass
class Stratum:
    grade: str
    size: int
    ratio: Decimal
    quota: int
    drawn: int = 0
    skipped: int = 0  # entries the walk landed on that were at their cap


@dataclass(frozen=True)
class Drawn:
    ident: str
    grade: str
    inspectors: tuple[str, ...]  # certificate numbers, in the order they were drawn


@dataclass
class Outcome:
    strata: list[Stratum] = field(default_factory=list)
    drawn: list[Drawn] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(s.skipped for s in self.strata)


class ShortOfInspectors(Exception):
    """Fewer than two inspectors of the pool are free of a declared conflict with ``ident``."""

    def __init__(self, ident: str):
        super().__init__(ident)
        self.ident = ident


def seed_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def ratio_value(value) -> Decimal:
    """A sampling ratio as a decimal between 0 and 1 (ValueError otherwise)."""
    try:
        ratio = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None
    if not ratio.is_finite() or not 0 <= ratio <= 1:
        raise ValueError(value)
    return ratio


def quota(ratio: Decimal, size: int) -> int:
    """round-half-up(ratio × size) (SPEC §7), in decimal arithmetic: 0.05 × 30 is 1.5 and draws 2."""
    return int((ratio * size).quantize(Decimal(1), rounding=ROUND_HALF_UP))


Row = tuple[str, str, bool]  # (id, grade, at cap): an ``Entry`` or a plain tuple of the same three


def subject_key(seed: str, grade: str, ident: str) -> bytes:
    return hashlib.sha256(f"{seed}|subject|{grade}|{ident}".encode()).digest()


def inspector_key(seed: str, ident: str, certificate: str) -> bytes:
    return hashlib.sha256(f"{seed}|inspector|{ident}|{certificate}".encode()).digest()


def _stratum(seed: str, grade: str, entries: list[Row], ratio: Decimal) -> tuple[Stratum, list[str]]:
    """The stratum's counts and the ids drawn, in the walk's order (``subject_key`` computed inline:
    a million keys per draw)."""
    stratum = Stratum(grade=grade, size=len(entries), ratio=ratio, quota=quota(ratio, len(entries)))
    if stratum.quota == 0:
        return stratum, []
    prefix, sha256 = f"{seed}|subject|{grade}|".encode(), hashlib.sha256
    free = [(sha256(prefix + ident.encode()).digest(), ident) for ident, _g, at_cap in entries if not at_cap]
    chosen = heapq.nsmallest(stratum.quota, free)
    capped = [sha256(prefix + ident.encode()).digest() for ident, _g, at_cap in entries if at_cap]
    if len(chosen) == stratum.quota:
        last = chosen[-1][0]
        stratum.skipped = sum(1 for key in capped if key < last)
    else:  # the walk went through the whole stratum
        stratum.skipped = len(capped)
    stratum.drawn = len(chosen)
    return stratum, [ident for _key, ident in chosen]


def inspectors_for(
    seed: str, ident: str, officers: Sequence[Officer], conflicts: set[tuple[str, str]]
) -> tuple[str, ...]:
    """The two certificate numbers that inspect ``ident`` (ShortOfInspectors if there are not two)."""
    return _inspectors(seed, ident, [(o.certificate, o.certificate.encode()) for o in officers], conflicts)


def _inspectors(
    seed: str, ident: str, pool: list[tuple[str, bytes]], conflicts: set[tuple[str, str]]
) -> tuple[str, ...]:
    prefix, sha256 = f"{seed}|inspector|{ident}|".encode(), hashlib.sha256
    keyed = sorted([(sha256(prefix + raw).digest(), certificate) for certificate, raw in pool])
    chosen: list[str] = []
    for _key, certificate in keyed:
        if (certificate, ident) not in conflicts:
            chosen.append(certificate)
            if len(chosen) == INSPECTORS_PER_INSPECTION:
                return tuple(chosen)
    raise ShortOfInspectors(ident)


def draw(
    *,
    seed: str,
    entries: Iterable[Row],
    ratios: Mapping[str, Decimal],
    officers: Sequence[Officer],
    conflicts: Iterable[tuple[str, str]] = (),
) -> Outcome:
    """The draw over ``entries`` (see the module's docstring). ``conflicts`` are pairs (certificate
    number, entry id) of declared conflicts."""
    by_grade: dict[str, list[Row]] = {grade: [] for grade in GRADES}
    for entry in entries:
        if entry[1] in by_grade:
            by_grade[entry[1]].append(entry)
    conflict_set = set(conflicts)
    pool = [(o.certificate, o.certificate.encode()) for o in officers]
    outcome = Outcome()
    for grade in GRADES:
        stratum, chosen = _stratum(seed, grade, by_grade[grade], ratio_value(ratios.get(grade, 0)))
        outcome.strata.append(stratum)
        for ident in chosen:
            outcome.drawn.append(Drawn(ident, grade, _inspectors(seed, ident, pool, conflict_set)))
    return outcome
