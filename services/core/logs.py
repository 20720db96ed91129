"""One log format for every process: JSON lines, or readable lines in a terminal; every
string masked for email addresses, whichever library logged it; the request id that
accepted a comment carried into the job that moderates it."""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from services.core.masking import mask_emails

# A value longer than this is logged as its head and tail: masking is linear but not free
# (up to 3 ms per KB of non-ASCII text), and a line of 64 KB helps nobody read the log.
# 8 KB: as long as aiohttp lets a request line or a header be.
VALUE_MAX = 8 * 1024


def _mask(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in event.items():
        if isinstance(value, str):
            event[key] = mask_emails(_shortened(value))
    return event


def _shortened(value: str) -> str:
    """The first and last `VALUE_MAX / 2` characters, less a word cut in two at either end:
    half an address no longer reads as one, and would be logged as it is."""
    if len(value) <= VALUE_MAX:
        return value
    half = VALUE_MAX // 2
    head, tail = value[:half], value[-half:]
    if not (value[half - 1].isspace() or value[half].isspace()):
        words = head.rsplit(None, 1)
        head = words[0] if len(words) == 2 else ""
    if not (value[-half - 1].isspace() or value[-half].isspace()):
        words = tail.split(None, 1)
        tail = words[1] if len(words) == 2 else ""
    return f"{head} [{len(value) - len(head) - len(tail)} characters not logged] {tail}"


def _logger_name(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    if "logger_name" in event:
        event["logger"] = event.pop("logger_name")
    return event


class _MalformedRequests(logging.Filter):
    """aiohttp logs a request its HTTP parser refuses (a NUL in a header, say) as an error
    with a traceback, though it answered 400 as it should: the internet sends such things.
    Log it as what it is, one line at info level."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "aiohttp.server" and record.exc_info:
            error = record.exc_info[1]
            if type(error).__name__ in {
                "BadHttpMessage",
                "BadStatusLine",
                "LineTooLong",
                "InvalidHeader",
                "InvalidURLError",
                "BadHttpMethod",
            }:
                record.levelno, record.levelname = logging.INFO, "INFO"
                record.msg, record.args = f"http.malformed_request: {error}", ()
                record.exc_info = None
        return True


def configure(level: str = "INFO", *, json_lines: bool | None = None) -> None:
    """Our loggers write through structlog straight to standard error; stdlib logging
    (aiohttp, RQ) is routed through the same processors and renderer. `json_lines` defaults
    to JSON unless standard error is a terminal."""
    if json_lines is None:
        json_lines = not sys.stderr.isatty()
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        _mask,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if json_lines else structlog.dev.ConsoleRenderer()
    )
    # Our own lines skip stdlib logging's records and handlers: half the cost.
    structlog.configure(
        processors=[_logger_name, *shared, renderer],
        logger_factory=structlog.WriteLoggerFactory(file=sys.stderr),
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.addFilter(_MalformedRequests())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                structlog.stdlib.ExtraAdder(),
                structlog.stdlib.add_logger_name,
                *shared,
            ],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def get(name: str) -> Any:
    """A logger whose lines carry `logger: name`."""
    # Lazy: the configuration applies though the logger is made at import, before configure().
    return structlog.get_logger(logger_name=name)
