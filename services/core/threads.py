"""Replies nested under their parents, to a depth limit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MAX_DEPTH = 5
"""Replies nest at most this deep; a reply to a comment at the limit is shown beside it, under
the same parent, so a long exchange stays readable on a phone."""


def build_tree(
    comments: Sequence[dict[str, Any]], max_depth: int = MAX_DEPTH
) -> list[dict[str, Any]]:
    """`comments`, in publication order, as `{"comment", "replies"}` nodes. A reply whose
    parent is not among them (not published, or taken down) stands at the top."""
    nodes: dict[str, dict[str, Any]] = {c["id"]: {"comment": c, "replies": []} for c in comments}
    depth: dict[str, int] = {}
    placed_under: dict[str, str] = {}
    roots: list[dict[str, Any]] = []
    for comment in comments:
        parent = comment.get("parent_id")
        if parent not in depth:
            depth[comment["id"]] = 1
            roots.append(nodes[comment["id"]])
            continue
        while depth[parent] >= max_depth:
            parent = placed_under[parent]
        depth[comment["id"]] = depth[parent] + 1
        placed_under[comment["id"]] = parent
        nodes[parent]["replies"].append(nodes[comment["id"]])
    return roots
