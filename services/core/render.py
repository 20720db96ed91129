"""Comment text as safe HTML: everything escaped, paragraphs and line breaks kept, links made
clickable (and marked nofollow, ugc), nothing else. The result also passes through nh3
(Ammonia), which would strip anything this module let slip."""

from __future__ import annotations

import html
import re

import nh3

from services.core.checks.links import LINK

REL = "nofollow ugc noopener"
_PARAGRAPHS = re.compile(r"\n[ \t]*\n+")
_TRAILING = ".,;:!?)]}'\""


def render_html(text: str) -> str:
    """`<p>` per paragraph, `<br>` per line break, `<a href rel>` per http(s) link."""
    paragraphs = [p for p in _PARAGRAPHS.split(text.replace("\r\n", "\n").strip()) if p.strip()]
    body = "\n".join(
        "<p>" + "<br>\n".join(_linked(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )
    return nh3.clean(
        body,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=REL,
    )


def _linked(line: str) -> str:
    out, position = [], 0
    for match in LINK.finditer(line):
        url = match.group().rstrip(_TRAILING)
        end = match.start() + len(url)
        href = url if url.lower().startswith(("http://", "https://")) else f"http://{url}"
        out += [
            html.escape(line[position : match.start()]),
            f'<a href="{html.escape(href, quote=True)}">{html.escape(url)}</a>',
        ]
        position = end
    out.append(html.escape(line[position:]))
    return "".join(out)
