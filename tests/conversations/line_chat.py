"""Talking to the bot as LINE does, for the simulated people: a signed webhook body per message or
button, and what the fake LINE API received read back as the project's messages (a text with its
quick replies, a buttons template, a Flex card), so the same judges read what LINE carried."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import uuid
from dataclasses import dataclass

from bot.events import Button, Card, Message, Text
from db.models import CITY_TIMEZONE, local_now

_api = None


def fake_line_api():
    """One fake LINE API for the process (a local HTTP server), reset for each conversation."""
    global _api
    if _api is None:
        from tests.line_fake import FakeLineApi

        _api = FakeLineApi()
    return _api


@dataclass
class Sent:
    """Messages LINE carried to one user in one request."""

    user_id: str
    messages: list[Message]


def from_line(message: dict) -> Message:
    """A LINE message object as the project's message (what a person sees, and can press)."""
    kind = message.get("type")
    if kind == "text":
        items = (message.get("quickReply") or {}).get("items") or []
        return Text(message["text"], tuple(_button(i["action"]) for i in items))
    if kind == "template":
        template = message["template"]
        return Text(template.get("text", ""), tuple(_button(a) for a in template.get("actions", ())), lasting=True)
    if kind == "flex":
        bubble = message.get("contents") or {}
        texts = [c.get("text", "") for c in (bubble.get("body") or {}).get("contents", ()) if c.get("type") == "text"]
        buttons = tuple(
            _button(c["action"]) for c in (bubble.get("footer") or {}).get("contents", ()) if c.get("type") == "button"
        )
        if len(texts) >= 2:
            return Card(texts[0], "\n".join(texts[1:]), buttons, alt_text=message.get("altText"))
        return Text(texts[0] if texts else message.get("altText", ""), buttons, lasting=True)
    return Text(message.get("altText") or f"[{kind}]")


def _button(action: dict) -> Button:
    return Button(action.get("label", ""), action.get("data", ""), action.get("displayText"))


class LineRecord:
    """What the fake LINE API carried, by user: replies (known by their token), pushes, multicasts."""

    def __init__(self, api) -> None:
        self.api = api
        self.tokens: dict[str, str] = {}  # reply token -> the user whose event it came with

    @property
    def sent(self) -> list[Sent]:
        found = []
        for request in self.api.delivered():
            body = request.json or {}
            messages = [from_line(m) for m in body.get("messages", ())]
            if request.path.endswith("/reply"):
                found.append(Sent(self.tokens.get(body.get("replyToken"), "?"), messages))
            elif request.path.endswith("/push"):
                found.append(Sent(body.get("to", "?"), messages))
        return found

    @property
    def multicasts(self) -> list[tuple[list[str], list[Message], str]]:
        return [
            (list(r.json.get("to", ())), [from_line(m) for m in r.json.get("messages", ())], "")
            for r in self.api.delivered("/multicast")
        ]

    def to(self, user_id: str) -> list[Message]:
        """Every message LINE carried to one user (not multicasts), in order."""
        return [m for s in self.sent if s.user_id == user_id for m in s.messages]


class LineChat:
    """Say and press as LINE users: each a signed webhook body posted to /callback."""

    _ids = itertools.count(1)

    def __init__(self, client, record: LineRecord, session, secret: str, settle=None) -> None:
        self.client, self.record, self.session, self.secret = client, record, session, secret
        self.channel = record
        self.clock = None
        self.settle = settle  # runs the queued jobs after each post (RQ), when jobs are not eager

    def event(self, user_id: str, kind: str, **fields) -> list[Message]:
        self.session.commit()
        before = len(self.record.to(user_id))
        n = next(self._ids)
        token = uuid.uuid4().hex
        self.record.tokens[token] = user_id
        at = (self.clock or local_now()).replace(tzinfo=CITY_TIMEZONE)
        event = {
            "type": "message" if kind == "text" else kind,
            "mode": "active",
            "timestamp": int(at.timestamp() * 1000),
            "source": {"type": "user", "userId": user_id},
            "webhookEventId": f"01SIM{n:021d}",
            "deliveryContext": {"isRedelivery": False},
            "replyToken": token,
        }
        if kind == "text":
            event["message"] = {"id": str(n), "type": "text", "quoteToken": uuid.uuid4().hex, "text": fields["text"]}
        else:
            event["postback"] = {"data": fields["data"]}
        body = json.dumps({"destination": "Ubot", "events": [event]}, ensure_ascii=False).encode()
        signature = base64.b64encode(hmac.new(self.secret.encode(), body, hashlib.sha256).digest()).decode()
        answer = self.client.post(
            "/callback", data=body, headers={"Content-Type": "application/json", "X-Line-Signature": signature}
        )
        if answer.status_code != 200:
            raise AssertionError(f"the webhook answered {answer.status_code}")
        if self.settle is not None:
            self.settle()
        self.session.expire_all()
        return self.record.to(user_id)[before:]

    def say(self, user_id: str, text: str, **fields) -> list[Message]:
        return self.event(user_id, "text", text=text)

    def press(self, user_id: str, data: str) -> list[Message]:
        return self.event(user_id, "postback", data=data)

    def later(self, **delta) -> None:
        from datetime import timedelta

        self.clock = (self.clock or local_now()) + timedelta(**delta)
