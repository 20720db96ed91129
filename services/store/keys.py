"""Every Redis key this service writes, in one place. RQ's own keys (`rq:*`) are RQ's."""

PREFIX = "comments:"

EVENTS = f"{PREFIX}events"
"""Stream of comment events (`comment.published`, ...), trimmed to an approximate length."""

AUDIT = f"{PREFIX}audit"
"""Stream of what moderators and admins did: decisions, bans, rule changes."""

RULES = f"{PREFIX}rules"
"""String: the moderation rules in force, as JSON with their version."""

LEARNED_SPAM = f"{PREFIX}learn:spam"
"""Hash: for each token, how many comments learned as spam held it."""

LEARNED_HAM = f"{PREFIX}learn:ham"
"""Hash: for each token, how many comments learned as genuine held it."""

LEARNED_TOTALS = f"{PREFIX}learn:totals"
"""Hash: how many comments were learned as `spam` and as `ham`."""

LEARNED_PRIOR = f"{PREFIX}learn:prior"
"""String: the version of the prior the filter started from (`none`: from nothing). Set
once, with the prior's counts: a site's learned state is never replaced by a prior."""

TOKEN_NAMES = f"{PREFIX}token-names"
"""Hash: token name -> the SHA-256 of the token."""

RECONCILER_LOCK = f"{PREFIX}reconciler-lock"
"""Held by the one reconciler running at a time, with a short expiry."""


def comment(comment_id: str) -> str:
    """Hash holding one comment's record."""
    return f"{PREFIX}comment:{comment_id}"


def state_set(state: str) -> str:
    """Sorted set of the comment ids in a non-public state (pending, held, spam, rejected,
    removed), scored by when they entered it (ms)."""
    return f"{PREFIX}state:{state}"


def published(article_id: str) -> str:
    """Sorted set of an article's published comment ids, scored by publication number."""
    return f"{PREFIX}article:{article_id}:published"


def publication_counter(article_id: str) -> str:
    """Counter numbering an article's publications: list order and cursors, never reused."""
    return f"{PREFIX}article:{article_id}:seq"


def near_dup(band: str) -> str:
    """Sorted set of `article|author` pairs that sent a text with this LSH band
    (services.core.near_dup), scored by time (ms): texts alike share a band."""
    return f"{PREFIX}spread:{band}"


def known_spam(fingerprint: str) -> str:
    """Set when a moderator marks this content spam: the same text again is spam."""
    return f"{PREFIX}known-spam:{fingerprint}"


def duplicate(article_id: str, email_hash: str, fingerprint: str) -> str:
    """Marks that this author sent this content to this article (intake refuses a second)."""
    return f"{PREFIX}dup:{article_id}:{email_hash}:{fingerprint}"


def flood(kind: str, hashed: str) -> str:
    """Sorted set of an author's or a client's recent submissions, scored by time (ms)."""
    return f"{PREFIX}flood:{kind}:{hashed}"


def author(email_hash: str) -> str:
    """Hash: how many of this author's comments are in each state."""
    return f"{PREFIX}author:{email_hash}"


def moderation_batch(first_id: str) -> str:
    """List of the comment ids of one batch job, named after the first (kept until the job
    succeeds, or for a week)."""
    return f"{PREFIX}batch:{first_id}"


OPEN_BATCH = f"{PREFIX}batch:open"
"""Hash (`list`, `job`): the newest batch whose job no worker has started yet; comments
accepted meanwhile join it, up to `queues.MODERATION_BATCH`. A worker deletes it as it reads
the list, so a started batch takes no more comments; it expires after
`queues.OPEN_BATCH_TTL_S` anyway."""


def author_comments(email_hash: str) -> str:
    """Set of the ids of every comment stored with this email hash (to erase them on request)."""
    return f"{PREFIX}author:{email_hash}:comments"


def imported(source: str) -> str:
    """Hash: for comments imported from `source` (`wxr`, `disqus`), the source's comment id ->
    ours. What makes an import idempotent."""
    return f"{PREFIX}imported:{source}"


def ban(kind: str, hashed: str) -> str:
    """A ban on an author (`author`, by email hash) or a client address (`client`), as JSON,
    expiring with the ban."""
    return f"{PREFIX}ban:{kind}:{hashed}"


def access_token(token_hash: str) -> str:
    """Hash: an API token's name, role and creation time, by the token's SHA-256."""
    return f"{PREFIX}token:{token_hash}"


def idempotency(scope: str, key_hash: str) -> str:
    """The answer given to a request with this `Idempotency-Key`, for replaying it."""
    return f"{PREFIX}idem:{scope}:{key_hash}"


def article_events(article_id: str) -> str:
    """Stream of an article's public events (`comment.published`, `comment.removed`): what its
    live readers get, and resume from after a lost connection."""
    return f"{PREFIX}article:{article_id}:events"


def article_version(article_id: str) -> str:
    """Counter that changes whenever the article's published set changes: its lists' ETag."""
    return f"{PREFIX}article:{article_id}:version"


WEBHOOKS = f"{PREFIX}webhooks"
"""Set of the webhook subscriptions' ids."""

WEBHOOK_GROUP = "webhooks"
"""The consumer group on the event stream that turns events into deliveries."""


def webhook(webhook_id: str) -> str:
    """Hash: a webhook subscription (url, events, secret, enabled, consecutive failures)."""
    return f"{PREFIX}webhook:{webhook_id}"


def webhook_deliveries(webhook_id: str) -> str:
    """List: the subscription's last delivery attempts, newest first, as JSON."""
    return f"{PREFIX}webhook:{webhook_id}:deliveries"


# Articles (h15-articles): article records and trusted commenters.


def article(article_id: str) -> str:
    """Hash: an article's record (title, url, published_at, language, comment settings,
    created_at), made by its first PUT or its first comment."""
    return f"{PREFIX}article:{article_id}:record"


TRUSTED = f"{PREFIX}trusted"
"""Hash: email hash of a trusted commenter -> who trusted them, when and why, as JSON."""


# Reader reports (issue 15): services/store/reports.py.

REPORTED = f"{PREFIX}reported"
"""Sorted set of the comments with open reader reports, scored by how many distinct clients
reported them: the moderators' `reported` queue."""


def reports(comment_id: str) -> str:
    """Hash: a comment's open reports: `count` (distinct clients), `weight` (their weights
    summed), `reason:<reason>` counts, `first_at`, `last_at`."""
    return f"{PREFIX}report:{comment_id}"


def reporters(comment_id: str) -> str:
    """Hash: client hash -> the weight its open report on this comment counted with."""
    return f"{PREFIX}report:{comment_id}:reporters"


def closed_reporters(comment_id: str) -> str:
    """Set of the client hashes whose reports on this comment a moderator closed: they may
    not report it again (expires `report_policy.CLOSED_TTL_S` after the last closing)."""
    return f"{PREFIX}report:{comment_id}:closed"


def report_notes(comment_id: str) -> str:
    """List: the notes readers added to their open reports, newest first, as JSON (capped)."""
    return f"{PREFIX}report:{comment_id}:notes"


def reporter_weight(client_hash: str) -> str:
    """String: how much this client's reports weigh (default 1), lowered when a moderator
    dismisses reports it made; expires `report_policy.WEIGHT_TTL_S` after the last dismissal."""
    return f"{PREFIX}reporter:{client_hash}"
