"""Group commit: the Redis writes of concurrent requests, applied together and atomically.

A request hands its buffered commands to the writer and waits. While one batch is on its way
to Redis the next requests gather, and the next batch takes them all: one round trip and one
reply per batch instead of one per command, and no added wait when the server is idle. A batch
is one Lua script call, so Redis applies it whole, and with the script's shebang Redis refuses
it up front (rather than halfway) when it is out of memory.

Each submission may carry guards, checked inside the same script before its commands: a
`Unique` key (a duplicate is refused) and a sliding-window `Limit` (a flood is refused, with
the time until a slot frees). A refused submission writes nothing.

A stored comment is queued for moderation by the same script: it joins the batch whose job
is waiting in the queue, or starts one (see `_with_jobs`).

The batch is packed by hiredis in C and sent on a connection of the client's pool: the asyncio
client packs arguments in Python and reads each reply through the event loop, which cost more
than everything else a submission does (see bench/README.md).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import hiredis
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from services.store import keys, queues
from services.store.buffered_jobs import ModerationJobs
from services.store.scripts import source

Command = Sequence[Any]


@dataclass(frozen=True)
class Unique:
    """Refuse the submission when `key` exists (the refusal carries the key's value);
    otherwise set it to `value` for `ttl_s` seconds."""

    key: str
    ttl_s: int
    value: str = "1"


@dataclass(frozen=True)
class Limit:
    """Refuse the submission when `key` holds `count` entries newer than `window_ms`;
    otherwise add `member` at `now_ms`."""

    key: str
    count: int
    window_ms: int
    now_ms: int
    member: str
    name: str = ""
    """Whose limit it is (author, client, token), for the metrics."""


@dataclass(frozen=True)
class Filled:
    """Refuse unless the list at `key` has entries."""

    key: str


Guard = Unique | Limit | Filled


@dataclass(frozen=True)
class Refused:
    guard: Guard
    retry_after_ms: int
    """For a `Limit`: how long until the oldest entry leaves the window."""
    stored: str = ""
    """For a `Unique`: the value stored under its key by the submission that set it."""


APPLY = source("writer_apply.lua")
"""One batch of submissions: KEYS[1] the open batch, ARGV[1] `_APPLY_CONFIG`, then each
submission as `BatchWriter._send` streams it."""

_APPLY_CONFIG = json.dumps(
    {
        "comment_prefix": keys.comment(""),
        "batch_max": queues.MODERATION_BATCH,
        "open_batch_ttl_s": queues.OPEN_BATCH_TTL_S,
    }
)

MAX_BATCH = 256
"""Most submissions in one batch, so one script call stays short."""

_Waiting = tuple[list[Guard], list[Command], "asyncio.Future[Refused | None]", str | None]
"""A submission waiting for the next batch: guards, commands, its answer, its comment id."""


class NotDurable(RedisConnectionError):
    """Redis did not confirm the batch on disk (WAITAOF) in time: its commands were applied,
    but a crash now could lose them, so the callers must not be told they are safe."""


@dataclass(frozen=True)
class Durability:
    """After each batch, wait until `local` Redis and `replicas` replicas have the batch in
    their append-only files (WAITAOF), at most `timeout_ms`."""

    local: int
    replicas: int
    timeout_ms: int


class BatchWriter:
    def __init__(
        self, redis: Redis, durability: Durability | None = None, jobs: ModerationJobs | None = None
    ) -> None:
        self._redis = redis
        self._durability = durability
        self._jobs = jobs
        self._waiting: list[_Waiting] = []
        self._wakeup = asyncio.Event()

    async def apply(
        self, commands: list[Command], guards: Sequence[Guard] = (), comment_id: str | None = None
    ) -> Refused | None:
        """Apply `commands` atomically, together with those of concurrent callers, unless a
        guard refuses: then nothing is written and the refusal is returned. With a
        `comment_id`, the comment is queued for moderation in the same script."""
        future: asyncio.Future[Refused | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((list(guards), commands, future, comment_id))
        self._wakeup.set()
        return await future

    async def run(self) -> None:
        """Flush batches until cancelled; run it as a task while the app runs."""
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._waiting:
                batch = self._waiting[:MAX_BATCH]
                del self._waiting[:MAX_BATCH]
                try:
                    results = await self._send(batch)
                except Exception as e:
                    for _, _, future, _ in batch:
                        if not future.done():
                            future.set_exception(e)
                else:
                    for (guards, _, future, _), result in zip(batch, results, strict=True):
                        if not future.done():
                            future.set_result(
                                Refused(guards[result[0] - 1], int(result[1]), *result[2:])
                                if result
                                else None
                            )

    def _with_jobs(self, batch: list[_Waiting]) -> list[tuple[list[Guard], list[Command], int]]:
        """The batch's submissions (each with its place in the batch), each run of up to
        MODERATION_BATCH comments followed by a job (place -1). Each comment, if its guards
        let it be stored, joins the open batch (one whose job no worker has started) while it
        has room, else its run's list, which becomes the open batch; it names the job on its
        record. The run's job is written only if its list was used. So a comment's job is as
        atomic with it as its record, a refused submission leaves nothing behind, and each
        comment has its own job while the workers keep up (they close a batch as they start
        it), up to MODERATION_BATCH per job once a backlog forms."""
        ordered: list[tuple[list[Guard], list[Command], int]] = [
            (guards, commands, i) for i, (guards, commands, _, cid) in enumerate(batch) if not cid
        ]
        ids = [(i, cid) for i, (*_, cid) in enumerate(batch) if cid]
        for start in range(0, len(ids), queues.MODERATION_BATCH):
            chunk = ids[start : start + queues.MODERATION_BATCH]
            if self._jobs is None:
                ordered += [(batch[i][0], batch[i][1], i) for i, _ in chunk]
                continue
            listing = keys.moderation_batch(chunk[0][1])
            pipe = self._jobs.recorder()
            job_id = self._jobs.add(pipe, chunk[0][1])
            for i, cid in chunk:
                guards, commands, _, _ = batch[i]
                ordered.append((guards, [*commands, ("JOIN", cid, listing, job_id)], i))
            job: list[Command] = [args for args, _ in pipe.command_stack]
            job.append(("EXPIRE", listing, queues.FAILURE_TTL))
            ordered.append(([Filled(listing)], job, -1))
        return ordered

    async def _send(self, batch: list[_Waiting]) -> list[Any]:
        """Each submission's result, in the batch's order."""
        parts: list[Any] = ["EVAL", APPLY, 1, keys.OPEN_BATCH, _APPLY_CONFIG]
        ordered = self._with_jobs(batch)
        for guards, commands, _ in ordered:
            parts.append(len(guards))
            for guard in guards:
                if isinstance(guard, Filled):
                    parts += ["filled", guard.key]
                elif isinstance(guard, Unique):
                    parts += ["unique", guard.key, guard.ttl_s, guard.value]
                else:
                    parts += ["limit", guard.key, guard.count, guard.window_ms, guard.now_ms,
                              guard.member]  # fmt: skip
            parts.append(len(commands))
            for command in commands:
                parts.append(len(command))
                parts.extend(command)
        packed = hiredis.pack_command(tuple(parts))
        pool = self._redis.connection_pool
        connection = await pool.get_connection()  # type: ignore[no-untyped-call]
        try:
            await connection.send_packed_command(packed, check_health=False)
            results: list[Any] = await connection.read_response()
            if wait := self._durability:
                # One fsync confirmation for the whole batch: group commit's second gift.
                await connection.send_command(
                    "WAITAOF", wait.local, wait.replicas, wait.timeout_ms, check_health=False
                )
                try:
                    local, replicas = await connection.read_response()
                except ResponseError as e:  # e.g. the append-only file was turned off
                    raise NotDurable(f"WAITAOF refused: {e}") from e
                if local < wait.local or replicas < wait.replicas:
                    raise NotDurable(
                        f"WAITAOF confirmed {local} local and {replicas} replica copies "
                        f"within {wait.timeout_ms} ms"
                    )
        except BaseException:
            await connection.disconnect()
            raise
        finally:
            await pool.release(connection)
        in_order: list[Any] = [None] * len(batch)
        for (_, _, place), result in zip(ordered, results, strict=True):
            if place >= 0:
                in_order[place] = result
        return in_order
