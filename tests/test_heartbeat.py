"""The heartbeat of claimed work (core/heartbeat.py), without a database."""

import time

from django.db import OperationalError

from core.heartbeat import Heartbeat


def test_a_thread_beats_until_the_block_ends():
    beats = []
    with Heartbeat(touch=lambda: beats.append(time.monotonic()) or True, interval=0.02):
        time.sleep(0.3)
    count = len(beats)
    assert count >= 3
    time.sleep(0.1)
    assert len(beats) == count  # stopped with the block


def test_the_beat_stops_once_the_claim_is_someone_elses():
    """A process taken for dead must not keep beating for a chunk or batch another one now holds."""
    beats = []

    def touch() -> bool:
        beats.append(1)
        return len(beats) < 2  # the second beat finds the row claimed by another process

    with Heartbeat(touch=touch, interval=0.02) as heartbeat:
        time.sleep(0.3)
    assert heartbeat.lost.is_set() and len(beats) == 2


def test_a_failed_beat_is_tried_again():
    calls = []

    def touch() -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return True

    with Heartbeat(touch=touch, interval=0.02) as heartbeat:
        time.sleep(0.3)
    assert len(calls) >= 3 and not heartbeat.lost.is_set()


def test_without_a_thread_the_caller_beats_between_steps():
    beats = []
    heartbeat = Heartbeat(touch=lambda: beats.append(1) or True, interval=0.05, threaded=False)
    with heartbeat:
        heartbeat.beat()
        assert beats == []  # not due yet
        heartbeat.sleep(0.3)  # a pause beats on the way
        assert len(beats) >= 4
