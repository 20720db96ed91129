"""Create the project's virtual environment on first use and keep it in step with pyproject.toml.

Used by `scripts/up` and `scripts/test`, so a fresh machine needs nothing but Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("COMMENTS_VENV", ROOT / ".venv"))
BIN = VENV / "bin"


def ensure(extras: str = "") -> Path:
    """Return the venv's bin directory, installing the project (with `extras`) when out of date."""
    if sys.version_info < (3, 11):  # noqa: UP036 - run by whatever python3 a user has
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    python = BIN / "python"
    if not python.exists():
        print(f"creating {VENV}", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed{'-' + extras if extras else ''}"
    if not stamp.exists() or stamp.read_text() != digest:
        target = f"{ROOT}[{extras}]" if extras else str(ROOT)
        print(f"installing {target} into {VENV}", file=sys.stderr)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "-qq",
                "-e",
                target,
            ],
            check=True,
        )
        stamp.write_text(digest)
    return BIN
