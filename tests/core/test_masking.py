import pytest

from services.core.masking import mask_emails


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("mail john.doe@example.com now", "mail j***@e***.com now"),
        ("JOHN@EXAMPLE.COM", "J***@E***.COM"),
        ("jane at example dot com", "j***@e***.com"),
        ("jane [at] example [dot] co [dot] uk", "j***@e***.uk"),
        ("jane(at)example(dot)org", "j***@e***.org"),
        ("bob (at) mail.example.org!", "b***@m***.org!"),
        ("sam @ gmail . com", "s***@g***.com"),
        ("<a href='mailto:x@y.io'>", "<a href='mailto:x***@y***.io'>"),
    ],
)
def test_addresses_and_obfuscations_are_masked(text: str, masked: str) -> None:
    assert mask_emails(text) == masked
    assert mask_emails(masked) == masked


@pytest.mark.parametrize(
    "text",
    [
        "see https://medium.com/@user/post-1 and https://example.com/a?b=c#d",
        "ping @handle or @some_one on the forum",
        "it costs $5 at 3pm, or €4.99 at the shop",
        "meet me at home. Come early",
        "look at this dot product",
        "version 2.0 at 10.5 percent",
    ],
)
def test_nothing_else_is_touched(text: str) -> None:
    assert mask_emails(text) == text
