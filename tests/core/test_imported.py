"""Reading other systems' exports: text, article ids, and files that are not what they say."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest

from services.core.imported import article_id_from_link, disqus, plain_text, wxr


def test_the_source_s_html_becomes_the_text_a_reader_typed() -> None:
    assert plain_text("<p>One &amp; two</p><p>Three<br/>four</p>") == "One & two\n\nThree\nfour"
    assert plain_text("a <b>bold</b> move, 3 < 4") == "a bold move, 3 < 4"


def test_an_article_id_from_a_link_keeps_its_path() -> None:
    assert article_id_from_link("https://x.example/2024/05/vote-é/") == "2024:05:vote"
    assert article_id_from_link("https://x.example/") == ""


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + ']><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><wp:comment>'
    "<wp:comment_content>&j;</wp:comment_content></wp:comment></item></channel></rss>"
)


def test_an_entity_bomb_or_an_external_entity_is_refused_not_expanded() -> None:
    with pytest.raises(ET.ParseError):
        list(wxr(io.BytesIO(BILLION_LAUGHS.encode())))
    external = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<disqus xmlns="http://disqus.com"><post><message>&x;</message></post></disqus>'
    )
    with pytest.raises(ET.ParseError):
        list(disqus(io.BytesIO(external.encode())))
