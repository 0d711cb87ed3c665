"""LINE Messaging API: verify and parse webhooks, render and send messages (line-bot-sdk v3)."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from linebot.v3 import WebhookParser  # noqa: F401  (kept for typed parsing)
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessagingApi,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from linebot.v3.webhook import SignatureValidator

from bot.config import Config
from bot.errors import PayloadError, SignatureError
from bot.events import Card, Inbound, Message, Text
from db.models import CITY_TIMEZONE

log = logging.getLogger(__name__)


@dataclass
class LineChannel:
    """The LINE side of the bot."""

    secret: str
    access_token: str
    api_host: str
    data_host: str
    platform: str = "line"

    @classmethod
    def from_config(cls, config: Config) -> "LineChannel":
        return cls(config.line_channel_secret or "", config.line_channel_access_token or "",
                   config.line_api_host, config.line_api_data_host)

    # -- inbound -------------------------------------------------------------------------

    def parse_webhook(self, body: bytes, signature: str) -> list[tuple[str, str, dict]]:
        """Check the signature on the raw body, then split it into (event id, type, event)."""
        if not signature or not self.secret:
            raise SignatureError("missing signature")
        if not SignatureValidator(self.secret).validate(body.decode("utf-8", "replace"), signature):
            raise SignatureError("signature does not match")
        try:
            data = json.loads(body)
            events = data["events"]
            return [(e["webhookEventId"], str(e.get("type", "")), e) for e in events]
        except (ValueError, KeyError, TypeError) as error:
            raise PayloadError(str(error)) from error

    def to_inbound(self, event: dict) -> Inbound:
        """A stored LINE event as the project's own inbound event."""
        source = event.get("source") or {}
        message = event.get("message") or {}
        kind = event.get("type", "")
        if kind == "message":
            kind = "text" if message.get("type") == "text" else message.get("type", "other")
        at = datetime.fromtimestamp(event.get("timestamp", 0) / 1000, CITY_TIMEZONE).replace(tzinfo=None)
        return Inbound(platform="line", user_id=source.get("userId", ""), kind=kind,
                       event_id=event.get("webhookEventId", ""), received_at=at,
                       text=message.get("text"), data=(event.get("postback") or {}).get("data"),
                       reply_token=event.get("replyToken"),
                       in_group=source.get("type") in ("group", "room"))

    # -- outbound ------------------------------------------------------------------------

    def _api(self) -> ApiClient:
        return ApiClient(Configuration(access_token=self.access_token, host=self.api_host))

    def send(self, user_id: str, messages: list[Message], *, reply_token: str | None,
             retry_key: str) -> None:
        """Reply while the token is fresh, else push with a retry key."""
        rendered = to_line_messages(messages)
        with self._api() as client:
            api = MessagingApi(client)
            if reply_token:
                api.reply_message(ReplyMessageRequest(reply_token=reply_token, messages=rendered))
            else:
                api.push_message(PushMessageRequest(to=user_id, messages=rendered),
                                 x_line_retry_key=retry_key)

    def multicast(self, user_ids: list[str], messages: list[Message], *, retry_key: str) -> None:
        raise NotImplementedError

    def show_loading(self, user_id: str) -> None:
        with self._api() as client:
            MessagingApi(client).show_loading_animation(
                ShowLoadingAnimationRequest(chat_id=user_id, loading_seconds=20))

    def profile(self, user_id: str) -> dict:
        return {}


def to_line_messages(messages: list[Message]) -> list:
    """Render the project's messages as LINE message objects."""
    rendered = []
    for message in messages:
        if isinstance(message, Card):
            message = Text(f"{message.title}\n{message.body}", message.buttons)
        quick = None
        if message.buttons:
            quick = QuickReply(items=[
                QuickReplyItem(action=PostbackAction(label=b.label, data=b.data, display_text=b.display_text))
                for b in message.buttons])
        rendered.append(TextMessage(text=message.text, quick_reply=quick))
    return rendered
