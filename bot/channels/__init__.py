"""Platforms: each module translates between a platform and bot.events, and decides nothing."""
from __future__ import annotations

from typing import Protocol

from bot.config import Config
from bot.events import Inbound, Message


class Channel(Protocol):
    """What the core needs from a platform."""

    platform: str

    def to_inbound(self, payload: dict) -> Inbound:
        """A stored webhook event as the project's own inbound event."""

    def send(self, user_id: str, messages: list[Message], *, reply_token: str | None,
             retry_key: str) -> None:
        """Send with the reply token when given, else push (safe to retry with the same key)."""

    def multicast(self, user_ids: list[str], messages: list[Message], *, retry_key: str) -> None:
        """Send the same messages to many people at once (safe to retry with the same key)."""

    def quota(self) -> tuple[int | None, int]:
        """This month's message limit (None: unlimited) and the messages used so far."""

    def show_loading(self, user_id: str) -> None:
        """Show that the bot is working on an answer."""

    def profile(self, user_id: str) -> dict:
        """The person's display name and language, where the platform tells."""


def build_channels(config: Config) -> dict[str, Channel]:
    """The channels this configuration can talk to, by platform name."""
    from bot.channels.line import LineChannel
    from bot.channels.local import LocalChannel

    # In development without a LINE token, "line" is the local chat page's capturing channel.
    captured = not config.production and not config.line_channel_access_token
    line = LocalChannel if captured else LineChannel
    channels: dict[str, Channel] = {"line": line.from_config(config)}
    if config.slack_bot_token and config.slack_signing_secret:
        from bot.channels.slack import SlackChannel

        channels["slack"] = SlackChannel.from_config(config)
    return channels
