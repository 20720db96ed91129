from services.core.emails import email_hash, mask_email


def test_mask_keeps_first_letters_and_top_level_domain() -> None:
    assert mask_email("john.doe@mail.example.com") == "j***@m***.com"
    assert mask_email("ada@example.org") == "a***@e***.org"


def test_hash_is_keyed_and_ignores_case_and_spaces() -> None:
    assert email_hash(b"k1", " Ada@Example.com") == email_hash(b"k1", "ada@example.com")
    assert email_hash(b"k1", "ada@example.com") != email_hash(b"k2", "ada@example.com")
    assert "ada" not in email_hash(b"k1", "ada@example.com")


def test_an_address_is_erased_under_its_mailbox_and_its_own_spelling() -> None:
    from services.core.emails import email_hashes, keyed_hash

    hashes = email_hashes(b"k1", " Ada.L+news@Gmail.com")
    assert hashes == [
        email_hash(b"k1", "adal@gmail.com"),
        keyed_hash(b"k1", "ada.l+news@gmail.com"),
    ]
    assert email_hashes(b"k1", "ada@example.com") == [email_hash(b"k1", "ada@example.com")]
