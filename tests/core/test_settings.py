import pytest

from services.core.settings import Settings, SettingsError


def test_settings_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "COMMENTS_SECRET": "s3cret",
            "REDIS_URL": "redis://r:6379/1",
            "COMMENTS_PORT": "9000",
            "COMMENTS_JOB_RETRY_INTERVALS": "1, 2,3",
        }
    )
    assert settings.secret == b"s3cret"
    assert settings.redis_url == "redis://r:6379/1"
    assert settings.port == 9000
    assert settings.job_retry_intervals == (1, 2, 3)
    assert "s3cret" not in repr(settings)


def test_a_missing_secret_or_a_bad_number_is_a_clear_error() -> None:
    with pytest.raises(SettingsError, match="COMMENTS_SECRET"):
        Settings.from_env({})
    with pytest.raises(SettingsError, match="COMMENTS_PORT"):
        Settings.from_env({"COMMENTS_SECRET": "x", "COMMENTS_PORT": "eighty"})


def test_rules_and_limits_come_from_the_environment() -> None:
    from services.core.rules import ProfanityPolicy
    from services.core.settings import Limit

    settings = Settings.from_env(
        {
            "COMMENTS_SECRET": "x",
            "COMMENTS_LINK_LIMIT": "5",
            "COMMENTS_BLOCKED_DOMAINS": "spam.example, casino.example",
            "COMMENTS_PROFANITY_POLICY": "reject",
            "COMMENTS_SPAM_SCORE": "0.99",
            "COMMENTS_FLOOD_AUTHOR": "3/30",
            "COMMENTS_RATE_LIMITS": "off",
        }
    )
    assert settings.rules.link_limit == 5
    assert settings.rules.blocked_domains == ("spam.example", "casino.example")
    assert settings.rules.profanity_policy == ProfanityPolicy.REJECT
    assert settings.rules.spam_score == 0.99
    assert settings.flood_author == Limit(3, 30)
    assert settings.rate_limits is False
    with pytest.raises(SettingsError, match="COMMENTS_PROFANITY_POLICY"):
        Settings.from_env({"COMMENTS_SECRET": "x", "COMMENTS_PROFANITY_POLICY": "shout"})


def test_every_setting_is_documented_for_operators() -> None:
    from dataclasses import fields
    from pathlib import Path

    from services.core.rules import Rules
    from services.core.settings import Settings

    doc = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    names = [
        f"COMMENTS_{f.name.upper()}"
        for f in fields(Settings)
        if f.name not in {"rules", "redis_url"}
    ]
    names += [f"COMMENTS_{f.name.upper()}" for f in fields(Rules)]
    missing = [name for name in [*names, "REDIS_URL"] if f"`{name}`" not in doc]
    assert missing == []
