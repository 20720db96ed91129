"""When a supervised child that exits is restarted, and when it is given up on."""

from __future__ import annotations

import signal

from services.core.children import (
    EX_CONFIG,
    GIVE_UP_AFTER,
    RESTART_MAX_DELAY,
    STABLE_AFTER,
    STARTUP_GRACE,
    Child,
)


def exit_after(child: Child, ran: float, code: int) -> tuple[str | None, float]:
    """`child` exits with `code` after running `ran` seconds: why it is given up on, if it
    is, and in how many seconds it is restarted."""
    child.started_at = 1000.0
    reason = child.exited(code, 1000.0 + ran)
    delay = child.restart_at - (1000.0 + ran) if child.restart_at is not None else -1.0
    child.restart_at = None
    return reason, delay


def test_the_delay_doubles_while_it_keeps_crashing_up_to_a_cap_then_starts_over() -> None:
    child = Child("worker-1", [], {})
    delays = [exit_after(child, 30.0, 1)[1] for _ in range(10)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0, 30.0]
    assert RESTART_MAX_DELAY == 30.0
    assert exit_after(child, STABLE_AFTER, 1) == (None, 0.5)  # it had been up a while


def test_a_child_killed_by_a_signal_is_restarted_however_young_and_often() -> None:
    child = Child("worker-1", [], {})
    for _ in range(GIVE_UP_AFTER * 4):
        reason, delay = exit_after(child, 0.1, -signal.SIGKILL)
        assert reason is None and delay > 0


def test_only_start_failures_in_a_row_give_up() -> None:
    child = Child("worker-1", [], {})
    for _ in range(GIVE_UP_AFTER - 1):
        assert exit_after(child, 0.5, 1)[0] is None
    assert exit_after(child, STARTUP_GRACE, 1)[0] is None  # it had started: the run is broken
    for _ in range(GIVE_UP_AFTER - 1):
        assert exit_after(child, 0.5, 1)[0] is None
    reason, _ = exit_after(child, 0.5, 1)
    assert reason == f"worker-1 failed to start {GIVE_UP_AFTER} times in a row (exited with code 1)"


def test_a_child_that_says_a_restart_cannot_help_is_given_up_on_at_once() -> None:
    reason, _ = exit_after(Child("api", [], {}), 0.5, EX_CONFIG)
    assert reason == "api cannot start (exited with code 78: see its message above)"
