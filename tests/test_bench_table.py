"""``make bench`` prints one table (bench/table.py): each operation, its time, the limit measured beside
it and the ratio. The run itself needs PostgreSQL and minutes; here only the table it prints."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "bench_table", Path(__file__).parent.parent / "bench" / "table.py"
)
bench_table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_table)


def test_the_table_gives_each_operation_its_limit_and_the_ratio():
    Row = bench_table.Row
    text = bench_table.table(
        [
            Row("first night", 12.0, "one statement per scheme", 10.0, target="≤ 1.2x"),
            Row("single-subject regrade, p99", 8.0, "reading its records, p99", 1.0, unit="ms"),
            Row("look-up, highest rate", 400, "-", None, unit="rps"),
        ],
        "100,000 subjects",
    )
    lines = text.splitlines()
    assert lines[0] == "100,000 subjects"
    assert "| first night | 12.0 s | one statement per scheme | 10.0 s | 1.20x | ≤ 1.2x |" in lines
    assert "| single-subject regrade, p99 | 8.0 ms | reading its records, p99 | 1.0 ms | 8.00x |  |" in lines
    assert "| look-up, highest rate | 400 req/s | - | - | - |  |" in lines


def test_the_highest_rate_halves_or_doubles_then_tries_half_way(monkeypatch):
    """The search for the highest rate whose p95 holds, against a server that holds up to
    ``capacity`` requests a second (the load generator's answer, as the table reads it)."""
    import argparse

    args = argparse.Namespace(lookup_rate=200, lookup_step_seconds=1)
    for capacity, expected in ((170, 150), (120, 100), (500, 400), (650, 600), (5000, 3200), (8, 6), (2, 0)):
        tried = []

        def locust(args, kind, port, rate, seconds, capacity=capacity, tried=tried):
            tried.append(rate)
            return {"p95": 20.0 if rate <= capacity else 400.0, "rate": float(rate), "failures": 0}

        monkeypatch.setattr(bench_table, "locust", locust)
        first = locust(args, "code_api", 0, 200, 1)
        assert bench_table.highest_rate(args, "code_api", first) == expected, (capacity, tried)
