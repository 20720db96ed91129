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
