import pytest

from bot.config import Config
from bot.errors import ConfigError


def test_nothing_set_runs_on_sqlite_with_jobs_in_process():
    config = Config.from_env({})
    assert config.database_url.startswith("sqlite:///")
    assert config.jobs_mode == "thread"
    assert not config.production


def test_redis_url_sends_jobs_to_rq():
    config = Config.from_env({"REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert config.jobs_mode == "rq"


def test_production_without_line_secrets_stops_at_start_naming_them():
    with pytest.raises(ConfigError) as error:
        Config.from_env({"KYOJO_ENV": "production", "SECRET_KEY": "s"})
    assert "LINE_CHANNEL_SECRET" in str(error.value)
    assert "LINE_CHANNEL_ACCESS_TOKEN" in str(error.value)


def test_production_with_everything_set_starts():
    config = Config.from_env(
        {
            "KYOJO_ENV": "production",
            "SECRET_KEY": "s",
            "LINE_CHANNEL_SECRET": "x",
            "LINE_CHANNEL_ACCESS_TOKEN": "y",
            "LINE_API_HOST": "http://127.0.0.1:1",
        }
    )
    assert config.line_api_host == "http://127.0.0.1:1"


def test_production_may_run_on_slack_alone_but_not_half_configured():
    base = {"KYOJO_ENV": "production", "SECRET_KEY": "s"}
    config = Config.from_env({**base, "SLACK_SIGNING_SECRET": "x", "SLACK_BOT_TOKEN": "y"})
    assert config.slack_bot_token == "y"
    with pytest.raises(ConfigError) as error:
        Config.from_env({**base, "SLACK_BOT_TOKEN": "y"})
    assert "SLACK_SIGNING_SECRET" in str(error.value) and "LINE" not in str(error.value)
    with pytest.raises(ConfigError) as error:
        Config.from_env({**base, "LINE_CHANNEL_SECRET": "a", "LINE_CHANNEL_ACCESS_TOKEN": "b", "SLACK_BOT_TOKEN": "y"})
    assert "SLACK_SIGNING_SECRET" in str(error.value)
