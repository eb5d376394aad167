"""The public look-up under load (``make bench``, run by bench/table.py): a fixed rate of requests
(``LOOKUP_USERS`` users, each ``constant_throughput(LOOKUP_USER_RATE)``) of one kind, ``LOOKUP_KIND``:

  code_api / code_page   — a subject by its code (API / page)
  name_api / name_page   — a search by part of a name (API / page), e.g. 企业123456
  static                 — the addresses of ``LOOKUP_STATIC_OF`` against a server answering one fixed
                           body (the limit)
"""

import os
import random

from locust import FastHttpUser, constant_throughput, task
from lookup_paths import codes, lookup_path

KIND = os.environ.get("LOOKUP_KIND", "code_api")
SUBJECTS = int(os.environ.get("LOOKUP_SUBJECTS", "100000"))
RATE = float(os.environ.get("LOOKUP_USER_RATE", "2"))
SAMPLE = codes()


class LookupUser(FastHttpUser):
    wait_time = constant_throughput(RATE)

    def on_start(self) -> None:
        self.rng = random.Random()

    @task
    def lookup(self) -> None:
        kind = os.environ.get("LOOKUP_STATIC_OF", KIND) if KIND == "static" else KIND
        self.client.get(lookup_path(kind, self.rng, SAMPLE, SUBJECTS), name=KIND)
