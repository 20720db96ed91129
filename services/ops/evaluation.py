"""`comments eval FILE`: labeled comments through the real checks, in order, as a triage table.

Reads the YouTube spam collection's CSV (`CONTENT`, `CLASS` 1 = spam), the SMS spam collection
(`ham`/`spam`, a tab, the text) or a plain `label,text` CSV (labels spam/ham, 1/0 or
true/false). The comments stream through `assess` and `decide` with the rules given, with the
cross-article duplicate count kept in memory instead of Redis.
"""

from __future__ import annotations

import csv
import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from services.core.checks.signal import Signal
from services.core.comment import State
from services.core.moderation import assess, counts_for_spread, spread_signal
from services.core.rules import Rules
from services.core.text import fingerprint
from services.core.verdict import decide

SPAM_LABELS = {"spam", "1", "true", "yes"}
HAM_LABELS = {"ham", "0", "false", "no", "genuine"}


@dataclass(frozen=True)
class Labeled:
    text: str
    spam: bool
    author: str = ""


def read_labeled(path: Path) -> Iterator[Labeled]:
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        first = f.readline()
        f.seek(0)
        if "\t" in first and first.split("\t")[0].lower() in SPAM_LABELS | HAM_LABELS:
            for line in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(line) >= 2:
                    yield Labeled(html.unescape(line[1]), line[0].lower() in SPAM_LABELS)
            return
        reader = csv.DictReader(f)
        fields = {name.lower(): name for name in reader.fieldnames or []}
        if "content" in fields and "class" in fields:
            for row in reader:
                yield Labeled(
                    _from_html(row[fields["content"]]),
                    row[fields["class"]].strip() == "1",
                    row.get(fields.get("author", ""), "") or "",
                )
            return
        if "label" in fields and "text" in fields:
            for row in reader:
                label = row[fields["label"]].strip().lower()
                if label not in SPAM_LABELS | HAM_LABELS:
                    raise ValueError(f"{path}: unknown label {label!r}")
                yield Labeled(row[fields["text"]], label in SPAM_LABELS)
            return
    raise ValueError(f"{path}: not YouTube (CONTENT, CLASS), SMS (label<TAB>text) or label,text")


# No `<` inside a tag or a link's text: each attempt stops at the next `<`, so a text of many
# unclosed `<a ` is read once, not once per `<` (`.*?</a>` and `[^>]+` read it to its end).
_ANCHOR = re.compile(r"<a\s[^<>]*?href=\"([^\"<>]*)\"[^<>]*>[^<]*</a>", re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]+>")


def _from_html(text: str) -> str:
    """The scraped comment as its writer typed it: links as URLs, breaks as new lines."""
    text = _ANCHOR.sub(lambda m: m.group(1), text)
    text = _TAG.sub("", _BREAK.sub("\n", text))
    return html.unescape(text).strip()


@dataclass
class Triage:
    states: dict[bool, Counter[State]] = field(
        default_factory=lambda: {True: Counter(), False: Counter()}
    )
    checks: dict[str, Counter[bool]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, spam: bool, state: State, signals: list[Signal]) -> None:
        self.states[spam][state] += 1
        for check in {s.check for s in signals}:
            self.checks[check][spam] += 1

    def merge(self, other: Triage) -> None:
        for spam in (True, False):
            self.states[spam].update(other.states[spam])

    def total(self, spam: bool) -> int:
        return sum(self.states[spam].values())

    def spam_published(self) -> float:
        return _share(self.states[True][State.PUBLISHED], self.total(True))

    def genuine_lost(self) -> float:
        lost = self.states[False][State.SPAM] + self.states[False][State.REJECTED]
        return _share(lost, self.total(False))

    def held(self) -> float:
        held = self.states[True][State.HELD] + self.states[False][State.HELD]
        return _share(held, self.total(True) + self.total(False))

    def report(self, title: str) -> str:
        states = [State.PUBLISHED, State.HELD, State.SPAM, State.REJECTED]
        lines = [
            f"{title}: {self.total(True) + self.total(False)} comments, "
            f"{self.total(True)} spam, {self.total(False)} genuine",
            f"{'':16}" + "".join(f"{s.value:>11}" for s in states),
        ]
        for spam, label in [(True, "spam"), (False, "genuine")]:
            lines.append(f"{label:16}" + "".join(f"{self.states[spam][s]:>11}" for s in states))
        lines += [
            f"spam published: {self.spam_published():.1%} of spam;  "
            f"genuine marked spam or rejected: {self.genuine_lost():.1%} of genuine;  "
            f"held for a person: {self.held():.1%} of all",
            "checks (fired on spam / on genuine):",
        ]
        for check, counts in sorted(self.checks.items(), key=lambda kv: -sum(kv[1].values())):
            lines.append(f"  {check:24} {counts[True]:>5} / {counts[False]:<5}")
        return "\n".join(lines)


def evaluate(path: Path, rules: Rules) -> Triage:
    triage = Triage()
    spread: dict[str, dict[str, int]] = defaultdict(dict)
    for n, item in enumerate(read_labeled(path)):
        content = item.text or "(empty)"
        author = item.author or f"author-{n}"
        record = {"content": content, "author_name": author, "author_url": ""}
        signals = assess(record, rules).signals
        # All comments of a file are on one article; authors tell them apart.
        if counts_for_spread(content, rules):
            seen = spread[fingerprint(content)]
            seen[f"{path.name}|{author}"] = n
            if signal := spread_signal(len(seen), rules):
                signals.append(signal)
        triage.add(item.spam, decide(signals, rules).state, signals)
    return triage


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
