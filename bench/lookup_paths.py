"""The addresses of the look-up load test (``make bench``): bench/table.py and the locustfile share them.

Codes come from ``LOOKUP_CODES_FILE`` (valid codes bench/table.py gave a sample of the bench
subjects, one a line); names are the bench generator's 测试企业N for N up to ``LOOKUP_SUBJECTS``."""

import os
import random
from urllib.parse import quote


def codes() -> list[str]:
    with open(os.environ["LOOKUP_CODES_FILE"], encoding="utf-8") as handle:
        return handle.read().split()


def lookup_path(kind: str, rng: random.Random, sample: list[str], subjects: int) -> str:
    if kind == "code_api":
        return f"/api/public/subjects/{rng.choice(sample)}/"
    if kind == "code_page":
        return f"/public/subjects/{rng.choice(sample)}/"
    # A part of a name that a handful of subjects share (测试企业N, N a tenth of the county or more).
    part = quote(f"企业{rng.randint(max(1, subjects // 10), subjects)}")
    if kind == "name_api":
        return f"/api/public/subjects/?q={part}"
    return f"/public/?q={part}"
