"""Platforms: each module translates between a platform and bot.events, and decides nothing."""

from __future__ import annotations

from bot.channel import Channel
from bot.config import Config

__all__ = ["Channel", "build_channels"]


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
