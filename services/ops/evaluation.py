"""`comments eval FILE`: labeled comments through the real checks, in order, as a triage table.

Reads the YouTube spam collection's CSV (`CONTENT`, `CLASS` 1 = spam), the SMS spam collection
(`ham`/`spam`, a tab, the text) or a plain `label,text` CSV (labels spam/ham, 1/0 or
true/false). The comments stream through `assess` and `decide` with the rules given, with the
near-duplicate count kept in memory instead of Redis.
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
from services.core.moderation import assess, counts_for_spread, spread_bands, spread_signal
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
    """check -> on how many spam (True) and genuine (False) comments it fired"""
    drove: dict[str, Counter[bool]] = field(default_factory=lambda: defaultdict(Counter))
    """check -> the same, counting only verdicts it drove (held, spam or rejected)"""
    refused: Counter[bool] = field(default_factory=Counter)
    """Comments the intake refused (409, 422, 429): lost to the site, as a verdict would."""

    def add(self, spam: bool, state: State, signals: list[Signal]) -> None:
        self.states[spam][state] += 1
        for check in {s.check for s in signals}:
            self.checks[check][spam] += 1
        if state != State.PUBLISHED:
            for check in {s.check for s in signals if s.action != "score" or s.score >= 0.3}:
                self.drove[check][spam] += 1

    def merge(self, other: Triage) -> None:
        for spam in (True, False):
            self.states[spam].update(other.states[spam])
        self.refused.update(other.refused)
        for mine, theirs in ((self.checks, other.checks), (self.drove, other.drove)):
            for check, counts in theirs.items():
                mine[check].update(counts)

    def total(self, spam: bool) -> int:
        return sum(self.states[spam].values()) + self.refused[spam]

    def spam_published(self) -> float:
        return _share(self.states[True][State.PUBLISHED], self.total(True))

    def genuine_lost(self) -> float:
        lost = self.states[False][State.SPAM] + self.states[False][State.REJECTED]
        return _share(lost + self.refused[False], self.total(False))

    def held(self) -> float:
        held = self.states[True][State.HELD] + self.states[False][State.HELD]
        return _share(held, self.total(True) + self.total(False))

    def summary(self) -> str:
        return (
            f"spam published: {self.spam_published():.1%} of spam;  "
            f"genuine lost (marked spam, rejected or refused): {self.genuine_lost():.1%} of "
            f"genuine;  held for a person: {self.held():.1%} of all"
        )

    def report(self, title: str) -> str:
        states = [State.PUBLISHED, State.HELD, State.SPAM, State.REJECTED]
        lines = [
            f"{title}: {self.total(True) + self.total(False)} comments, "
            f"{self.total(True)} spam, {self.total(False)} genuine",
            f"{'':16}" + "".join(f"{s:>11}" for s in [*(s.value for s in states), "refused"]),
        ]
        for spam, label in [(True, "spam"), (False, "genuine")]:
            counts = [self.states[spam][s] for s in states] + [self.refused[spam]]
            lines.append(f"{label:16}" + "".join(f"{n:>11}" for n in counts))
        lines.append(self.summary())
        return "\n".join(lines + self.check_lines())

    def check_lines(self) -> list[str]:
        """Per check: where it fired, and its precision: of the verdicts it drove (held,
        spam or rejected), the share whose comment was spam."""
        lines = ["checks: fired on spam / genuine;  drove a verdict on spam / genuine, precision"]
        for check, counts in sorted(self.checks.items(), key=lambda kv: -sum(kv[1].values())):
            drove = self.drove.get(check, Counter())
            precision = f"{_share(drove[True], drove.total()):.0%}" if drove.total() else "-"
            lines.append(
                f"  {check:24} {counts[True]:>5} / {counts[False]:<5}"
                f" {drove[True]:>5} / {drove[False]:<5} {precision:>5}"
            )
        return lines


def evaluate(path: Path, rules: Rules) -> Triage:
    triage = Triage()
    spread: dict[str, set[str]] = defaultdict(set)
    """band -> the article/author pairs whose text had it, as the workers keep in Redis"""
    for n, item in enumerate(read_labeled(path)):
        content = item.text or "(empty)"
        author = item.author or f"author-{n}"
        record = {"content": content, "author_name": author, "author_url": ""}
        signals = assess(record, rules).signals
        # All comments of a file are on one article; authors tell them apart.
        if counts_for_spread(content, rules):
            alike: set[str] = set()
            for band in spread_bands(content, fingerprint(content), signals):
                spread[band].add(author)
                alike |= spread[band]
            if signal := spread_signal(len(alike), len(alike), signals, rules):
                signals.append(signal)
        triage.add(item.spam, decide(signals, rules).state, signals)
    return triage


TOXICITY_CHECKS = ("toxicity", "profanity")
"""The checks whose confusion on toxic text `toxicity_confusion` reports: `toxicity` when a
worker has that signal, and `profanity`, the word list it refines."""


def toxicity_confusion(path: Path, rules: Rules) -> str:
    """Each toxicity check's confusion on a labeled sample of the Jigsaw toxic comment set
    (`comment_text`, `toxic` 0/1): how many toxic and clean comments it fired on or missed."""
    counts: dict[str, Counter[tuple[bool, bool]]] = {c: Counter() for c in TOXICITY_CHECKS}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            toxic = row["toxic"].strip() == "1"
            record = {"content": row["comment_text"] or "(empty)", "author_name": "reader"}
            fired = {s.check for s in assess(record, rules).signals}
            for check in TOXICITY_CHECKS:
                counts[check][(toxic, check in fired)] += 1
    lines = [f"{path}: check    toxic caught / missed    clean flagged / passed"]
    for check, c in counts.items():
        if not c[(True, True)] + c[(False, True)] and check != "profanity":
            lines.append(f"  {check:12} (no such check in this build)")
            continue
        lines.append(
            f"  {check:12} {c[(True, True)]:>6} / {c[(True, False)]:<6}"
            f"         {c[(False, True)]:>6} / {c[(False, False)]:<6}"
        )
    return "\n".join(lines)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
