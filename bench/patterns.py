"""Every regular expression in services/ and every check, on the worst inputs we can build.

    .venv/bin/python bench/patterns.py [--rounds 5] [--only NAME]

For each pattern (called as the code calls it) and each check function, builds hostile
inputs at the size limit of the text it is given: 10,000 characters of content, 245 of name,
200 of URL, 8,190 of request line or header (aiohttp's limit), a 64 KiB body for what a JSON
Schema pattern or format sees (jsonschema tests a pattern whatever maxLength says) and a
64 KiB log value. Each input is a run of one or two units (`+-`, ` at `, `a@`, `a.`, ...)
with an ending that keeps a match in reach (`.com`, `@example.com`, a digit, a quote).
Every shape is timed once (CPU time); the three slowest are timed again, `--rounds` times,
and the median of the slowest is printed: pattern, shape, limit, ms, PASS below 50 ms.
"""

from __future__ import annotations

import argparse
import itertools
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from services.api import comments as api_comments
from services.api import moderation_handlers as api_moderation
from services.api import requests as api_requests
from services.core import ids, logs, render, schemas, text
from services.core.checks import links, spam_heuristics, wordlists
from services.core.checks.profanity import find_profanity
from services.core.masking import mask_emails
from services.core.moderation import assess, profanity_matcher
from services.core.rules import Rules
from services.core.schemas import validator
from services.ops import evaluation, online_eval

BUDGET_MS = 50.0
CONTENT, NAME, URL, LINE, BODY = 10_000, 245, 200, 8_190, 64 * 1024

UNITS = [
    "+-", ".", "a", "a@", "@", " at ", " dot ", "a.", "aa.", "a-", "-", "[at]", " @ ", " . ",
    "a@b.", "a@b.cc ", '"', '"a"@b.cc ', "&#64;", "%40", "\u200b", "ａ", "＠", "ａ＠ｂ．ｃｏｍ ",
    "а", "\u0301", "1", "1 ", "1-", "(", " ", "\n", "\n ", "\t", "!", "|", "a ", "a.b ", "a b ",
    "aaa", "f u c k ", "sh!t ", "www.", "http://", "<a ", '<a href="x">', "<", "é", "x@",
]  # fmt: skip
ENDS = ["", "a", "1", ".com", "@example.com", " dot com", '"', " bb", "\n\n", "</a>"]


@dataclass
class Case:
    name: str
    limit: int
    call: Callable[[str], object]


def pattern(p: re.Pattern[str], method: str = "search") -> Callable[[str], object]:
    bound = getattr(p, method)
    if method in ("findall", "split"):
        return bound
    if method == "finditer":
        return lambda s: list(bound(s))
    if method == "sub":
        return lambda s: p.sub("", s)
    return bound


def cases() -> list[Case]:
    rules = Rules(disallowed_words=("buy now", "casino", "cheap pills"))
    matcher = profanity_matcher(())
    words = wordlists._pattern(rules.disallowed_words)
    assert words is not None
    submission = validator("comment-submission.schema.json")
    webhook = validator("webhook-subscription.schema.json")
    rules_schema = validator("moderation-rules.schema.json")
    return [
        # masking: content, names, URLs, log values
        Case("masking: mask_emails (content)", CONTENT, mask_emails),
        Case("masking: mask_emails (name)", NAME, mask_emails),
        Case("masking: mask_emails (URL)", URL, mask_emails),
        Case("logs: _mask (one log value)", BODY, lambda s: logs._mask(None, "", {"v": s})),
        # the checks as the worker runs them
        Case(
            "checks: assess (content, name, URL)",
            CONTENT,
            lambda s: assess({"content": s, "author_name": s[:NAME], "author_url": s[:URL]}, rules),
        ),
        Case("profanity: find_profanity", CONTENT, lambda s: find_profanity(s, matcher)),
        Case("text: for_matching", CONTENT, text.for_matching),
        Case("text: fingerprint", CONTENT, text.fingerprint),
        Case("render: render_html", CONTENT, render.render_html),
        # each pattern, as its code calls it
        Case("links.LINK findall", CONTENT, pattern(links.LINK, "findall")),
        Case("links.HOST findall", CONTENT, pattern(links.HOST, "findall")),
        Case("spam._PHONE findall", CONTENT, pattern(spam_heuristics._PHONE, "findall")),
        Case("spam._AMOUNT search", CONTENT, pattern(spam_heuristics._AMOUNT)),
        Case("spam._WEBSITE search (name)", NAME, pattern(spam_heuristics._WEBSITE)),
        Case("spam._LETTERS findall", CONTENT, pattern(spam_heuristics._LETTERS, "findall")),
        Case(
            "spam._BARE_DOMAIN finditer", CONTENT, pattern(spam_heuristics._BARE_DOMAIN, "finditer")
        ),
        Case("wordlists._pattern finditer", CONTENT, pattern(words, "finditer")),
        Case("text._COMBINING sub", CONTENT, pattern(text._COMBINING, "sub")),
        Case("text._I_LOOKALIKE sub", CONTENT, pattern(text._I_LOOKALIKE, "sub")),
        Case("text._SPACED_LETTERS finditer", CONTENT, pattern(text._SPACED_LETTERS, "finditer")),
        Case("text._SEPARATORS fullmatch", CONTENT, pattern(text._SEPARATORS, "fullmatch")),
        Case("text._RUN finditer", CONTENT, pattern(text._RUN, "finditer")),
        Case("text._SPACES sub", CONTENT, pattern(text._SPACES, "sub")),
        Case("render._PARAGRAPHS split", CONTENT, pattern(render._PARAGRAPHS, "split")),
        Case("profanity_words: may_contain", CONTENT, matcher.may_contain),
        Case("profanity_words: scan", CONTENT, matcher.scan),
        Case("schemas._EMAIL fullmatch (format)", BODY, pattern(schemas._EMAIL, "fullmatch")),
        Case("schemas._URL_FORBIDDEN search", BODY, pattern(schemas._URL_FORBIDDEN)),
        Case("submission schema (name, content, url)", BODY, lambda s: _submission(submission, s)),
        Case("webhook schema (url pattern)", BODY, lambda s: _webhook(webhook, s)),
        Case("rules schema (blocked domain pattern)", BODY, lambda s: _blocked(rules_schema, s)),
        Case("api ARTICLE_ID match", LINE, pattern(api_comments.ARTICLE_ID, "match")),
        Case("api IDEMPOTENCY_KEY match", LINE, pattern(api_comments.IDEMPOTENCY_KEY, "match")),
        Case("api request id _SANE match", LINE, pattern(api_requests._SANE, "match")),
        Case("api moderation CURSOR match", LINE, pattern(api_moderation.CURSOR, "match")),
        Case("ids.COMMENT_ID match", LINE, pattern(ids.COMMENT_ID, "match")),
        Case("api moderation stream `before` fullmatch", LINE, _before),
        Case("online_eval._CONTROL sub (datasets)", CONTENT, pattern(online_eval._CONTROL, "sub")),
        Case("evaluation._ANCHOR sub (datasets)", CONTENT, pattern(evaluation._ANCHOR, "sub")),
        Case("evaluation._TAG sub (datasets)", CONTENT, pattern(evaluation._TAG, "sub")),
        Case("evaluation._BREAK sub (datasets)", CONTENT, pattern(evaluation._BREAK, "sub")),
    ]


def _before(s: str) -> object:
    # services/api/moderation_handlers.py checks the stream's `before` as these two, in this order.
    return re.fullmatch(r"\d{1,20}-\d{1,20}", s) and re.fullmatch(r"0+-0+", s)


def _submission(check: object, s: str) -> object:
    document = {"author": {"name": s, "email": s, "url": "https://" + s}, "content": s}
    return list(check.iter_errors(document))  # type: ignore[attr-defined]


def _webhook(check: object, s: str) -> object:
    return list(check.iter_errors({"url": "https://" + s, "events": ["comment.published"]}))  # type: ignore[attr-defined]


def _blocked(check: object, s: str) -> object:
    return list(check.iter_errors({"blocked_domains": [s]}))  # type: ignore[attr-defined]


def shapes(limit: int) -> list[tuple[str, str]]:
    found = []
    for units in itertools.chain(((u,) for u in UNITS), itertools.combinations(UNITS[:12], 2)):
        body = "".join(units)
        for end in ENDS:
            text = (body * (limit // len(body) + 1))[: limit - len(end)] + end
            found.append((f"{'+'.join(map(repr, units))} * n + {end!r}", text))
    return found


def timed(call: Callable[[str], object], text: str) -> float:
    """CPU milliseconds of one call: other processes on a shared machine do not count."""
    start = time.process_time()
    call(text)
    return (time.process_time() - start) * 1000


def worst(case: Case, rounds: int) -> tuple[str, float]:
    first = sorted(
        ((timed(case.call, t), shape, t) for shape, t in shapes(case.limit)), reverse=True
    )
    again = [
        (statistics.median(timed(case.call, t) for _ in range(rounds)), shape)
        for _, shape, t in first[:3]
    ]
    ms, shape = max(again)
    return shape, ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="", help="only the cases whose name holds this")
    args = parser.parse_args()
    print("| pattern or check | worst input shape | limit | ms (median) | < 50 ms |")
    print("|---|---|---:|---:|---|")
    for case in cases():
        if args.only not in case.name:
            continue
        shape, ms = worst(case, args.rounds)
        verdict = "PASS" if ms < BUDGET_MS else "**FAIL**"
        shown = shape.replace("|", "\\|")
        print(f"| {case.name} | `{shown}` | {case.limit:,} | {ms:.2f} | {verdict} |", flush=True)


if __name__ == "__main__":
    main()
