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
        ("jane@example dot com", "j***@e***.com"),
        ("josé@müller.de", "j***@m***.de"),
        ("a@b.com@c.com", "a***@b***.com***@c***.com"),
        ('a@b.x"a"@b.cc', 'a@b.x"a***@b***.cc'),  # the quote stays: `xa***@` would read anew
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


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("write to name\uff20example\uff0ecom today", "write to n***@e***.com today"),  # full-width
        (
            "\uff4a\uff41\uff4e\uff45 \uff41\uff54 \uff45\uff58 "
            "\uff44\uff4f\uff54 \uff43\uff4f\uff4d",
            "j***@e***.com",
        ),
        ("jane@ex\u0430mple.com", "j***@e***.com"),  # a Cyrillic a in the domain
        ("jane@example.\u0441om", "j***@e***.com"),  # a Cyrillic c in the top-level domain
        ('mail "john doe"@example.com now', "mail j***@e***.com now"),  # a quoted local part
        ("ja\u200bne@exa\u200bmple.com", "j***@e***.com"),  # zero-width spaces
        ("jane\u2060@\u00adexample.com", "j***@e***.com"),  # word joiner, soft hyphen
        ("jane&#64;example.com", "j***@e***.com"),
        ("jane&#x40;example&#46;com", "j***@e***.com"),
        ("jane&commat;example&period;com", "j***@e***.com"),
        ("jane%40example.com", "j***@e***.com"),
        ("jane%40example%2Ecom and jane%40example%2ecom", "j***@e***.com and j***@e***.com"),
        ("https://example.org/?to=jane%40example.com", "https://example.org/?to=j***@e***.com"),
        ("e\u0301cole@example.com", "e***@e***.com"),  # a combining accent
        # A right-to-left override shows `moc.elpmaxe@enaj` as `jane@example.com`; the mask
        # goes where the address was (and the override shows it as `moc.***e@***j`).
        ("write \u202emoc.elpmaxe@enaj\u202c now", "write \u202ej***@e***.com\u202c now"),
        ("\u202emoc.elpmaxe@enaj", "\u202ej***@e***.com"),
        ("\u202emoc.b@a \u202emoc.d@c ", "\u202ea***@b***.com \u202ec***@d***.com "),
        ("jane[@]example[.]com", "j***@e***.com"),  # the symbols bracketed, as the words are
        ("jane (@) example (.) org", "j***@e***.org"),
    ],
)
def test_disguised_addresses_are_masked_on_the_original_characters(text: str, masked: str) -> None:
    assert mask_emails(text) == masked
    assert mask_emails(masked) == masked


@pytest.mark.parametrize(
    "text",
    [
        "Fish &amp; chips at 5%, 100% sure",
        "caf\u00e9 \u00e0 Paris, \u4f60\u597d, \uff21\uff22\uff23",
        'a quote: "it is" @ noon',
        'I said "hi" at home. Com\u00e9die',
        "&#64;handle and %40handle",
    ],
)
def test_decoding_touches_nothing_that_is_not_an_address(text: str) -> None:
    assert mask_emails(text) == text
