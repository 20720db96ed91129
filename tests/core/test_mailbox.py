from __future__ import annotations

import pytest

from services.core.emails import email_hash
from services.core.mailbox import mailbox


@pytest.mark.parametrize(
    ("address", "folded"),
    [
        (" A.Da+news@GoogleMail.com ", "ada@gmail.com"),
        ("a.d.a@gmail.com", "ada@gmail.com"),
        ("ada+x+y@outlook.com", "ada@outlook.com"),
        ("first.last+tag@hotmail.com", "first.last@hotmail.com"),  # dots matter outside Gmail
        ("ada+1@icloud.com", "ada@icloud.com"),
        ("ada+1@proton.me", "ada@proton.me"),
        ("ada+1@fastmail.com", "ada@fastmail.com"),
        ("sales+eu@example.com", "sales+eu@example.com"),  # a site may route tags anywhere
        ("ada-news@yahoo.com", "ada-news@yahoo.com"),  # Yahoo's `-` names are other mailboxes
        ("+only@gmail.com", "+only@gmail.com"),
        ("ada@mail.gmail.com", "ada@mail.gmail.com"),
    ],
)
def test_one_mailbox_folds_one_way(address: str, folded: str) -> None:
    assert mailbox(address) == folded


def test_the_author_hash_is_the_mailbox_hash() -> None:
    assert email_hash(b"k", "x+1@gmail.com") == email_hash(b"k", "X.@googlemail.com")
    assert email_hash(b"k", "x+1@example.com") != email_hash(b"k", "x@example.com")
