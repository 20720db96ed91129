"""Small runs of bench/chaos.py: workers killed at random, Valkey killed and restarted, or
everything stopped with SIGTERM as an orchestrator does during a rolling restart; and still
every accepted comment reaches one final state, published at most once."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import chaos  # noqa: E402


def test_nothing_accepted_is_lost_or_published_twice() -> None:
    report = chaos.run(comments=300, workers=2, redis_kills=1, rate=100.0, settle_s=60.0)
    assert report.redis_kills == 1 and report.worker_kills >= 1, report
    assert report.accepted == 300, report
    assert report.lost == 0, report
    assert report.published_twice == 0, report
    assert report.final == 300, report


def test_rolling_restarts_with_sigterm_lose_nothing() -> None:
    report = chaos.run(comments=300, workers=2, redis_kills=0, rate=100.0, settle_s=60.0,
                       stop_signal=signal.SIGTERM, api_restarts=2)  # fmt: skip
    assert report.api_restarts == 2 and report.worker_kills >= 1, report
    assert (report.accepted, report.final, report.lost) == (300, 300, 0), report
    assert report.published_twice == 0, report
