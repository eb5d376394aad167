"""The limit of the look-up (``make bench``): a WSGI application answering every request with one
fixed body (a real look-up's response, saved by bench/table.py in ``BENCH_STATIC_BODY``), served by
the same gunicorn as the application — what the server and the network cost with no Django at all."""

import os

with open(os.environ["BENCH_STATIC_BODY"], "rb") as handle:
    BODY = handle.read()
TYPE = os.environ.get("BENCH_STATIC_TYPE", "application/json")


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", TYPE), ("Content-Length", str(len(BODY)))])
    return [BODY]
