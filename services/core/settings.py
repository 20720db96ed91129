"""Settings: one frozen object built from the environment once per process, passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from services.core.rules import Rules
from services.core.transition import ARTICLE_EVENTS_TTL_S
from services.core.webhook_targets import networks

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


class SettingsError(ValueError):
    """A setting in the environment is missing or malformed."""


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `seconds`, e.g. `4/60`."""

    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}"


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

    job_timeout: int = 15
    """Seconds a moderation job may run before RQ stops it (COMMENTS_JOB_TIMEOUT). A job
    takes milliseconds; past this (and a few seconds) the reconciler takes a job still marked
    started for one whose worker died, and enqueues it again."""

    job_retry_intervals: tuple[int, ...] = (5, 30, 120)
    """Seconds before each retry of a failed moderation job (COMMENTS_JOB_RETRY_INTERVALS)."""

    reconcile_after_s: int = 60
    """A comment still pending this long after it was accepted is looked at by the
    reconciler: its job re-enqueued if it was lost or failed (COMMENTS_RECONCILE_AFTER_S)."""

    reconcile_attempts: int = 3
    """After this many re-enqueues, the reconciler holds the comment for a moderator, with
    the reason, instead of trying again (COMMENTS_RECONCILE_ATTEMPTS)."""

    reconcile_every_s: int = 15
    """How often workers and `comments up` run the reconciler (COMMENTS_RECONCILE_EVERY_S)."""

    resubmit_window_s: int = 7 * 24 * 3600
    """An author re-sending the same content to an article within this many seconds gets 409
    (COMMENTS_RESUBMIT_WINDOW_S)."""

    flood_author: Limit = Limit(4, 60)
    """Most comments one author (by email) may send per window; more get 429
    (COMMENTS_FLOOD_AUTHOR, `count/seconds`)."""

    flood_client: Limit = Limit(10, 60)
    """Most comments one client address may send per window (COMMENTS_FLOOD_CLIENT)."""

    cors_origins: tuple[str, ...] = ()
    """Origins whose pages may call the public routes from a browser, e.g.
    `https://news.example` (COMMENTS_CORS_ORIGINS, comma-separated; `*` for any)."""

    submit_requires_token: bool = False
    """Whether posting a comment needs a site token (COMMENTS_SUBMIT_REQUIRES_TOKEN). Off by
    default, so a browser form can post; on for sites that post from their backend."""

    flood_token: Limit = Limit(600, 60)
    """Most comments one site token may post per window (COMMENTS_FLOOD_TOKEN); with a site
    token, the per-client-address limit does not apply: a site's backend posts for many."""

    trusted_proxies: tuple[str, ...] = ()
    """Addresses or networks of reverse proxies whose `X-Forwarded-For` names the client
    (COMMENTS_TRUSTED_PROXIES, e.g. `10.0.0.0/8,127.0.0.1`). Without one, the client is the
    connection's address: a header anyone can send is not trusted."""

    flood_report: Limit = Limit(10, 600)
    """Most reader reports one client address may send per window; more get 429
    (COMMENTS_FLOOD_REPORT, `count/seconds`)."""

    rate_limits: bool = True
    """`COMMENTS_RATE_LIMITS=off` turns the per-client and per-author limits off, for
    benchmarks; every other check still runs."""

    durability: str = "none"
    """When to answer 202 (COMMENTS_DURABILITY): `none`, once Redis has the comment in memory
    (its append-only file is fsynced within a second); `local`, once Redis has it fsynced
    (WAITAOF, Redis 7.2+ or Valkey 8: a Redis crash loses nothing acknowledged); `replica`,
    once a replica has it fsynced too."""

    durability_timeout_ms: int = 1000
    """How long to wait for that fsync before answering 503 (COMMENTS_DURABILITY_TIMEOUT_MS)."""

    idempotency_ttl_s: int = 24 * 3600
    """How long an `Idempotency-Key` is remembered (COMMENTS_IDEMPOTENCY_TTL_S)."""

    webhook_timeout_s: float = 5.0
    """How long one webhook delivery attempt may take (COMMENTS_WEBHOOK_TIMEOUT_S)."""

    webhook_retry_intervals: tuple[int, ...] = (10, 60, 300, 1800, 7200)
    """Seconds before each retry of a failed delivery, each with +-20% jitter
    (COMMENTS_WEBHOOK_RETRY_INTERVALS)."""

    webhook_disable_after: int = 10
    """Consecutive failed attempts after which a subscription is disabled, with a
    `webhook.disabled` event (COMMENTS_WEBHOOK_DISABLE_AFTER)."""

    webhook_allow_networks: tuple[str, ...] = ()
    """Networks webhooks may be delivered to although they are not public, e.g.
    `10.20.0.0/16` for receivers inside the cluster (COMMENTS_WEBHOOK_ALLOW_NETWORKS,
    comma-separated). Otherwise a subscription whose host resolves to a loopback, private,
    link-local, multicast, unspecified or reserved address is refused."""

    webhook_only_networks: tuple[str, ...] = ()
    """When set, the only networks webhooks may be delivered to
    (COMMENTS_WEBHOOK_ONLY_NETWORKS, comma-separated): the tests set it to loopback."""

    purge_after_days: int = 30
    """Spam and rejected comments are deleted this many days after their verdict; 0 keeps
    them (COMMENTS_PURGE_AFTER_DAYS)."""

    max_streams: int = 1000
    """Most server-sent event streams (article and moderation) one API process keeps open; one
    more is answered `503` with `Retry-After`, so readers never crowd out requests
    (COMMENTS_MAX_STREAMS)."""

    stream_redis_connections: int = 4
    """Redis connections one API process reads its live feeds on, apart from those requests
    use; each blocks in one XREAD for many articles at once (COMMENTS_STREAM_REDIS_CONNECTIONS)."""

    article_events_ttl_s: int = ARTICLE_EVENTS_TTL_S
    """An article's event stream (what its live readers resume from) is deleted after this many
    seconds without an event; 0 keeps it (COMMENTS_ARTICLE_EVENTS_TTL_S)."""

    edit_window_s: int = 15 * 60
    """How long after posting a reader may edit their comment with its edit token, in seconds
    (COMMENTS_EDIT_WINDOW_S; WordPress's and Disqus's quarter of an hour). Deleting it has no
    limit."""

    metrics_port: int = 0
    """A worker serves its Prometheus metrics on this port, at /metrics; 0: not at all
    (COMMENTS_METRICS_PORT). The API serves its own at /metrics on its port."""

    prior: str = ""
    """The filter's prior (COMMENTS_PRIOR): a file written by `comments train`, loaded into
    Redis by the first worker on a server that has learned nothing yet; empty for the one
    shipped (services/core/data/prior.json), `off` to start from nothing."""

    rules: Rules = field(default_factory=Rules)
    """The moderation rules' starting values: each field of services/core/rules.py from
    `COMMENTS_<FIELD>` (lists comma-separated), e.g. COMMENTS_LINK_LIMIT=2."""

    page_cache_mb: int = 64
    """Each API process keeps serialised published pages up to this many megabytes, built once
    per article version and shared by every reader until the article changes
    (COMMENTS_PAGE_CACHE_MB; 0: build every page)."""

    access_log: bool = True
    """One log line per HTTP request (COMMENTS_ACCESS_LOG). Behind a proxy that logs requests
    (nginx, an ingress), `off` saves the API a fifth of its time per submission; the worker's
    line for each verdict still carries the request id."""

    log_level: str = "INFO"
    """Python logging level name (COMMENTS_LOG_LEVEL)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read `REDIS_URL` and the `COMMENTS_*` variables; `overrides` win over the environment."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {"rules": parse_fields(Rules, env)}
        values.update(parse_fields(cls, env, skip={"rules"}, names={"redis_url": "REDIS_URL"}))
        values.update(overrides)
        if values.get("durability", "none") not in {"none", "local", "replica"}:
            raise SettingsError("COMMENTS_DURABILITY must be none, local or replica")
        for name in ("webhook_allow_networks", "webhook_only_networks"):
            try:
                networks(values.get(name, ()))
            except ValueError as e:
                raise SettingsError(f"COMMENTS_{name.upper()}: {e}") from e
        if not values.get("secret"):
            raise SettingsError(
                "COMMENTS_SECRET is not set: give every API and worker process the same secret "
                "(for example `python3 -c 'import secrets; print(secrets.token_hex(32))'`)"
            )
        return cls(**values)


def parse_fields(
    kind: type[Any],
    env: Mapping[str, str],
    *,
    skip: set[str] | None = None,
    names: dict[str, str] | None = None,
) -> Any:
    """The dataclass `kind` with every field whose `COMMENTS_<FIELD>` variable is set parsed
    from it (a dict of those fields when `skip` is given, for the caller to complete)."""
    values: dict[str, Any] = {}
    for f in fields(kind):
        if skip and f.name in skip:
            continue
        name = (names or {}).get(f.name, f"COMMENTS_{f.name.upper()}")
        if name in env:
            values[f.name] = _parse(name, env[name], f.type, f.default)
    return values if skip is not None else kind(**values)


def _parse(name: str, raw: str, kind: Any, default: Any) -> Any:
    try:
        if kind == "bytes":
            return raw.encode()
        if kind == "bool":
            if raw.lower() not in {"on", "off", "true", "false", "1", "0", "yes", "no"}:
                raise ValueError("expected on or off")
            return raw.lower() in {"on", "true", "1", "yes"}
        if kind == "int":
            return int(raw)
        if kind == "int | None":  # `never` (or empty) for no limit
            return None if raw.strip().lower() in {"", "never", "none"} else int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Limit":
            count, seconds = raw.split("/")
            return Limit(int(count), int(seconds))
        if kind == "tuple[int, ...]":
            return tuple(int(part) for part in raw.replace(",", " ").split())
        if kind == "tuple[str, ...]":
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if kind == "str":
            return raw
        return type(default)(raw)  # enums
    except ValueError as e:
        raise SettingsError(f"{name}={raw!r} is not valid: {e}") from e
