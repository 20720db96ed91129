"""The HTTP server under the app. aiohttp answers some requests before any middleware runs: a
request line or header too long, too many headers, `Content-Length` with
`Transfer-Encoding`, a NUL in a header, a malformed chunk, and any error that escapes the
middlewares. It answers those in `text/plain` from `RequestHandler.handle_error`; here they
get the one error shape, `application/problem+json`, like every other refusal.

aiohttp offers no setting for this, and `web.Application` may not be subclassed, so the
runner builds its server with a request handler of our own. `serve` is `web.run_app` with
that runner; tests start the same runner (tests/helpers.py), so both answer alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import (
    BadHttpMethod,
    BadStatusLine,
    HttpProcessingError,
    InvalidHeader,
    LineTooLong,
)
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_runner import GracefulExit

from services.api.problems import problem_response, problems
from services.core import logs

log = logs.get(__name__)

KEEPALIVE_TIMEOUT = 75.0
"""How long an idle connection stays open: `web.run_app`'s default."""


class ProblemRequestHandler(RequestHandler):
    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if request.writer.output_size > 0:
            raise ConnectionError("The response is partly sent; no error can follow it.")
        if status >= 500:
            self.log_exception("Error handling request from %s", request.remote, exc_info=exc)
            detail = "The server failed; it is logged."
        else:
            # A client's mistake, or a scanner's: one line, no traceback, none of its bytes.
            detail = refusal_detail(exc)
            log.info("http.refused", status=status, error=type(exc).__name__, remote=request.remote)
        response = problem_response(status, HTTPStatus(status).phrase, detail)
        response.force_close()  # the parser cannot find where the next request would start
        return response


def refusal_detail(exc: BaseException | None) -> str:
    """What was wrong, without echoing the request's bytes (which may hold a token)."""
    if isinstance(exc, LineTooLong):
        return "The request line or a header is longer than the server accepts."
    if isinstance(exc, InvalidHeader):
        return "A header is malformed."
    if isinstance(exc, BadHttpMethod):
        if "HTTPS" in exc.message:  # a TLS handshake: the first bytes are not a method
            return "This port speaks plain HTTP, not HTTPS."
        return "The request method is not a valid HTTP method."
    if isinstance(exc, BadStatusLine):
        return "The request line is not HTTP/1.x."
    if isinstance(exc, HttpProcessingError) and exc.message:
        # aiohttp's parser says what is wrong on the first line and quotes the bytes after it.
        return exc.message.splitlines()[0].rstrip(" :") + "."
    return "The request is not valid HTTP."


class ProblemServer(web.Server):
    def __call__(self) -> RequestHandler:
        return ProblemRequestHandler(self, loop=self._loop, **self._kwargs)


class ServiceRunner(web.AppRunner):
    async def _make_server(self) -> web.Server:
        made = await super()._make_server()
        return ProblemServer(
            # The app raises some refusals before its middlewares run (an `Expect` other than
            # `100-continue`: 417): the same middleware outside them answers those too.
            functools.partial(problems, handler=made.request_handler),
            request_factory=made.request_factory,
            handler_cancellation=made.handler_cancellation,
            loop=made._loop,
            **made._kwargs,
        )


def serve(
    app: web.Application,
    host: str,
    port: int,
    *,
    reuse_port: bool,
    shutdown_timeout: float,
    announce: Callable[[str], None],
    **handler_args: Any,
) -> None:
    """Serve until SIGTERM or SIGINT, then shut down as `web.run_app` does: stop accepting,
    give in-flight requests `shutdown_timeout` seconds, clean the app up, cancel the rest."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    runner = ServiceRunner(
        app,
        handle_signals=True,
        shutdown_timeout=shutdown_timeout,
        keepalive_timeout=KEEPALIVE_TIMEOUT,
        **handler_args,
    )
    main = loop.create_task(_run(runner, host, port, reuse_port, announce))
    try:
        loop.run_until_complete(main)
    except (GracefulExit, KeyboardInterrupt):
        pass
    finally:
        if not main.done():
            main.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(main)
        rest = asyncio.all_tasks(loop)
        for task in rest:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*rest, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


async def _run(
    runner: web.AppRunner, host: str, port: int, reuse_port: bool, announce: Callable[[str], None]
) -> None:
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port, reuse_port=reuse_port or None)
        await site.start()
        announce(f"======== Running on {site.name} ========\n(Press CTRL+C to quit)")
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
