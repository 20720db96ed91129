"""Abuse aimed at a person without a listed word: the patterns and the combined score. The
sentences were written for this test, after the patterns, and are not in the code."""

from __future__ import annotations

import pytest

from services.core.checks.abuse import find_abuse
from services.core.checks.abuse_score import abuse_signal
from services.core.checks.profanity import NONE


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("honestly just go kill yourself already", "incitement to self-harm"),
        ("ur so dumb, kys", "incitement to self-harm"),
        ("people like you deserve to drop dead", "incitement to self-harm"),
        ("i really hope you rot", "incitement to self-harm"),
        ("No one would miss you, trust me", "incitement to self-harm"),
        ("I'm going to stab you next time", "threat"),
        ("we'll come and hurt your family", "threat"),
        ("you're nothing but a pathetic loser", "insult"),
        ("You are the biggest moron on this site", "insult"),
    ],
)
def test_constructions_aimed_at_a_person_are_found(text: str, kind: str) -> None:
    assert kind in [a.kind for a in find_abuse(text)], text


@pytest.mark.parametrize(
    "text",
    [
        "The council should kill the proposal before the vote.",
        "The suspect shot himself, police said.",
        "I hope the bill dies in committee.",
        "I will beat you to the ticket office tomorrow.",
        "Careful, you could hurt yourself on that ladder.",
        "Nobody wants another tax rise.",
        "You are right about the bus routes.",
        "Don't shoot yourself in the foot with that plan.",
    ],
)
def test_ordinary_sentences_are_not_abuse(text: str) -> None:
    assert find_abuse(text) == [], text
    assert abuse_signal(text, NONE, 0.97) is None, text


def test_the_toxicity_model_holds_an_insult_no_pattern_or_list_has() -> None:
    signal = abuse_signal("what a disgusting ignorant moron this writer is", NONE, 0.97)
    assert signal is not None and signal.action.value == "hold"
    assert "toxicity model" in signal.detail
