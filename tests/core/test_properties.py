"""Properties that must hold for any text at all: the checks never raise, masking is
idempotent and leaves no address behind, the HTML is always inert."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.core.checks.profanity import find_profanity
from services.core.masking import mask_emails
from services.core.moderation import assess, profanity_matcher
from services.core.render import render_html
from services.core.rules import Rules
from services.core.text import fingerprint, for_matching, squeeze_runs
from services.core.verdict import decide
from tests.e2e.test_safe_output import assert_inert

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=400)
LOCAL = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,20}[A-Za-z0-9])?", fullmatch=True)
LABEL = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,10}[A-Za-z0-9])?", fullmatch=True)
TLD = st.from_regex(r"[A-Za-z]{2,6}", fullmatch=True)
ADDRESS = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
    LOCAL, st.lists(LABEL, min_size=1, max_size=3), TLD,
)  # fmt: skip
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(content=ANY_TEXT, name=st.text(max_size=40), url=st.text(max_size=40))
def test_the_checks_never_raise(content: str, name: str, url: str) -> None:
    rules = Rules()
    record = {"content": content, "author_name": name, "author_url": url}
    verdict = decide(assess(record, rules).signals, rules)
    assert 0.0 <= verdict.spam_score <= 1.0


@FAST
@given(ANY_TEXT)
def test_normalising_maps_every_character_back(text: str) -> None:
    for variant in (for_matching(text), squeeze_runs(for_matching(text), 1)):
        assert len(variant.origin) == len(variant.text)
        assert all(0 <= i < len(text) for i in variant.origin)
    found = find_profanity(text, profanity_matcher(()))
    assert all(0 <= a < b <= len(text) for a, b in found.spans)
    fingerprint(text)


@FAST
@given(ANY_TEXT)
def test_masking_is_idempotent(text: str) -> None:
    once = mask_emails(text)
    assert mask_emails(once) == once


@FAST
@given(before=ANY_TEXT, address=ADDRESS, after=ANY_TEXT)
def test_an_address_never_survives_masking(before: str, address: str, after: str) -> None:
    masked = mask_emails(f"{before}{address}{after}")
    assert address not in masked
    assert address.lower() not in masked.lower()


@FAST
@given(ANY_TEXT)
def test_the_html_is_always_inert(text: str) -> None:
    assert_inert(render_html(text))
