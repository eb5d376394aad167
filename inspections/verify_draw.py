#!/usr/bin/env python3
"""Check a published random-inspection draw (双随机一公开) — stand-alone, Python 3 standard library only.

Download the draw file of a plan from the public inspection pages (``…/draw.json.gz``) and run::

    python3 verify_draw.py draw.json.gz

It checks that the seed matches the hash published before the draw, recomputes the draw from the seed
and the published eligible list by the algorithm below, and compares it with the published result.
Exit status 0 and "OK" when they agree; 1 and the first differences otherwise.

The algorithm (the same words as in the project's README):

1. Each eligible entry is ``[id, grade, at_cap]``: the subject's code (a natural person: an opaque
   token of the plan), its public grade in force, and whether it already had as many inspections
   this year as its grade allows.
2. For each grade in the order A+, A, B, C, C-, D, D- with n entries: quota = round-half-up(ratio × n).
3. Order the grade's entries by SHA-256 of "<seed>|subject|<grade>|<id>" (UTF-8; digests compared as
   bytes). Walk them in that order: an entry at its cap is skipped (counted), any other is drawn,
   until the quota is drawn or the entries end.
4. For each drawn entry, order the inspectors by SHA-256 of "<seed>|inspector|<id>|<certificate>";
   the first two without a declared conflict with the entry inspect it.
5. The result lists the drawn entries grade by grade, each grade in the walk's order.
"""

import gzip
import hashlib
import json
import sys
from decimal import ROUND_HALF_UP, Decimal

ORDER = ["A+", "A", "B", "C", "C-", "D", "D-"]


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).digest()


def recompute(document):
    seed = document["seed"]
    ratios = {grade: Decimal(str(value)) for grade, value in document["ratios"].items()}
    conflicts = {(certificate, ident) for certificate, ident in document["conflicts"]}
    certificates = [certificate for certificate, _name in document["inspectors"]]
    strata, result = [], []
    for grade in ORDER:
        entries = [(ident, at_cap) for ident, g, at_cap in document["eligible"] if g == grade]
        ratio = ratios.get(grade, Decimal(0))
        wanted = int((ratio * len(entries)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        walk = sorted(entries, key=lambda e: sha256(f"{seed}|subject|{grade}|{e[0]}"))
        drawn = skipped = 0
        for ident, at_cap in walk:
            if drawn == wanted:
                break
            if at_cap:
                skipped += 1
                continue
            ordered = sorted(certificates, key=lambda c, i=ident: sha256(f"{seed}|inspector|{i}|{c}"))
            free = [c for c in ordered if (c, ident) not in conflicts][:2]
            if len(free) < 2:
                raise SystemExit(f"fewer than two inspectors free of conflicts for {ident}")
            result.append({"id": ident, "grade": grade, "inspectors": free})
            drawn += 1
        strata.append(
            {"grade": grade, "size": len(entries), "quota": wanted, "drawn": drawn, "skipped": skipped}
        )
    return strata, result


def load(path):
    with open(path, "rb") as handle:
        raw = handle.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return json.loads(raw.decode("utf-8"))


def check(document):
    """The differences between the published draw and the recomputed one (empty: they agree)."""
    problems = []
    if hashlib.sha256(document["seed"].encode("utf-8")).hexdigest() != document["seed_sha256"]:
        problems.append("the seed does not match the hash published before the draw")
    strata, result = recompute(document)
    published = [
        {k: s[k] for k in ("grade", "size", "quota", "drawn", "skipped")} for s in document["strata"]
    ]
    if published != strata:
        problems.append(f"strata differ: published {published}, recomputed {strata}")
    drawn = [
        {"id": d["id"], "grade": d["grade"], "inspectors": list(d["inspectors"])} for d in document["draw"]
    ]
    if drawn != result:
        for i, (mine, theirs) in enumerate(zip(result, drawn, strict=False)):
            if mine != theirs:
                problems.append(f"entry {i + 1}: published {theirs}, recomputed {mine}")
                break
        if len(drawn) != len(result):
            problems.append(f"published {len(drawn)} inspections, recomputed {len(result)}")
    return problems


def main(argv):
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1].strip())
        print("usage: python3 verify_draw.py DRAW_FILE")
        return 2
    document = load(argv[1])
    problems = check(document)
    if problems:
        print("DIFFERENT")
        for problem in problems:
            print(" -", problem)
        return 1
    total = len(document["draw"])
    print(f"OK: {total} inspections drawn from {len(document['eligible'])} eligible subjects as published")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
