"""Configuration, read once from the environment (DESIGN.md names)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.errors import ConfigError

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
# Outside production the local chat page signs its webhook bodies with this when no secret is set.
DEV_CHANNEL_SECRET = "dev-channel-secret"


@dataclass(frozen=True)
class Config:
    """Everything the web process and the workers need to know."""

    database_url: str = f"sqlite:///{INSTANCE_DIR / 'kyojo.sqlite'}"
    redis_url: str | None = None
    # "rq": enqueue on Redis; "thread": run in-process in the background;
    # "eager": run in-process at once (tests).
    jobs_mode: str = "thread"
    production: bool = False
    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    line_api_host: str = "https://api.line.me"
    line_api_data_host: str = "https://api-data.line.me"
    slack_signing_secret: str | None = None
    slack_bot_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    secret_key: str = "dev"
    # Where people reach the web pages (links sent in chat point here).
    public_url: str = "http://127.0.0.1:5000"
    default_language: str = "ja"
    starting_grant_minutes: int = 120
    balance_floor_minutes: int = -600
    offer_batch_size: int = 3
    offer_timeout_minutes: int = 30
    helper_weekly_cap: int = 5
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Config":
        """Build the configuration from environment variables."""
        env = os.environ if environ is None else environ
        production = env.get("KYOJO_ENV", "development") == "production"
        redis_url = env.get("REDIS_URL") or None
        config = cls(
            database_url=env.get("DATABASE_URL") or cls.database_url,
            redis_url=redis_url,
            jobs_mode="rq" if redis_url else "thread",
            production=production,
            line_channel_secret=(env.get("LINE_CHANNEL_SECRET") or (None if production else DEV_CHANNEL_SECRET)),
            line_channel_access_token=env.get("LINE_CHANNEL_ACCESS_TOKEN") or None,
            line_api_host=env.get("LINE_API_HOST") or cls.line_api_host,
            line_api_data_host=env.get("LINE_API_DATA_HOST") or cls.line_api_data_host,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_api_url=env.get("SLACK_API_URL") or cls.slack_api_url,
            secret_key=env.get("SECRET_KEY") or cls.secret_key,
            public_url=env.get("PUBLIC_URL") or cls.public_url,
        )
        config.check()
        return config

    def check(self) -> None:
        """Stop at start, naming what production is missing: the secret key, and the LINE
        channel's secrets unless the bot runs on Slack alone (then the Slack app's)."""
        if not self.production:
            return
        line = (
            ("LINE_CHANNEL_SECRET", self.line_channel_secret),
            ("LINE_CHANNEL_ACCESS_TOKEN", self.line_channel_access_token),
        )
        slack = (("SLACK_SIGNING_SECRET", self.slack_signing_secret), ("SLACK_BOT_TOKEN", self.slack_bot_token))
        slack_only = any(v for _, v in slack) and not any(v for _, v in line)
        required = (
            ("SECRET_KEY", None if self.secret_key == "dev" else self.secret_key),
            *(slack if slack_only else line),
            *(slack if any(v for _, v in slack) else ()),
        )
        missing = list(dict.fromkeys(name for name, value in required if not value))
        if missing:
            raise ConfigError(f"missing configuration in production: {', '.join(missing)}")

    def with_(self, **changes: Any) -> "Config":
        """A copy with some settings changed (tests)."""
        return replace(self, **changes)
