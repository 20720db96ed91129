"""The settings a subcommand runs with: from the environment, with its flags on top, and,
for the commands run beside a `comments up`, the REDIS_URL and secret it left in its data
directory."""

from __future__ import annotations

import argparse
import os

from services.core import logs
from services.core.settings import Settings


def settings_for(args: argparse.Namespace, *, beside: bool = False) -> Settings:
    """The settings, with logging configured."""
    environ: dict[str, str] = dict(os.environ)
    if beside:
        from services.ops.supervisor import local_environment

        environ = {**local_environment(args.data_dir), **environ}
    overrides = {k: v for k in ("host", "port") if (v := getattr(args, k, None)) is not None}
    settings = Settings.from_env(environ, **overrides)  # SettingsError: see cli.main
    logs.configure(settings.log_level)
    return settings
