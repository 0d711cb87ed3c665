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
from dataclasses import dataclass, replace
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
DESTINATION = "U00000000000000000000000010ca1cae"  # "local cafe": U and 32 hex digits, as LINE writes ids
# Where the page stands in for LINE's data host (api-data.line.me): a photo sent on the page is
# fetched by the bot from <PUBLIC_URL>/dev/chat/line-data/v2/bot/message/<id>/content, the same
# Messaging API call (and SDK) it makes to LINE.
CONTENT_PATH = "/dev/chat/line-data"
# What the page can do as a person: LINE's event types and the kinds of message it may carry.
MESSAGE_KINDS = ("text", "sticker", "image", "location")


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
        """The page's channel: LINE's webhook secret from the configuration, sends kept as rows,
        photos fetched from the page's own stand-in for LINE's data host."""
        line = LineChannel.from_config(config)
        return cls(replace(line, data_host=config.public_url.rstrip("/") + CONTENT_PATH))

    def parse_webhook(self, body: bytes, signature: str) -> list[tuple[str, str, dict]]:
        """Verify and split a webhook body exactly as LINE's channel does."""
        return self.line.parse_webhook(body, signature)

    def to_inbound(self, event: dict) -> Inbound:
        """A stored LINE event as the project's own inbound event."""
        return self.line.to_inbound(event)

    def send(self, user_id: str, messages: list[Message], *, reply_token: str | None, retry_key: str) -> None:
        """Keep the rendered LINE messages for the page (once per retry key)."""
        with Session.begin() as session:
            capture(session, user_id, messages, retry_key)

    def multicast(self, user_ids: list[str], messages: list[Message], *, retry_key: str) -> None:
        """One captured copy for each person."""
        with Session.begin() as session:
            for user_id in user_ids:
                capture(session, user_id, messages, f"{retry_key}:{user_id}")

    def content(self, media_id: str) -> tuple[bytes, str]:
        """A photo sent on the page, fetched as from LINE: the Messaging API's content call."""
        return self.line.content(media_id)

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

    def switch_menus(self, people: dict[str, list[str]], disaster: bool) -> int:
        """The page draws no rich menu: nobody is switched."""
        return 0

    def profile(self, user_id: str) -> dict:
        """The name and language the page gave this made-up person."""
        with Session() as session:
            resident = session.scalar(
                select(Resident).where(Resident.platform == self.platform, Resident.platform_user_id == user_id)
            )
            if resident is None:
                return {}
            return {"display_name": resident.display_name, "language": resident.language}


def capture(session, user_id: str, messages: list[Message], retry_key: str) -> None:
    """Store messages as LINE would receive them, unless this retry key was stored already."""
    sent = session.scalars(select(LocalMessage.payload).where(LocalMessage.user_id == user_id))
    if any(payload.get("retry_key") == retry_key for payload in sent):
        return
    rendered = to_line_messages(messages)
    session.add(LocalMessage(user_id=user_id, payload={"kind": BOT, "retry_key": retry_key, "messages": rendered}))


def note_person(session, user_id: str, **fields: object) -> None:
    """Keep what the person did on the page, to show it in their conversation."""
    session.add(LocalMessage(user_id=user_id, payload={"kind": PERSON, **fields}))


def message_id() -> str:
    """A new message id, as LINE writes them (18 digits)."""
    return str(uuid.uuid4().int)[:18]


def webhook_body(
    user_id: str, kind: str, *, text: str | None = None, data: str | None = None, message: dict | None = None
) -> bytes:
    """A LINE webhook body with one event from a person, shaped as LINE's reference documents
    it: a text, a sticker, an image or a location message; a postback, follow or unfollow.
    `message` holds a medium's own fields (sticker ids, the image's id, the place)."""
    event: dict = {
        "type": "message" if kind in MESSAGE_KINDS else kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": uuid.uuid4().hex[:26].upper(),
        "deliveryContext": {"isRedelivery": False},
    }
    if kind != "unfollow":
        event["replyToken"] = uuid.uuid4().hex
    if kind in MESSAGE_KINDS:
        event["message"] = message_fields(kind, text, message or {})
    elif kind == "postback":
        event["postback"] = {"data": data or ""}
    elif kind == "follow":
        event["follow"] = {"isUnblocked": False}
    return json.dumps({"destination": DESTINATION, "events": [event]}, ensure_ascii=False).encode()


def message_fields(kind: str, text: str | None, given: dict) -> dict:
    """The "message" object of a message event of this kind."""
    tokens = {"quoteToken": uuid.uuid4().hex, "markAsReadToken": uuid.uuid4().hex}
    if kind == "text":
        return {"id": message_id(), "type": "text", **tokens, "text": text or ""}
    if kind == "sticker":
        return {
            "type": "sticker",
            "id": message_id(),
            **tokens,
            "stickerId": str(given.get("stickerId", "")),
            "packageId": str(given.get("packageId", "")),
            "stickerResourceType": "STATIC",
            "keywords": list(given.get("keywords") or []),
        }
    if kind == "image":  # the content itself is fetched with the id, as from LINE
        return {
            "type": "image",
            "id": str(given.get("id") or message_id()),
            **tokens,
            "contentProvider": {"type": "line"},
        }
    place = {"id": message_id(), "type": "location", "markAsReadToken": tokens["markAsReadToken"]}
    for name in ("title", "address"):
        if given.get(name):
            place[name] = str(given[name])
    return {**place, "latitude": float(given["latitude"]), "longitude": float(given["longitude"])}


def signature(body: bytes, secret: str) -> str:
    """LINE's X-Line-Signature: base64 of the body's HMAC-SHA256 with the channel secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
