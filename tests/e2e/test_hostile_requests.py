"""A running `comments up` keeps answering while it logs a request built to make masking
slow: its access-log line is masked in time proportional to its length."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from typing import Any

from tests.e2e.client import request

# The old masker backtracked for seconds over a run of local-part characters with no `@`.
HOSTILE_PATH = "/" + "+-" * 4000 + ".com"


def test_a_hostile_path_does_not_stall_the_api(service: Any) -> None:
    base, _process, _data_dir = service
    answered: list[int] = []

    def hostile() -> None:
        try:
            urllib.request.urlopen(base + HOSTILE_PATH, timeout=30)
        except urllib.error.HTTPError as e:
            answered.append(e.code)

    sender = threading.Thread(target=hostile)
    sender.start()
    waits = []
    deadline = time.monotonic() + 3  # the line is logged after the answer: keep asking a while
    while sender.is_alive() or time.monotonic() < deadline:
        started = time.monotonic()
        assert request("GET", f"{base}/healthz")[0] == 200
        waits.append(time.monotonic() - started)
    sender.join()
    assert answered == [404]
    assert max(waits) < 1.0, f"/healthz waited {max(waits):.1f} s behind one logged request"
