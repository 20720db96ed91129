"""Abuse aimed at a person, in words no list holds: incitement to self-harm, threats, and
insults addressed to someone.

Constructions, not phrases: a call to harm oneself (`kill/hang/end yourself`, `kys`, `go
die`), a wish or demand that the reader die or suffer (`you should die`, `hope you die`), a
threat in the first person against the reader (`I will hurt you`), that nobody wants the
reader, and an insult noun or adjective said of the reader (`you are a worthless idiot`).
Each joins a small set of verbs or nouns with a second-person target, so "the council should
kill the proposal" or "the shooter killed himself" is not one. Matched on the text with
look-alikes made Latin and lower-cased; every pattern is a sequence of alternatives with
bounded gaps, so nothing backtracks.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from services.core.checks.lookalikes import to_ascii
from services.core.text import WordSplitter

_YOU = r"(?:you|u|ya|ye|yall|y'all|you all|you guys|you people)"
_YOURSELF = r"(?:yourself|yourselves|urself|ur self|your self|yoself|yourselfs)"
_SELF_HARM = r"(?:kill|hang|shoot|stab|drown|off|end|unalive|poison)"
_SELF_HURT = r"(?:hurt|cut|burn|starve)"  # said as a warning too: only after "go", "just"
_DIE = (
    r"(?:die|be dead|drop dead|be killed|get killed|get shot|get cancer|get raped|rot|suffer"
    rf"|burn|choke|starve|jump off \w+(?: \w+)?|{_SELF_HARM} {_YOURSELF})"
)
_WANT = r"(?:should|must|need to|needs to|ought to|oughta|deserve to|deserves to|better|gotta"
_WANT += r"|have to|has to|can go)"
_HARM = r"(?:kill|murder|stab|shoot|hurt|rape|strangle|choke|slap|punch|beat up|find and \w+"
_HARM += r"|hunt down|end)"
_WILL = r"(?:i'll|ill|i will|i'm going to|im going to|i am going to|i'm gonna|im gonna"
_WILL += r"|i am gonna|i gonna|i wanna|i want to|we will|we'll|we're going to|gonna)"
_INSULT = (
    r"(?:idiot|idiots|moron|morons|loser|losers|imbecile|cretin|scum|scumbag|trash|garbage"
    r"|worthless|pathetic|subhuman|vermin|parasite|disgrace|failure|freak|ugly|dumb|stupid"
    r"|brainless|clown|clowns|waste of (?:space|air|oxygen|skin)|piece of (?:garbage|trash|crap))"
)
_ARE = r"(?:you are|you're|youre|you r|u are|u r|ur|your|you)"
_FILLER = r"(?:(?:a|an|such a|so|just a|nothing but a|the most|the biggest|one|complete|total"
_FILLER += r"|utter|absolute|fucking|little|pathetic|worthless|stupid|dumb|ugly|fat) )"

PATTERNS = {
    "incitement to self-harm": re.compile(
        rf"\b{_SELF_HARM} {_YOURSELF}\b(?! in the (?:foot|leg))|\bkys\b"
        rf"|\b(?:go|pls|please|plz) (?:{_SELF_HARM}|{_SELF_HURT}) {_YOURSELF}\b"
        rf"|\bgo (?:and )?(?:die|drop dead|jump off)\b|\bdie in a (?:fire|hole|ditch)\b"
        rf"|\b{_YOU} {_WANT} (?:just |all |go |go and )?{_DIE}\b"
        rf"|\bhope {_YOU} (?:all )?(?:just )?{_DIE}\b"
        rf"|\b(?:nobody|no one|noone|no-one) (?:wants|likes|loves|cares about|would miss"
        rf"|will miss|needs) (?:you|u)\b"
        rf"|\bbetter (?:off )?without (?:you|u)\b"
    ),
    "threat": re.compile(
        rf"\b{_WILL} (?:come and |come over and |find you and )?{_HARM} (?:you|u|ya|your family"
        rf"|your kids|your children)\b(?! (?:a|an|the|some|any|more|to|into)\b)"
        rf"|\b(?:i know where {_YOU} live|watch your back|sleep with one eye open)\b"
    ),
    "insult": re.compile(rf"\b{_ARE} {_FILLER}{{0,3}}{_INSULT}\b"),
}


@dataclass(frozen=True)
class Abuse:
    kind: str
    matched: str


# Every pattern names the reader, or says `kys`, `die`, `dead` or `eye`: most comments
# have none of these words and skip the patterns.
_ANY = re.compile(r"\b(?:you\w*|u|ur|ya|ye|yall|y'all|yo\w*|kys|die|dead|eye)\b")
# The same test in C on the words, for the common case (`_ANY` tries every position).
_ANY_WORDS = frozenset(("u", "ur", "ya", "ye", "yall", "y", "kys", "die", "dead", "eye"))
_WORDS = WordSplitter(string.ascii_lowercase + string.digits + "_", re.compile(r"\w+").findall)


def find_abuse(text: str) -> list[Abuse]:
    plain = " ".join(to_ascii(text).replace("’", "'").split())
    if ("yo" not in plain and _ANY_WORDS.isdisjoint(_WORDS(plain))) or not _ANY.search(plain):
        return []
    return [
        Abuse(kind, m.group())
        for kind, pattern in PATTERNS.items()
        for m in pattern.finditer(plain)
    ]
