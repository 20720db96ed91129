"""Settings: one frozen object built from the environment once per process, passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


class SettingsError(ValueError):
    """A setting in the environment is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    secret: bytes = field(repr=False)
    """Key for the HMAC of email and client addresses (COMMENTS_SECRET). Same on API and workers."""

    redis_url: str = DEFAULT_REDIS_URL
    """The Redis/Valkey server that is the system of record (REDIS_URL)."""

    host: str = "127.0.0.1"
    """Address the API listens on (COMMENTS_HOST)."""

    port: int = 8000
    """Port the API listens on (COMMENTS_PORT)."""

    max_body_bytes: int = 64 * 1024
    """Largest request body accepted; larger ones get 413 (COMMENTS_MAX_BODY_BYTES)."""

    job_timeout: int = 60
    """Seconds a moderation job may run before RQ stops it (COMMENTS_JOB_TIMEOUT)."""

    job_retry_intervals: tuple[int, ...] = (5, 30, 120)
    """Seconds before each retry of a failed moderation job (COMMENTS_JOB_RETRY_INTERVALS)."""

    log_level: str = "INFO"
    """Python logging level name (COMMENTS_LOG_LEVEL)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read `REDIS_URL` and the `COMMENTS_*` variables; `overrides` win over the environment."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = "REDIS_URL" if f.name == "redis_url" else f"COMMENTS_{f.name.upper()}"
            if name in env and f.name not in overrides:
                values[f.name] = _parse(name, env[name], f.type)
        values.update(overrides)
        if not values.get("secret"):
            raise SettingsError(
                "COMMENTS_SECRET is not set: give every API and worker process the same secret "
                "(for example `python3 -c 'import secrets; print(secrets.token_hex(32))'`)"
            )
        return cls(**values)


def _parse(name: str, raw: str, kind: Any) -> Any:
    try:
        if kind == "bytes":
            return raw.encode()
        if kind == "int":
            return int(raw)
        if kind == "tuple[int, ...]":
            return tuple(int(part) for part in raw.replace(",", " ").split())
    except ValueError as e:
        raise SettingsError(f"{name}={raw!r} is not valid: {e}") from e
    return raw
