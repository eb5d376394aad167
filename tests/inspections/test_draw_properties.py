"""The draw algorithm (inspections/draw.py) and the stand-alone verifier (inspections/verify_draw.py),
two implementations of the algorithm the README states, held to each other and to its promises on
random inputs."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspections import verify_draw
from inspections.draw import GRADES, Entry, Officer, ShortOfInspectors, draw, quota, seed_hash

idents = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=4, max_size=18)
ratio = st.decimals(min_value=0, max_value=1, places=3)


@st.composite
def inputs(draw_):
    ids = draw_(st.lists(idents, min_size=0, max_size=60, unique=True))
    entries = [Entry(i, draw_(st.sampled_from(GRADES)), draw_(st.booleans())) for i in ids]
    ratios = {g: draw_(ratio) for g in GRADES}
    certificates = draw_(
        st.lists(st.text(alphabet="0123456789", min_size=6, max_size=8), min_size=4, max_size=8, unique=True)
    )
    officers = [Officer(c, f"检查员{c}") for c in certificates]
    # At most len(pool) - 2 conflicts per entry, so the draw always finds two inspectors.
    conflicts = set()
    for entry in entries:
        taken = draw_(st.lists(st.sampled_from(certificates), max_size=len(certificates) - 2, unique=True))
        conflicts |= {(c, entry.ident) for c in taken}
    seed = draw_(st.text(min_size=1, max_size=40))
    return seed, entries, ratios, officers, conflicts


def document(seed, entries, ratios, officers, conflicts, outcome) -> dict:
    """The published draw as the app writes it (services._document), built from the pure outcome."""
    drawn = {d.ident for d in outcome.drawn}
    return {
        "seed": seed,
        "seed_sha256": seed_hash(seed),
        "ratios": {g: str(r) for g, r in ratios.items()},
        "eligible": [[e.ident, e.grade, e.at_cap] for e in entries],
        "inspectors": [[o.certificate, o.name] for o in officers],
        "conflicts": sorted([c, i] for c, i in conflicts if i in drawn),
        "strata": [
            {"grade": s.grade, "size": s.size, "quota": s.quota, "drawn": s.drawn, "skipped": s.skipped}
            for s in outcome.strata
        ],
        "draw": [{"id": d.ident, "grade": d.grade, "inspectors": list(d.inspectors)} for d in outcome.drawn],
    }


@settings(max_examples=150, deadline=None)
@given(inputs())
def test_same_seed_and_inputs_same_draw_and_list_order_does_not_matter(data):
    seed, entries, ratios, officers, conflicts = data
    first = draw(seed=seed, entries=entries, ratios=ratios, officers=officers, conflicts=conflicts)
    again = draw(
        seed=seed,
        entries=list(reversed(entries)),
        ratios=ratios,
        officers=officers[::-1],
        conflicts=conflicts,
    )
    assert first.drawn == again.drawn
    assert [vars(s) for s in first.strata] == [vars(s) for s in again.strata]


@settings(max_examples=150, deadline=None)
@given(inputs())
def test_nobody_at_the_cap_is_drawn_and_each_stratum_draws_its_rounded_quota(data):
    seed, entries, ratios, officers, conflicts = data
    outcome = draw(seed=seed, entries=entries, ratios=ratios, officers=officers, conflicts=conflicts)
    at_cap = {e.ident for e in entries if e.at_cap}
    assert not at_cap & {d.ident for d in outcome.drawn}
    for stratum in outcome.strata:
        members = [e for e in entries if e.grade == stratum.grade]
        wanted = int((ratios[stratum.grade] * len(members)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        free = [e for e in members if not e.at_cap]
        assert stratum.quota == wanted
        assert stratum.drawn == min(wanted, len(free))
        assert stratum.drawn == sum(1 for d in outcome.drawn if d.grade == stratum.grade)
        assert 0 <= stratum.skipped <= len(members) - len(free)


@settings(max_examples=150, deadline=None)
@given(inputs())
def test_two_different_inspectors_none_with_a_declared_conflict(data):
    seed, entries, ratios, officers, conflicts = data
    outcome = draw(seed=seed, entries=entries, ratios=ratios, officers=officers, conflicts=conflicts)
    pool = {o.certificate for o in officers}
    for drawn in outcome.drawn:
        assert len(set(drawn.inspectors)) == 2 and set(drawn.inspectors) <= pool
        assert not {(c, drawn.ident) for c in drawn.inspectors} & conflicts


@settings(max_examples=150, deadline=None)
@given(inputs())
def test_the_stand_alone_verifier_agrees_with_the_app(data):
    seed, entries, ratios, officers, conflicts = data
    outcome = draw(seed=seed, entries=entries, ratios=ratios, officers=officers, conflicts=conflicts)
    assert verify_draw.check(document(seed, entries, ratios, officers, conflicts, outcome)) == []


@settings(max_examples=60, deadline=None)
@given(inputs(), st.data())
def test_the_verifier_catches_a_changed_draw_seed_or_list(data, more):
    seed, entries, ratios, officers, conflicts = data
    outcome = draw(seed=seed, entries=entries, ratios=ratios, officers=officers, conflicts=conflicts)
    published = document(seed, entries, ratios, officers, conflicts, outcome)
    other_seed = dict(published, seed=seed + "x")
    assert verify_draw.check(other_seed)  # the hash no longer matches
    if published["draw"]:
        swapped = dict(published, draw=list(reversed(published["draw"])) + [published["draw"][0]])
        assert verify_draw.check(swapped)
    if published["eligible"]:
        drawn_ids = {d["id"] for d in published["draw"]}
        victim = more.draw(st.sampled_from(published["eligible"]))
        if victim[0] in drawn_ids:  # a drawn subject claimed to be at its cap cannot stand
            capped = [[i, g, True] if i == victim[0] else [i, g, c] for i, g, c in published["eligible"]]
            assert verify_draw.check(dict(published, eligible=capped))


def test_round_half_up_in_decimals():
    assert quota(Decimal("0.05"), 30) == 2  # 1.5 rounds up, where float rounding gives 1
    assert quota(Decimal("0.05"), 10) == 1  # 0.5 rounds up (Python's round() gives 0)
    assert quota(Decimal("0.1"), 4) == 0
    assert quota(Decimal("0.3"), 5) == 2
    assert quota(Decimal("1"), 7) == 7
    assert quota(Decimal("0"), 1000) == 0


def test_fewer_than_two_free_inspectors_refuses_the_draw():
    entries = [Entry("91X", "D")]
    officers = [Officer("1", "甲"), Officer("2", "乙")]
    with pytest.raises(ShortOfInspectors) as exc:
        draw(seed="s", entries=entries, ratios={"D": Decimal(1)}, officers=officers, conflicts={("1", "91X")})
    assert exc.value.ident == "91X"


def test_the_verifier_runs_as_a_script_on_a_file(tmp_path):
    import gzip
    import json
    import subprocess
    import sys

    entries = [Entry(f"ID{i:03d}", GRADES[i % 7], i % 5 == 0) for i in range(70)]
    officers = [Officer(str(100 + i), f"员{i}") for i in range(5)]
    ratios = {g: Decimal("0.5") for g in GRADES}
    outcome = draw(seed="公开的种子", entries=entries, ratios=ratios, officers=officers)
    path = tmp_path / "draw.json.gz"
    path.write_bytes(
        gzip.compress(json.dumps(document("公开的种子", entries, ratios, officers, set(), outcome)).encode())
    )
    ok = subprocess.run([sys.executable, verify_draw.__file__, str(path)], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("OK")
    bad = json.loads(gzip.decompress(path.read_bytes()))
    bad["draw"][0]["inspectors"].reverse()
    path.write_bytes(json.dumps(bad).encode())
    refused = subprocess.run(
        [sys.executable, verify_draw.__file__, str(path)], capture_output=True, text=True
    )
    assert refused.returncode == 1 and "DIFFERENT" in refused.stdout
