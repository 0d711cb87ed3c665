"""The LINE channel's tests: the app on the test database, signed webhook bodies, LINE's examples."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from app import create_app
from bot import wiring
from db.session import Session

EXAMPLES = Path(__file__).resolve().parent / "line_openapi" / "webhook-examples"


def sign(body: bytes, secret: str) -> str:
    """X-Line-Signature as LINE computes it: base64 of HMAC-SHA256 of the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def example(name: str) -> dict:
    """The body of one of LINE's documented webhook examples."""
    return json.loads((EXAMPLES / name).read_text())["body"]


def example_names() -> list[str]:
    return sorted(p.name for p in EXAMPLES.glob("*.json"))


def event_body(event: dict) -> bytes:
    """A webhook body with one event, as LINE posts it."""
    return json.dumps({"destination": "Ubot", "events": [event]}, ensure_ascii=False).encode()


def user_event(kind: str, user_id: str = "Ualice", event_id: str = "01EVENT0000000000000000001", **fields) -> dict:
    """One event from a person in a one-to-one chat."""
    return {
        "type": kind,
        "mode": "active",
        "timestamp": 1764140000000,
        "replyToken": f"token-{event_id}",
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": False},
        **fields,
    }


@pytest.fixture
def line_app(rt, line_config, engine, bind):
    """The Flask app with the LINE channel talking to the fake LINE API, on the test database."""
    app = create_app(line_config)  # after `rt`, whose runtime this one replaces
    started = wiring.start(line_config, engine=engine)  # the test's database, not a new one
    Session.configure(bind=bind)
    app.extensions["kyojo"] = started
    return app


@pytest.fixture
def post(line_app, line_config):
    """Post a body to /callback, signed with the channel secret unless told otherwise."""
    client = line_app.test_client()

    def post(body: bytes | dict, signature: str | None = None):
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Line-Signature": sign(raw, line_config.line_channel_secret) if signature is None else signature,
        }
        return client.post("/callback", data=raw, headers=headers)

    return post
