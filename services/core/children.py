"""Child processes kept running: each one that exits is restarted after a delay that doubles
while it keeps exiting; one that cannot start is given up on, with the reason."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType

from services.core.process import die_with_parent

RESTART_FIRST_DELAY = 0.5
RESTART_MAX_DELAY = 30.0
"""A child that keeps exiting is restarted after 0.5 s, then 1, 2, 4 ... at most 30 s."""
STABLE_AFTER = 60.0
"""A child that ran this long before it exited is restarted after the first delay again."""
STARTUP_GRACE = 10.0
"""A child that exits on its own (with a code, not a signal) sooner than this after starting
failed to start: a bad setting, an unreachable dependency."""
GIVE_UP_AFTER = 5
"""Start failures in a row of one child after which the supervisor stops everything: past
that, restarting only loops. A child killed by a signal (an operator, the OOM killer) never
counts: it is restarted, however young."""
EX_CONFIG = 78
"""A child exiting with this code (sysexits' EX_CONFIG) says a restart cannot help, e.g. its
port is taken: the supervisor gives up at once."""


@dataclass
class Child:
    name: str
    args: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = field(default=0.0)
    restart_at: float | None = None
    """While it waits to be restarted: when."""
    quick_exits: int = 0
    """Exits in a row without a stable run in between: the backoff's exponent."""
    start_failures: int = 0

    def start(self) -> None:
        # Its own session: Ctrl-C reaches only us, and we stop the children in order.
        self.process = subprocess.Popen(
            self.args, env=self.env, start_new_session=True, preexec_fn=die_with_parent
        )
        self.started_at = time.monotonic()
        self.restart_at = None

    def stop(self, timeout: float) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            print(f"comments: {self.name} did not stop in {timeout:.0f}s; killing it", flush=True)
            self.process.kill()
            self.process.wait()

    def exited(self, code: int, now: float) -> str | None:
        """Note that it exited with `code` (negative: killed by that signal) and plan its
        restart; or return why restarting it is pointless."""
        self._stop_leftovers()
        ran = now - self.started_at
        how = describe_exit(code)
        if code == EX_CONFIG:
            return f"{self.name} cannot start ({how}: see its message above)"
        if ran >= STABLE_AFTER:
            self.quick_exits = 0
        if code >= 0 and ran < STARTUP_GRACE:
            self.start_failures += 1
            if self.start_failures >= GIVE_UP_AFTER:
                return f"{self.name} failed to start {self.start_failures} times in a row ({how})"
        else:
            self.start_failures = 0
        delay = min(RESTART_MAX_DELAY, RESTART_FIRST_DELAY * 2 ** min(self.quick_exits, 16))
        self.quick_exits += 1
        self.restart_at = now + delay
        pid = self.process.pid if self.process else "?"
        print(
            f"comments: {self.name} (pid {pid}) {how} after {ran:.1f}s; "
            f"restarting it in {delay:.1f}s",
            flush=True,
        )
        return None

    def _stop_leftovers(self) -> None:
        """What it started and could not stop, being killed (RQ's scheduler, which a worker
        forks), is in its session's process group: stop that too, or it runs on orphaned."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGTERM)


def describe_exit(code: int) -> str:
    if code >= 0:
        return f"exited with code {code}"
    try:
        return f"was killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"was killed by signal {-code}"


def stop_on_signals() -> Callable[[], bool]:
    """From now on SIGINT and SIGTERM only ask to stop; the returned function tells if asked."""
    asked = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        asked.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    return asked.is_set


def supervise(
    children: list[Child], stopping: Callable[[], bool], check: Callable[[], int | None]
) -> int:
    """Start the children and keep them running until `stopping()` (then 0): each one that
    exits is restarted on its own schedule (see `Child.exited`), the others untouched. Stops
    (1, or EX_CONFIG if that is why) when one cannot be started, or with the code `check`
    returns. The caller stops the children after."""
    for child in children:
        child.start()
    while not stopping():
        if (code := check()) is not None:
            return code
        now = time.monotonic()
        for child in children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.start()
                continue
            assert child.process is not None
            code = child.process.poll()
            if code is not None and not stopping() and (reason := child.exited(code, now)):
                print(f"comments: {reason}; stopping", flush=True)
                return EX_CONFIG if code == EX_CONFIG else 1
        time.sleep(0.1)
    print("comments: stopping", flush=True)
    return 0


def stop_all(children: list[Child], timeout: float) -> None:
    """SIGTERM to all at once, then wait for each."""
    for child in children:
        if child.process and child.process.poll() is None:
            child.process.terminate()
    for child in children:
        child.stop(timeout)
