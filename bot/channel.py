"""A platform as the rest of the bot sees it: what bot/channels' classes provide.

It sits with the shared types so that the domain, handed the channels as an argument, can name
their type without importing the channels (which are above it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Protocol

from bot.events import Inbound, Message


class Channel(Protocol):
    """Everything the rest of the bot needs from a platform; a new platform is one class like this
    in bot/channels/ (and its renderer) plus its settings in bot/config.py and build_channels."""

    platform: str
    webhook_path: ClassVar[str]  # where the platform posts its events (app.py routes it here)
    multicasts_natively: ClassVar[bool]  # one request reaches many people (LINE's multicast)
    rich_menus: ClassVar[bool]  # a menu per person, kept by the platform (LINE's rich menu)

    def signature(self, headers: Mapping[str, str]) -> str:
        """The request's signature, from the headers the platform signs with."""

    def parse_webhook(self, body: bytes, signature: str) -> list[tuple[str, str, dict]]:
        """Verify a webhook body and split it into (event id, type, payload) to store."""

    def handshake(self, body: bytes) -> dict | None:
        """The answer to a verified body that checks the URL (Slack's challenge), else None."""

    def to_inbound(self, payload: dict) -> Inbound:
        """A stored webhook event as the project's own inbound event."""

    def send(self, user_id: str, messages: list[Message], *, reply_token: str | None, retry_key: str) -> None:
        """Send with the reply token when given, else push (safe to retry with the same key)."""

    def multicast(self, user_ids: list[str], messages: list[Message], *, retry_key: str) -> None:
        """Send the same messages to many people at once (safe to retry with the same key)."""

    def quota(self) -> tuple[int | None, int]:
        """This month's message limit (None: unlimited) and the messages used so far."""

    def content(self, media_id: str) -> tuple[bytes, str]:
        """A photo the person sent (an inbound event's `media_id`): its bytes and content type."""

    def show_loading(self, user_id: str) -> None:
        """Show that the bot is working on an answer."""

    def profile(self, user_id: str) -> dict:
        """The person's display name and language, where the platform tells."""

    def link_menu(self, user_id: str, language: str) -> str | None:
        """Show the person the menu of their language; its id (only when `rich_menus`)."""

    def unlink_menu(self, user_id: str) -> None:
        """Give the person the default menu back (only when `rich_menus`)."""

    def switch_menus(self, people: dict[str, list[str]], disaster: bool) -> int:
        """Disaster mode: show these people (user ids by language) the safety menu, or their own
        menu again; how many were switched (only when `rich_menus`)."""


Channels = Mapping[str, Channel]  # platform -> its channel, as bot.wiring.start builds them
