"""Talking to the bot as LINE does: signed webhook bodies, RQ on a real Redis, the fake LINE API;
what a person received, read back from what LINE carried."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import select

from app import create_app
from bot import reconcile, wiring
from bot.queue import QUEUE_NAME
from db.models import OutboundMessage, local_now
from db.session import Session
from tests.channels.conftest import event_body, sign, user_event

SECRET = "test-channel-secret"
_events = itertools.count(1)


@pytest.fixture
def line_rq(rt, line_config, redis, redis_url, engine, bind):
    """The app with jobs on Redis and the LINE channel on the fake LINE API (no quick retries
    inside a call, so that a failure is the job's)."""
    config = line_config.with_(jobs_mode="rq", redis_url=redis_url)
    config = config.with_(extra={**config.extra, "line_retries": 0})
    app = create_app(config)
    app.extensions["kyojo"] = wiring.start(config, engine=engine)
    Session.configure(bind=bind)
    return app.test_client()


def drain(redis) -> None:
    """Run what is queued now (a worker); what is scheduled for later waits."""
    SimpleWorker([Queue(QUEUE_NAME, connection=redis)], connection=redis).work(burst=True)


def later(redis, seconds: int = 40) -> None:
    """The reconciler's pass a little later (the worker's timer): rows due again are sent."""
    reconcile.reconcile(local_now() + timedelta(seconds=seconds))
    drain(redis)


def _post(client, event: dict) -> None:
    body = event_body(event)
    answer = client.post(
        "/callback", data=body, headers={"Content-Type": "application/json", "X-Line-Signature": sign(body, SECRET)}
    )
    assert answer.status_code == 200


def say(client, user: str, text: str) -> None:
    n = next(_events)
    _post(
        client,
        user_event(
            "message", user_id=user, event_id=f"01ORDER{n:019d}", message={"id": str(n), "type": "text", "text": text}
        ),
    )


def press(client, user: str, data: str) -> None:
    n = next(_events)
    _post(client, user_event("postback", user_id=user, event_id=f"01ORDER{n:019d}", postback={"data": data}))


def received_messages(line_api, user: str) -> list[dict]:
    """The message objects LINE carried to one user (push, multicast, and replies to their
    events, known by the token), in the order LINE took them."""
    with Session() as session:
        replies = dict(
            session.execute(
                select(OutboundMessage.reply_token, OutboundMessage.user_id).where(
                    OutboundMessage.reply_token.is_not(None)
                )
            ).all()
        )
    found = []
    for request in line_api.delivered():
        body = request.json or {}
        to = body.get("to")
        if to == user or (isinstance(to, list) and user in to) or replies.get(body.get("replyToken")) == user:
            found += body.get("messages", [])
    return found


def received(line_api, user: str) -> list[str]:
    """What one user received, each message as its text (or its JSON, for a card or template)."""
    return [
        m["text"] if m.get("type") == "text" else json.dumps(m, ensure_ascii=False)
        for m in received_messages(line_api, user)
    ]


def postbacks(message: dict) -> dict[str, str]:
    """The postback buttons on a message itself (a template's or a bubble's): label -> data.
    A quick reply is not on the message, so it is not among them."""
    found: dict[str, str] = {}

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "quickReply":
                    continue
                if key == "action" and isinstance(value, dict) and value.get("type") == "postback":
                    found[value["label"]] = value["data"]
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for action in message.get("template", {}).get("actions", []):
        found[action["label"]] = action["data"]
    walk(message.get("contents"))
    return found


def index_of(messages: list[str], words: str) -> int:
    return next(i for i, m in enumerate(messages) if words in m)
