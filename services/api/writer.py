"""Group commit: the Redis writes of concurrent requests, applied together and atomically.

A request hands its buffered commands to the writer and waits. While one batch is on its way
to Redis the next requests gather, and the next batch takes them all: one round trip and one
reply per batch instead of one per command, and no added wait when the server is idle. A batch
is one Lua script call, so Redis applies it whole, and with the script's shebang Redis refuses
it up front (rather than halfway) when it is out of memory.

The batch is packed by hiredis in C and sent on a connection of the client's pool: the asyncio
client packs arguments in Python and reads each reply through the event loop, which cost more
than everything else a submission does (see bench/README.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import hiredis
from redis.asyncio import Redis

log = logging.getLogger(__name__)

Command = Sequence[Any]

APPLY = """#!lua
-- ARGV: n, command, arg, ..., n, command, arg, ...: each command with its n parts, in order.
local i = 1
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  redis.call(unpack(ARGV, i + 1, i + n))
  i = i + n + 1
end
return 1
"""

MAX_BATCH = 256
"""Most submissions in one batch, so one script call stays short."""


class BatchWriter:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._waiting: list[tuple[list[Command], asyncio.Future[None]]] = []
        self._wakeup = asyncio.Event()

    async def apply(self, commands: list[Command]) -> None:
        """Apply `commands` atomically, together with those of concurrent callers."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((commands, future))
        self._wakeup.set()
        await future

    async def run(self) -> None:
        """Flush batches until cancelled; run it as a task while the app runs."""
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._waiting:
                batch = self._waiting[:MAX_BATCH]
                del self._waiting[:MAX_BATCH]
                try:
                    await self._send(batch)
                except Exception as e:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(e)
                else:
                    for _, future in batch:
                        if not future.done():
                            future.set_result(None)

    async def _send(self, batch: list[tuple[list[Command], asyncio.Future[None]]]) -> None:
        parts: list[Any] = ["EVAL", APPLY, 0]
        for commands, _ in batch:
            for command in commands:
                parts.append(len(command))
                parts.extend(command)
        packed = hiredis.pack_command(tuple(parts))
        pool = self._redis.connection_pool
        connection = await pool.get_connection()  # type: ignore[no-untyped-call]
        try:
            await connection.send_packed_command(packed, check_health=False)
            await connection.read_response()
        except BaseException:
            await connection.disconnect()
            raise
        finally:
            await pool.release(connection)
