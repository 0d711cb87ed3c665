"""POST /callback: LINE's signed bodies are stored once and answered; anything else is refused."""

from __future__ import annotations


import json

import pytest
from sqlalchemy import func, select

from bot.i18n import t
from db.models import InboundEvent, Resident
from db.session import Session
from tests.channels.conftest import event_body, example, example_names, sign, user_event


def stored() -> list[InboundEvent]:
    with Session() as s:
        return list(s.scalars(select(InboundEvent).order_by(InboundEvent.id)))


@pytest.mark.parametrize("name", example_names())
def test_every_documented_example_is_stored_once_and_handled_once(name, post, line_api):
    body = example(name)
    assert post(body).status_code == 200
    calls = len(line_api.requests)
    assert post(body).status_code == 200  # LINE redelivers, or someone replays the body
    ids = {e["webhookEventId"] for e in body["events"]}
    assert sorted(e.event_id for e in stored()) == sorted(ids)
    assert {e.status for e in stored()} <= {"done", "ignored"}
    assert len(line_api.requests) == calls  # nothing sent twice
    assert line_api.violations == []


def test_a_text_from_a_person_is_answered_with_the_reply_token(post, line_api):
    assert post(example("01_signature_validation.json")).status_code == 200
    replies = line_api.delivered("/reply")
    tokens = [r.json["replyToken"] for r in replies]
    assert "757913772c4646b784d4b7ce46d12671" in tokens  # the text
    assert "bb173f4d9cf64aed9d408ab4e36339ad" in tokens  # the follow
    assert line_api.delivered("/push") == []
    assert line_api.violations == []


def test_a_redelivered_event_is_not_handled_again(post, line_api):
    event = user_event("postback", postback={"data": "menu.usage"})
    post(event_body(event))
    sent = len(line_api.sent_messages())
    event["deliveryContext"] = {"isRedelivery": True}
    assert post(event_body(event)).status_code == 200
    assert len(stored()) == 1
    assert len(line_api.sent_messages()) == sent > 0


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", "other-secret", "other-body"])
def test_a_body_without_lines_signature_is_refused_and_nothing_is_stored(signature, post, line_api):
    body = event_body(user_event("follow"))
    if signature == "other-secret":
        signature = sign(body, "not-the-channel-secret")
    elif signature == "other-body":
        signature = sign(body + b" ", "test-channel-secret")
    assert post(body, signature=signature).status_code == 400
    assert stored() == []
    assert line_api.requests == []


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"destination": "U1"}',
        b'{"events": {"type": "follow"}}',
        '{"events": []}'.encode("utf-16"),
        b"[" * 2000 + b"]" * 2000,
        # Python reads these; PostgreSQL stores none of them in a json column
        *(
            json.dumps({"destination": "U1", "events": [user_event("follow", extra=0)]})
            .replace("0}", f"{n}}}")
            .encode()
            for n in ("NaN", "Infinity", "-Infinity", "1e400")
        ),
    ],
)
def test_a_malformed_body_is_refused_with_a_log_line(body, post, caplog):
    assert post(body).status_code == 400
    assert "webhook" in caplog.text and "refused" in caplog.text
    assert stored() == []


def test_a_body_over_one_mebibyte_is_refused(post, caplog):
    event = user_event("message", message={"id": "1", "type": "text", "text": "あ" * 400_000})
    assert post(event_body(event)).status_code == 400
    assert "larger than" in caplog.text
    assert stored() == []


def test_lines_connection_check_without_events_is_answered(post):
    assert post({"destination": "Ubot", "events": []}).status_code == 200
    assert stored() == []


def test_an_event_type_line_adds_later_is_accepted_and_recorded(post, line_api):
    event = user_event("holographicCall", call={"id": "x"})
    assert post(event_body(event)).status_code == 200
    assert [(e.event_type, e.status) for e in stored()] == [("holographicCall", "done")]
    assert line_api.sent_messages() == []


def test_group_chatter_is_recorded_and_not_answered(post, line_api):
    body = example("02_text.json")
    assert post(body).status_code == 200
    assert [e.status for e in stored()] == ["ignored"]
    assert line_api.requests == []
    with Session() as s:
        assert s.scalar(select(func.count()).select_from(Resident)) == 0


def test_a_follow_greets_in_the_language_of_the_persons_line_profile(post, line_api):
    line_api.profiles["Ualice"] = {"displayName": "Alice", "language": "en"}
    post(event_body(user_event("follow", follow={"isUnblocked": False})))
    texts = [m["text"] for m in line_api.sent_messages() if m["type"] == "text"]
    assert texts[0] == t("onboarding.welcome", "en", name="Alice")
    with Session() as s:
        alice = s.scalar(select(Resident))
        assert (alice.display_name, alice.language) == ("Alice", "en")
    assert line_api.violations == []


def test_a_follow_from_a_japanese_profile_greets_in_japanese(post, line_api):
    line_api.profiles["Ualice"] = {"displayName": "山田花子", "language": "ja"}
    post(event_body(user_event("follow", follow={"isUnblocked": False})))
    assert line_api.sent_messages()[0]["text"] == t("onboarding.welcome", "ja", name="山田花子")


def test_a_person_who_writes_sees_the_loading_animation(post, line_api):
    post(event_body(user_event("message", message={"id": "1", "type": "text", "text": "こんにちは"})))
    assert [r.json for r in line_api.delivered("/chat/loading")] == [{"chatId": "Ualice", "loadingSeconds": 20}]
    assert line_api.violations == []
    assert line_api.sent_messages()  # and an answer


def test_an_event_twice_in_one_body_and_one_known_already_are_each_handled_once(post, line_api):
    first = user_event("postback", event_id="01EVENTA", postback={"data": "menu.usage"})
    post(event_body(first))
    sent = len(line_api.sent_messages())
    second = user_event("postback", event_id="01EVENTB", user_id="Ubob", postback={"data": "menu.usage"})
    body = json.dumps({"destination": "Ubot", "events": [first, second, second]}).encode()
    assert post(body).status_code == 200
    assert [e.event_id for e in stored()] == ["01EVENTA", "01EVENTB"]
    assert {e.status for e in stored()} == {"done"}
    assert len(line_api.sent_messages()) == 2 * sent  # bob answered once, alice not again


def test_a_text_longer_than_line_allows_is_read_only_up_to_lines_limit_and_answered(post, line_api):
    from bot.events import MAX_TEXT_CHARS, Inbound
    from bot.channels.line import to_inbound

    long_text = "明日の朝ゴミ出しをお願いできますか。" * 6000  # 108,000 characters
    event = user_event("message", message={"type": "text", "id": "1", "text": long_text})
    assert len(to_inbound(event).text) == MAX_TEXT_CHARS
    assert post(event_body(event)).status_code == 200
    assert {e.status for e in stored()} == {"done"}
    assert line_api.delivered("/reply") and line_api.violations == []
    assert Inbound("line", "U", "text", "e", to_inbound(event).received_at, text="短い").text == "短い"
