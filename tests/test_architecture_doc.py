"""docs/architecture.md matches the tree: every file it names exists, and its data model
names every key family of services/store/keys.py."""

from __future__ import annotations

import re
from pathlib import Path

from services.store import keys

ROOT = Path(__file__).parent.parent
DOC = (ROOT / "docs" / "architecture.md").read_text()


def test_every_file_it_names_exists() -> None:
    named = set(re.findall(r"`(services/[\w/.]+\.(?:py|lua))`", DOC))
    assert len(named) > 20
    assert sorted(p for p in named if not (ROOT / p).exists()) == []


def test_its_data_model_names_every_key_family() -> None:
    families = {
        name for name, value in vars(keys).items()
        if not name.startswith("_") and name not in {"PREFIX", "WEBHOOK_GROUP"}
        and (callable(value) or isinstance(value, str))
    }  # fmt: skip
    assert sorted(f for f in families if f"`{f}`" not in DOC) == []
