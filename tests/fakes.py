"""Test doubles at the edges: a channel that records what the bot sent, a clock a test sets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from bot.clock import Clock
from bot.events import Inbound, Message, Text


class StoppedClock(Clock):
    """A clock that shows the time a test set (hand it, or put it in the runtime as `rt.clock`)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@dataclass
class Sent:
    user_id: str
    messages: list[Message]
    reply_token: str | None = None
    retry_key: str | None = None


@dataclass
class FakeChannel:
    """Platform "fake": inbound payloads are plain dicts, outbound is recorded (zulip's StubBotHandler)."""

    platform: str = "fake"
    multicasts_natively: ClassVar[bool] = True  # records multicasts as LINE would receive them
    rich_menus: ClassVar[bool] = False
    sent: list[Sent] = field(default_factory=list)
    multicasts: list[tuple[list[str], list[Message], str]] = field(default_factory=list)
    loading: list[str] = field(default_factory=list)
    sent_keys: set[str] = field(default_factory=set)
    media: dict[str, bytes] = field(default_factory=dict)
    quota_limit: int | None = None  # the month's message limit, as LINE's quota endpoints tell it
    quota_used: int = 0

    def parse_webhook(self, body: bytes, signature: str) -> list[tuple[str, str, dict]]:
        raise NotImplementedError("the fake channel has no webhook")

    def to_inbound(self, payload: dict) -> Inbound:
        return Inbound(
            platform="fake",
            user_id=payload["user_id"],
            kind=payload.get("kind", "text"),
            event_id=payload["event_id"],
            received_at=datetime.fromisoformat(payload["at"]),
            text=payload.get("text"),
            data=payload.get("data"),
            reply_token=payload.get("reply_token"),
            display_name=payload.get("display_name"),
            language=payload.get("language"),
            media_id=payload.get("media_id"),
            latitude=payload.get("latitude"),
            longitude=payload.get("longitude"),
        )

    def send(self, user_id, messages, *, reply_token, retry_key) -> None:
        if retry_key in self.sent_keys:  # as LINE's X-Line-Retry-Key: accepted once
            return
        self.sent_keys.add(retry_key)
        self.sent.append(Sent(user_id, list(messages), reply_token, retry_key))

    def multicast(self, user_ids, messages, *, retry_key) -> None:
        if retry_key in self.sent_keys:
            return
        self.sent_keys.add(retry_key)
        self.multicasts.append((list(user_ids), list(messages), retry_key))

    def quota(self) -> tuple[int | None, int]:
        """(the month's limit or None when unlimited, messages used so far)."""
        return self.quota_limit, self.quota_used

    def content(self, media_id: str) -> tuple[bytes, str]:
        """An image a person sent: tests put its bytes in `media` first."""
        return self.media[media_id], "image/jpeg"

    def show_loading(self, user_id: str) -> None:
        self.loading.append(user_id)

    def profile(self, user_id: str) -> dict:
        return {}

    def link_menu(self, user_id: str, language: str) -> str | None:
        return None

    def unlink_menu(self, user_id: str) -> None:
        pass

    def switch_menus(self, people: dict[str, list[str]], disaster: bool) -> int:
        return 0

    def to(self, user_id: str) -> list[Message]:
        """Every message sent to one user, in order."""
        return [m for s in self.sent if s.user_id == user_id for m in s.messages]

    def clear(self) -> None:
        self.sent.clear()
        self.multicasts.clear()


def texts(messages: list[Message]) -> list[str]:
    """The readable text of messages (a card's title and body)."""
    return [m.text if isinstance(m, Text) else f"{m.title}\n{m.body}" for m in messages]


def buttons(messages: list[Message]) -> list[str]:
    """The labels of every button under the messages."""
    return [b.label for m in messages for b in m.buttons]
