"""The baseline job for bench/worker.py: takes a comment id, as moderation does; does nothing."""


def noop(comment_id: str) -> str:
    return comment_id
