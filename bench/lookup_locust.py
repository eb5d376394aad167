"""The public look-up under load (``make bench``, run by bench/table.py): a fixed rate of requests of one
kind, ``LOOKUP_KIND``, from many users, each sending ``LOOKUP_USER_RATE`` a second at random moments
(Poisson arrivals, as many independent visitors make: the sum is Poisson at the target rate):

  code_api / code_page   — a subject by its code (API / page)
  name_api / name_page   — a search by part of a name (API / page), e.g. 企业123456
  static                 — the addresses of ``LOOKUP_STATIC_OF`` against a server answering one fixed
                           body (the limit)
"""

import os
import random
import time

import gevent
from locust import FastHttpUser, task
from lookup_paths import codes, lookup_path

KIND = os.environ.get("LOOKUP_KIND", "code_api")
SUBJECTS = int(os.environ.get("LOOKUP_SUBJECTS", "100000"))
RATE = float(os.environ.get("LOOKUP_USER_RATE", "2"))
SAMPLE = codes()


class LookupUser(FastHttpUser):
    """Each request is due at the previous one's due moment plus an exponential gap, whatever the
    previous one took (open loop: a slow answer does not slow the arrivals down). With a fixed period
    instead, users started in the same second stay in step, and the rate arrives as bursts of every
    user at once (at 200/s from 100 users: 100 requests every half second)."""

    def on_start(self) -> None:
        self.rng = random.Random()
        gevent.sleep(self.rng.uniform(0, 1 / RATE))  # the users' first requests spread too
        self.due = time.monotonic()

    def wait_time(self) -> float:
        self.due += self.rng.expovariate(RATE)
        return max(0.0, self.due - time.monotonic())

    @task
    def lookup(self) -> None:
        kind = os.environ.get("LOOKUP_STATIC_OF", KIND) if KIND == "static" else KIND
        self.client.get(lookup_path(kind, self.rng, SAMPLE, SUBJECTS), name=KIND)
