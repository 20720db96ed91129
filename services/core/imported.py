"""Comments exported by other systems, read as a stream: WordPress's WXR and Disqus's XML.

Both are read with `iterparse`, each comment handed on and its element cleared as soon as it
ends, so a 1 GB export never sits in memory. What every comment keeps: its id in the source
(the import's idempotency key), its article, the source id of the comment it answers, its
author, its text (the source's HTML made plain text, paragraphs kept as blank lines), its
date, and what the source had decided. The standard library's parser expands no external
entities and refuses the billion-laughs kind of expansion (Python 3.11's expat).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO
from urllib.parse import urlsplit

from services.core.comment import State

ARTICLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_NOT_IN_ID = re.compile(r"[^A-Za-z0-9._:-]+")
_LINE_BREAKS = re.compile(r"(?i)<br\s*/?>|</li\s*>")
_PARAGRAPHS = re.compile(r"(?i)</p\s*>|</div\s*>|</blockquote\s*>")
_TAG = re.compile(r"<[^<>]*>")
_BLANK_LINES = re.compile(r"\n{3,}")
DISQUS_INTERNALS = "{http://disqus.com/disqus-internals}id"


@dataclass(frozen=True)
class Imported:
    source_id: str
    """Unique in the source: a WordPress comment's id after its site's address, a Disqus
    post's id."""
    article_id: str
    """'' when the source gives none this service accepts (the comment is skipped)."""
    parent_source_id: str
    """'' for a comment that answers no other."""
    name: str
    email: str
    url: str
    content: str
    created_at: datetime
    state: State | None
    """What the source had decided; None for what is not a comment to keep (a pingback, a
    comment in the bin, a deleted one)."""


def plain_text(markup: str) -> str:
    """The source's HTML as the plain text a reader typed: line and paragraph breaks kept,
    tags dropped, entities decoded. (The service renders text as HTML itself.)"""
    text = _LINE_BREAKS.sub("\n", markup.replace("\r\n", "\n"))
    text = _PARAGRAPHS.sub("\n\n", text)
    text = html.unescape(_TAG.sub("", text))
    return _BLANK_LINES.sub("\n\n", text).strip()


def article_id_from_link(link: str) -> str:
    """An article id from a page's address: its path, slashes made `:` (`/2024/05/vote/` is
    `2024:05:vote`), other characters outside the id's alphabet made `-`."""
    path = urlsplit(link.strip()).path.strip("/")
    candidate = _NOT_IN_ID.sub("-", path.replace("/", ":")).strip("-")[:128]
    return candidate if ARTICLE_ID.fullmatch(candidate) else ""


def _ended(stream: IO[bytes]) -> Iterator[tuple[ET.Element, ET.Element]]:
    """Each element as it ends, with its parent: the caller removes what it has read from
    the parent, so the tree never holds more than the element being read."""
    open_elements: list[ET.Element] = []
    for event, element in ET.iterparse(stream, events=("start", "end")):
        if event == "start":
            open_elements.append(element)
            continue
        open_elements.pop()
        if open_elements:
            yield element, open_elements[-1]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def wxr(stream: IO[bytes], article_by: str = "post_name") -> Iterator[Imported]:
    """The comments of a WordPress export (WXR 1.0 to 1.2), by post. `article_by`:
    `post_name` (the post's slug), `post_id` or `link`."""
    post: dict[str, str] = {}
    site = ""  # comment ids are unique within one WordPress site: its address scopes them
    for element, parent in _ended(stream):
        name = _local(element.tag)
        if name == "comment" and element.tag.startswith("{http://wordpress.org/export/"):
            yield _wxr_comment(element, _wxr_article(post, article_by), site)
            parent.remove(element)
        elif name in ("post_name", "post_id", "link") and parent.tag == "item":
            post.setdefault(name, _text(element))
        elif name in ("base_site_url", "link") and parent.tag == "channel":
            site = site if name == "link" and site else _text(element).rstrip("/")
        elif name == "item":
            parent.remove(element)
            post = {}


def _wxr_article(post: dict[str, str], article_by: str) -> str:
    if article_by == "link":
        return article_id_from_link(post.get("link", ""))
    candidate = post.get(article_by, "")
    return candidate if ARTICLE_ID.fullmatch(candidate) else ""


_WXR_STATES = {"1": State.PUBLISHED, "0": State.HELD, "spam": State.SPAM}


def _wxr_comment(element: ET.Element, article_id: str, site: str) -> Imported:
    fields = {_local(c.tag): _text(c) for c in element}
    kind = fields.get("comment_type", "")
    parent = fields.get("comment_parent", "0")
    return Imported(
        source_id=f"{site}#{fields['comment_id']}" if fields.get("comment_id") else "",
        article_id=article_id,
        parent_source_id="" if parent in ("", "0") else f"{site}#{parent}",
        name=fields.get("comment_author", ""),
        email=fields.get("comment_author_email", ""),
        url=fields.get("comment_author_url", ""),
        content=plain_text(fields.get("comment_content", "")),
        created_at=_wxr_date(fields.get("comment_date_gmt", "")),
        # Pingbacks and trackbacks are notices from other sites, and `trash` was deleted.
        state=_WXR_STATES.get(fields.get("comment_approved", "")) if kind in ("", "comment")
        else None,
    )  # fmt: skip


def _wxr_date(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)  # WordPress writes 0000-00-00 for none


def disqus(stream: IO[bytes], article_by: str = "id") -> Iterator[Imported]:
    """The posts of a Disqus export. Its threads come first: each thread's article is its own
    `<id>` (`article_by="id"`, else its link's path when that is no valid id) or its link's
    path (`article_by="link"`)."""
    threads: dict[str, str] = {}
    for element, parent in _ended(stream):
        if parent.tag != "{http://disqus.com}disqus":
            continue  # only the root's children: threads and posts (a post names its thread)
        name = _local(element.tag)
        if name == "thread":
            threads[element.get(DISQUS_INTERNALS, "")] = _disqus_article(element, article_by)
        elif name == "post":
            yield _disqus_post(element, threads)
        parent.remove(element)


def _disqus_article(thread: ET.Element, article_by: str) -> str:
    own = _text(_child(thread, "id"))
    if article_by == "id" and ARTICLE_ID.fullmatch(own):
        return own
    return article_id_from_link(_text(_child(thread, "link")))


def _disqus_post(post: ET.Element, threads: dict[str, str]) -> Imported:
    author = _child(post, "author")
    thread, parent = _child(post, "thread"), _child(post, "parent")

    def flag(name: str) -> bool:
        return _text(_child(post, name)).lower() == "true"

    state = State.SPAM if flag("isSpam") else State.PUBLISHED
    if _child(post, "isApproved") is not None and not flag("isApproved") and state != State.SPAM:
        state = State.HELD
    return Imported(
        source_id=post.get(DISQUS_INTERNALS, ""),
        article_id=threads.get(thread.get(DISQUS_INTERNALS, "") if thread is not None else "", ""),
        parent_source_id=parent.get(DISQUS_INTERNALS, "") if parent is not None else "",
        name=_text(_child(author, "name")) if author is not None else "",
        email=_text(_child(author, "email")) if author is not None else "",
        url="",
        content=plain_text(_text(_child(post, "message"))),
        created_at=_disqus_date(_text(_child(post, "createdAt"))),
        state=None if flag("isDeleted") else state,
    )


def _disqus_date(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)
