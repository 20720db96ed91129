from services.core.emails import email_hash, mask_email


def test_mask_keeps_first_letters_and_top_level_domain() -> None:
    assert mask_email("john.doe@mail.example.com") == "j***@m***.com"
    assert mask_email("ada@example.org") == "a***@e***.org"


def test_hash_is_keyed_and_ignores_case_and_spaces() -> None:
    assert email_hash(b"k1", " Ada@Example.com") == email_hash(b"k1", "ada@example.com")
    assert email_hash(b"k1", "ada@example.com") != email_hash(b"k2", "ada@example.com")
    assert "ada" not in email_hash(b"k1", "ada@example.com")
