"""Article versions for the read path, one `MGET` for every request waiting at that moment.

Every read of an article's comments starts with its version (the ETag, the page cache's key),
so a popular article costs one Redis round trip per reader: the largest part of a cached page
or a 304 (a third of the process under load, measured with py-spy). The requests whose
handlers run in the same turn of the event loop ask together instead, as the group-commit
writer does for submissions. Each request's version is still read after it arrived, so it is
as fresh as a read of its own."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from services.store import keys


class VersionReader:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._waiting: dict[str, list[asyncio.Future[str]]] = {}
        self._reads: set[asyncio.Task[None]] = set()  # the loop keeps only weak references

    async def version(self, article_id: str) -> str:
        """The article's version: "0" before anything was published on it."""
        loop = asyncio.get_running_loop()
        if not self._waiting:
            loop.call_soon(self._start)  # after every handler of this turn has asked
        waiter: asyncio.Future[str] = loop.create_future()
        self._waiting.setdefault(article_id, []).append(waiter)
        return await waiter

    def _start(self) -> None:
        waiting, self._waiting = self._waiting, {}
        task = asyncio.ensure_future(self._read(waiting))
        self._reads.add(task)
        task.add_done_callback(self._reads.discard)

    async def _read(self, waiting: dict[str, list[asyncio.Future[str]]]) -> None:
        try:
            values = await self.redis.mget([keys.article_version(a) for a in waiting])
        except asyncio.CancelledError:  # the server is stopping
            for future in _all(waiting):
                future.cancel()
            raise
        except Exception as e:  # every request waiting answers it (a 503 for a Redis error)
            for future in _all(waiting):
                if not future.done():
                    future.set_exception(e)
            return
        for futures, value in zip(waiting.values(), values, strict=True):
            for future in futures:
                if not future.done():  # done: its request was cancelled (the client hung up)
                    future.set_result(str(value or "0"))


def _all(waiting: dict[str, list[asyncio.Future[str]]]) -> list[asyncio.Future[str]]:
    return [future for futures in waiting.values() for future in futures]
