"""The local chat page's LINE channel: real LINE webhooks and rendering, sending captured in the database.

In development without a LINE access token, platform "line" is this channel: the page
posts signed LINE webhook bodies to /callback, and what the bot would send to LINE is
stored, rendered as LINE JSON, in LocalMessage rows that the page reads.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import select

from bot.channels.line import LineChannel, to_line_messages
from bot.config import Config
from bot.events import Inbound, Message
from db.models import LocalMessage, Resident
from db.session import Session

# LocalMessage.payload["kind"]: what the bot sent, or what the person did on the page.
BOT = "bot"
PERSON = "person"
# The bot's own user id, as LINE names it in every webhook body.
DESTINATION = "Ulocalchatpage0000000000000000000"


@dataclass
class LocalChannel:
    """LINE in, LocalMessage rows out."""

    line: LineChannel
    platform: str = "line"
    webhook_path: ClassVar[str] = LineChannel.webhook_path
    multicasts_natively: ClassVar[bool] = True
    rich_menus: ClassVar[bool] = False  # the page draws no menu
    signature = staticmethod(LineChannel.signature)
    handshake = staticmethod(LineChannel.handshake)

    @classmethod
    def from_config(cls, config: Config) -> "LocalChannel":
        """The page's channel: LINE's webhook secret from the configuration, sends kept as rows."""
        return cls(LineChannel.from_config(config))

    def parse_webhook(self, body: bytes, signature: str) -> list[tuple[str, str, dict]]:
        """Verify and split a webhook body exactly as LINE's channel does."""
        return self.line.parse_webhook(body, signature)

    def to_inbound(self, event: dict) -> Inbound:
        """A stored LINE event as the project's own inbound event."""
        return self.line.to_inbound(event)

    def send(self, user_id: str, messages: list[Message], *, reply_token: str | None,
             retry_key: str) -> None:
        """Keep the rendered LINE messages for the page (once per retry key)."""
        with Session.begin() as session:
            capture(session, user_id, messages, retry_key)

    def multicast(self, user_ids: list[str], messages: list[Message], *, retry_key: str) -> None:
        """One captured copy for each person."""
        with Session.begin() as session:
            for user_id in user_ids:
                capture(session, user_id, messages, f"{retry_key}:{user_id}")

    def quota(self) -> tuple[int | None, int]:
        """No monthly limit on the page."""
        return None, 0

    def show_loading(self, user_id: str) -> None:
        """The page shows its own waiting sign."""

    def link_menu(self, user_id: str, language: str) -> str | None:
        """The page draws no rich menu."""
        return None

    def unlink_menu(self, user_id: str) -> None:
        """The page draws no rich menu."""

    def profile(self, user_id: str) -> dict:
        """The name and language the page gave this made-up person."""
        with Session() as session:
            resident = session.scalar(select(Resident).where(
                Resident.platform == self.platform, Resident.platform_user_id == user_id))
            if resident is None:
                return {}
            return {"display_name": resident.display_name, "language": resident.language}


def capture(session, user_id: str, messages: list[Message], retry_key: str) -> None:
    """Store messages as LINE would receive them, unless this retry key was stored already."""
    sent = session.scalars(select(LocalMessage.payload).where(LocalMessage.user_id == user_id))
    if any(payload.get("retry_key") == retry_key for payload in sent):
        return
    rendered = [m if isinstance(m, dict) else m.to_dict() for m in to_line_messages(messages)]
    session.add(LocalMessage(user_id=user_id,
                             payload={"kind": BOT, "retry_key": retry_key, "messages": rendered}))


def note_person(session, user_id: str, **fields: object) -> None:
    """Keep what the person did on the page, to show it in their conversation."""
    session.add(LocalMessage(user_id=user_id, payload={"kind": PERSON, **fields}))


def webhook_body(user_id: str, kind: str, *, text: str | None = None, data: str | None = None) -> bytes:
    """A LINE webhook body with one event from a person (text, postback, follow, unfollow)."""
    event = {"type": "message" if kind == "text" else kind, "mode": "active",
             "timestamp": int(time.time() * 1000), "source": {"type": "user", "userId": user_id},
             "webhookEventId": uuid.uuid4().hex[:26].upper(), "deliveryContext": {"isRedelivery": False}}
    if kind != "unfollow":
        event["replyToken"] = uuid.uuid4().hex
    if kind == "text":
        event["message"] = {"id": str(uuid.uuid4().int)[:18], "type": "text",
                            "quoteToken": uuid.uuid4().hex, "text": text or ""}
    elif kind == "postback":
        event["postback"] = {"data": data or ""}
    elif kind == "follow":
        event["follow"] = {"isUnblocked": False}
    return json.dumps({"destination": DESTINATION, "events": [event]}, ensure_ascii=False).encode()


def signature(body: bytes, secret: str) -> str:
    """LINE's X-Line-Signature: base64 of the body's HMAC-SHA256 with the channel secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
