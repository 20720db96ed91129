"""RQ jobs. Thin: they take ids, call into the domain, and are safe to run twice."""

from __future__ import annotations

import logging
import time

from services.core import keys
from services.core.comment import State, now_iso
from services.core.transitions import Decision
from services.worker.context import current

log = logging.getLogger(__name__)


def moderate(comment_id: str) -> str:
    """Decide a pending comment; return the state it is in afterwards."""
    ctx = current()
    if not ctx.redis.exists(keys.comment(comment_id)):
        log.warning("moderation job for unknown comment %s", comment_id)
        return "missing"
    decision = Decision(
        state=State.HELD,
        reasons=[{"check": "none", "detail": "no automatic checks yet: a moderator decides"}],
        decided_at=now_iso(),
        decided_ms=int(time.time() * 1000),
    )
    found = ctx.decide(keys=decision.keys(comment_id), args=decision.args(comment_id))
    return decision.state.value if found == State.PENDING else str(found)
