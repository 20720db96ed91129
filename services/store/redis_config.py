"""What Redis must be set to for this service to keep every comment it accepted."""

from __future__ import annotations

REQUIRED = {
    "appendonly": ("yes", "accepted comments and their jobs can be lost when Redis restarts"),
    "maxmemory-policy": (
        "noeviction",
        "a full Redis would silently evict comments and jobs instead of refusing new ones",
    ),
}


def config_warnings(config: dict[str, str]) -> list[str]:
    """Loud warnings for each setting in `config` (from CONFIG GET) that is not as required."""
    return [
        f"Redis has {name} {config.get(name, '?')!r}, not {wanted!r}: {why}. "
        f"Set `{name} {wanted}` (see deploy/redis.conf)."
        for name, (wanted, why) in REQUIRED.items()
        if config.get(name) != wanted
    ]


def supports_waitaof(version: tuple[int, int, int]) -> bool:
    """WAITAOF came with Redis 7.2 (Valkey reports Redis-compatible versions too)."""
    return version >= (7, 2, 0)
