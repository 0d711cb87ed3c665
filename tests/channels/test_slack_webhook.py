"""POST /slack/events: Slack's signed events and button presses are stored once and answered."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from app import create_app
from bot import wiring
from bot.channels.slack_render import escape
from bot.i18n import t
from db.models import InboundEvent, Resident
from db.session import Session
from tests.channels.conftest import event_body, sign, user_event

SECRET = "test-signing-secret"


def slack_headers(body: bytes, secret: str = SECRET, at: float | None = None, **extra) -> dict:
    """The headers Slack sends: v0 HMAC-SHA256 of "v0:{timestamp}:{body}"."""
    timestamp = str(int(time.time() if at is None else at))
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=" + digest.hexdigest(), **extra}


def dm(text: str, user: str = "U0ALICE", event_id: str = "Ev0001", **event) -> dict:
    """An event_callback with a person's message in their direct message with the app."""
    now = f"{time.time():.6f}"
    return {
        "token": "unused",
        "team_id": "T0TEAM",
        "api_app_id": "A0APP",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0TEAM", "user_id": "U0BOT", "is_bot": True}],
        "event": {
            "type": "message",
            "channel": f"D{user}",
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": now,
            "event_ts": now,
            "client_msg_id": event_id,
            **event,
        },
    }


def press(value: str, user: str = "U0ALICE", action_ts: str = "1764140000.000100") -> dict:
    """A block_actions payload: the person pressed a button whose value is `value`."""
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "alice", "team_id": "T0TEAM"},
        "api_app_id": "A0APP",
        "trigger_id": "1.2.3",
        "team": {"id": "T0TEAM"},
        "container": {"type": "message", "channel_id": f"D{user}", "message_ts": "1.0"},
        "channel": {"id": f"D{user}"},
        "response_url": "https://hooks.slack.invalid/x",
        "actions": [
            {
                "type": "button",
                "action_id": "kyojo-0",
                "block_id": "b1",
                "value": value,
                "text": {"type": "plain_text", "text": "?"},
                "action_ts": action_ts,
            }
        ],
    }


@pytest.fixture
def slack_app(rt, slack_config, line_api, engine, bind):
    """The app with Slack (to the fake Slack API) and LINE (to the fake LINE API), on the test database."""
    config = slack_config.with_(line_api_host=line_api.url, line_api_data_host=line_api.data_url)
    app = create_app(config)
    started = wiring.start(config, engine=engine)
    Session.configure(bind=bind)
    app.extensions["kyojo"] = started
    return app


@pytest.fixture
def post(slack_app):
    """Post to /slack/events as Slack does: JSON events, form-encoded button presses; signed."""
    client = slack_app.test_client()

    def post(body: dict | bytes, headers: dict | None = None, form: bool = False):
        if isinstance(body, bytes):
            raw = body
        elif form:
            raw = urlencode({"payload": json.dumps(body)}).encode()
        else:
            raw = json.dumps(body, ensure_ascii=False).encode()
        kind = "application/x-www-form-urlencoded" if form else "application/json"
        return client.post("/slack/events", data=raw, headers={"Content-Type": kind, **(headers or slack_headers(raw))})

    return post


def stored() -> list[InboundEvent]:
    with Session() as s:
        return list(s.scalars(select(InboundEvent).order_by(InboundEvent.id)))


def test_a_direct_message_is_stored_once_and_answered_with_blocks(post, slack_api):
    assert post(dm("こんにちは")).status_code == 200
    [event] = stored()
    assert (event.platform, event.event_id, event.status) == ("slack", "Ev0001", "done")
    [call] = slack_api.posts()
    assert call.args["channel"] == "DU0ALICE"  # the IM conversations.open gave
    assert call.args["text"] and call.args["blocks"][0]["type"] == "section"
    assert slack_api.posted_buttons()  # the main menu under the answer


def test_a_retry_with_the_same_event_id_is_not_handled_again(post, slack_api):
    body = json.dumps(dm("ありがとう")).encode()
    post(body)
    assert (
        post(
            body, slack_headers(body, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
        ).status_code
        == 200
    )
    assert len(stored()) == 1
    assert len(slack_api.posts()) == 1


def test_a_button_press_runs_its_postback_handler(post, slack_api):
    assert post(press("menu.usage"), form=True).status_code == 200
    [event] = stored()
    assert (event.event_type, event.event_id) == ("block_actions", "1764140000.000100:U0ALICE")
    assert slack_api.posted_texts()[0] == escape(t("onboarding.usage", "ja"))
    assert post(press("menu.usage"), form=True).status_code == 200  # the same press again
    assert len(slack_api.posts()) == 1


@pytest.mark.parametrize("case", ["missing", "no timestamp", "other secret", "other body", "stale", "from the future"])
def test_a_body_without_slacks_signature_is_refused_and_nothing_is_stored(case, post, slack_api):
    raw = json.dumps(dm("こんにちは")).encode()
    headers = {
        "missing": {"X-Slack-Request-Timestamp": str(int(time.time()))},
        "no timestamp": {"X-Slack-Signature": slack_headers(raw)["X-Slack-Signature"]},
        "other secret": slack_headers(raw, "not-the-signing-secret"),
        "other body": slack_headers(raw + b" "),
        "stale": slack_headers(raw, at=time.time() - 6 * 60),  # a replay of an old request
        "from the future": slack_headers(raw, at=time.time() + 6 * 60),
    }[case]
    assert post(raw, headers).status_code == 400
    assert stored() == []
    assert slack_api.calls == []


def test_url_verification_is_answered_with_the_challenge_and_stores_nothing(post):
    body = {
        "token": "unused",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    answer = post(body)
    assert answer.status_code == 200
    assert answer.get_json() == {"challenge": body["challenge"]}
    assert stored() == []
    raw = json.dumps(body).encode()
    assert post(raw, slack_headers(raw, "not-the-signing-secret")).status_code == 400


@pytest.mark.parametrize(
    "event",
    [
        {"bot_id": "B0BOT", "user": "U0BOT"},  # the bot's own answer, as Slack echoes it
        {"subtype": "bot_message", "bot_id": "B0OTHER"},
        {"subtype": "message_changed", "message": {"text": "edited"}},
        {"subtype": "message_deleted"},
        {"channel_type": "channel", "channel": "C0GENERAL"},  # not a direct message
        {"type": "app_home_opened", "tab": "messages"},
    ],
    ids=["own", "other bot", "edit", "deletion", "channel", "home opened"],
)
def test_the_bots_own_messages_edits_and_other_events_are_not_answered(event, post, slack_api):
    assert post(dm("こんにちは", **event)).status_code == 200
    assert {e.status for e in stored()} <= {"ignored"}
    assert slack_api.posts() == []


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"event": {}}',
        b"payload=%7B%7D",
        b'{"type": "event_callback", "event": {"type": "message"}}',
        b'{"type": "block_actions", "actions": []}',
        b'{"type": "event_callback", "event_id": "Ev1", "event": {"type": "message", "x": NaN}}',
        b'{"type": "event_callback", "event_id": "Ev1", "event": {"type": "message", "x": 1e400}}',
    ],
)
def test_a_malformed_body_is_refused(body, post):
    assert post(body).status_code == 400
    assert stored() == []


def test_a_rate_limited_answer_is_posted_once_after_slacks_wait(post, slack_api):
    slack_api.fail_next(429, method="chat.postMessage", retry_after=1)
    assert post(dm("こんにちは")).status_code == 200
    attempts = [c for c in slack_api.calls if c.method == "chat.postMessage"]
    assert [c.status for c in attempts] == [429, 200]
    assert len(slack_api.posts()) == 1
    assert {e.status for e in stored()} == {"done"}


def test_a_person_whose_slack_locale_is_english_is_answered_in_english(post, slack_api):
    slack_api.users["U0ALICE"] = {"real_name": "Alice Smith", "locale": "en-US"}
    post(press("menu.usage"), form=True)
    assert slack_api.posted_texts()[0] == escape(t("onboarding.usage", "en"))
    with Session() as s:
        alice = s.scalar(select(Resident).where(Resident.platform == "slack"))
        assert (alice.platform_user_id, alice.display_name, alice.language) == ("U0ALICE", "Alice Smith", "en")


def test_a_slack_user_and_a_line_user_are_different_residents(post, slack_app, line_api, slack_api):
    post(dm("こんにちは", user="U0ALICE"))
    line_body = event_body(
        user_event("message", user_id="U0ALICE", message={"id": "1", "type": "text", "text": "こんにちは"})
    )
    client = slack_app.test_client()
    assert (
        client.post(
            "/callback", data=line_body, headers={"X-Line-Signature": sign(line_body, "test-channel-secret")}
        ).status_code
        == 200
    )
    with Session() as s:
        people = s.scalars(select(Resident).order_by(Resident.id)).all()
        assert [(p.platform, p.platform_user_id) for p in people] == [("slack", "U0ALICE"), ("line", "U0ALICE")]
    assert len(slack_api.posts()) == 1 and line_api.delivered("/reply")


def test_without_a_slack_app_configured_the_route_is_not_there(app):
    assert app.test_client().post("/slack/events", data=b"{}").status_code == 404
