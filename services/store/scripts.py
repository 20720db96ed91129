"""The Lua scripts' text: each one a `.lua` file beside the module that runs it, shipped as
package data (pyproject's `[tool.setuptools.package-data]`)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def source(name: str) -> str:
    """The text of `services/store/<name>`."""
    return files("services.store").joinpath(name).read_text(encoding="utf-8")
