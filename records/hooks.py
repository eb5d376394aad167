"""The regrade hook: records that become effective, are revoked, corrected or repaired change their
subject's grades at once (SPEC §3.5, 001 Art. 3 "动态管理，实时更新").

The grading app registers its listener here at start-up; intake only announces which subjects changed,
after the transaction commits, so a rolled-back change never triggers a regrade.
"""

from collections.abc import Callable, Iterable

from django.db import transaction

RegradeListener = Callable[[list[int]], None]
_listeners: list[RegradeListener] = []


def regrade_listener_add(listener: RegradeListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def regrade_listener_remove(listener: RegradeListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def regrade_after_commit(subject_ids: Iterable[int]) -> None:
    ids = sorted(set(subject_ids))
    if not ids:
        return

    def notify() -> None:
        for listener in list(_listeners):
            listener(ids)

    transaction.on_commit(notify)
