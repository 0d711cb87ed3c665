"""Sending through LINE: what reaches the (fake) Messaging API, within LINE's limits, once."""

from __future__ import annotations

import logging
import time
import uuid

import pytest

from bot.channels.line import LineChannel
from bot.errors import ChannelError
from bot.events import Button, Card, Text


@pytest.fixture
def line(line_config) -> LineChannel:
    return LineChannel.from_config(line_config)


def key() -> str:
    return str(uuid.uuid4())


def buttons(n: int) -> tuple[Button, ...]:
    return tuple(Button(f"選択{i}", f"area.pick:{i}", f"選択{i}") for i in range(n))


def test_a_text_with_buttons_is_a_text_with_postback_quick_replies(line, line_api):
    line.send("U1", [Text("どちらにしますか", buttons(2))], reply_token="r1", retry_key=key())
    [message] = line_api.sent_messages()
    assert message["text"] == "どちらにしますか"
    assert [i["action"] for i in message["quickReply"]["items"]] == [
        {"type": "postback", "label": "選択0", "data": "area.pick:0", "displayText": "選択0"},
        {"type": "postback", "label": "選択1", "data": "area.pick:1", "displayText": "選択1"},
    ]
    assert line_api.calls("/reply")[0].json["replyToken"] == "r1"
    assert line_api.violations == []


def test_a_card_is_a_flex_bubble_with_picture_title_body_and_buttons(line, line_api):
    card = Card("ごみ出しのお手伝い", "明日の朝8時、緑ケ丘", buttons(2), image_url="https://example.org/a.png")
    line.send("U1", [card], reply_token=None, retry_key=key())
    [message] = line_api.sent_messages()
    bubble = message["contents"]
    assert message["type"] == "flex" and message["altText"].startswith("ごみ出しのお手伝い")
    assert bubble["hero"]["url"] == "https://example.org/a.png"
    assert [c["text"] for c in bubble["body"]["contents"]] == ["ごみ出しのお手伝い", "明日の朝8時、緑ケ丘"]
    assert [b["action"]["data"] for b in bubble["footer"]["contents"]] == ["area.pick:0", "area.pick:1"]
    assert line_api.violations == []


def test_a_card_without_an_https_picture_or_buttons_is_still_sent(line, line_api):
    line.send(
        "U1",
        [Card("お知らせ", "本文", image_url="http://example.org/a.png", alt_text="代替")],
        reply_token=None,
        retry_key=key(),
    )
    [message] = line_api.sent_messages()
    assert "hero" not in message["contents"] and "footer" not in message["contents"]
    assert message["altText"] == "代替"
    assert line_api.violations == []


def test_more_than_five_messages_reply_five_and_push_the_rest(line, line_api):
    line.send("U1", [Text(f"{i}") for i in range(7)], reply_token="r1", retry_key=key())
    assert [len(r.json["messages"]) for r in line_api.delivered()] == [5, 2]
    assert [r.path for r in line_api.delivered()] == ["/v2/bot/message/reply", "/v2/bot/message/push"]
    assert [m["text"] for m in line_api.sent_messages()] == [str(i) for i in range(7)]
    assert line_api.violations == []


def test_eleven_pushed_messages_go_in_three_requests_with_their_own_retry_keys(line, line_api):
    line.send("U1", [Text(f"{i}") for i in range(11)], reply_token=None, retry_key=key())
    pushes = line_api.delivered("/push")
    assert [len(r.json["messages"]) for r in pushes] == [5, 5, 1]
    assert len({r.headers["x-line-retry-key"] for r in pushes}) == 3


def test_thirteen_choices_are_quick_replies_and_more_become_a_card_with_all_of_them(line, line_api):
    line.send("U1", [Text("地区を選んでください", buttons(13))], reply_token=None, retry_key=key())
    assert len(line_api.sent_messages()[0]["quickReply"]["items"]) == 13
    line.send("U1", [Text("地区を選んでください", buttons(20))], reply_token=None, retry_key=key())
    card = line_api.sent_messages()[1]
    assert card["type"] == "flex" and "quickReply" not in card
    assert card["contents"]["body"]["contents"][0]["text"] == "地区を選んでください"
    pressed = [b["action"]["data"] for b in card["contents"]["footer"]["contents"]]
    assert pressed == [b.data for b in buttons(20)]  # LINE would have dropped the last seven
    assert line_api.violations == []


def test_a_long_text_is_split_at_line_breaks_and_keeps_its_buttons_last(line, line_api):
    text = "\n".join(["あ" * 99] * 120)  # 11999 characters
    line.send("U1", [Text(text, buttons(1))], reply_token=None, retry_key=key())
    parts = line_api.sent_messages()
    assert len(parts) == 3 and all(len(p["text"]) <= 5000 for p in parts)
    assert "\n".join(p["text"] for p in parts) == text
    assert [("quickReply" in p) for p in parts] == [False, False, True]
    assert line_api.violations == []


def test_long_labels_and_display_texts_are_shortened_long_data_left_out(line, line_api):
    long = Button("とても長いボタンの名前がここに書かれています", "area.ok", "は" * 400)
    too_much = Button("だめ", "area.x:" + "9" * 400)
    line.send("U1", [Text("どうぞ", (long, too_much))], reply_token=None, retry_key=key())
    [item] = line_api.sent_messages()[0]["quickReply"]["items"]
    assert len(item["action"]["label"]) == 20 and item["action"]["label"].endswith("…")
    assert len(item["action"]["displayText"]) == 300
    assert line_api.violations == []


def test_a_429_is_retried_and_the_message_delivered_once(line, line_api):
    line_api.fail_next(429, path="/push", retry_after=0)
    line.send("U1", [Text("こんにちは")], reply_token=None, retry_key=key())
    assert [r.status for r in line_api.calls("/push")] == [429, 200]
    assert len(line_api.sent_messages()) == 1


def test_retry_after_is_respected(line, line_api):
    line_api.fail_next(429, path="/push", retry_after=1)
    started = time.monotonic()
    line.send("U1", [Text("こんにちは")], reply_token=None, retry_key=key())
    assert time.monotonic() - started >= 1
    assert len(line_api.delivered("/push")) == 1


def test_a_storm_of_500s_ends_in_a_channel_error_after_bounded_retries(line, line_api, caplog):
    line_api.fail_next(500, count=100)
    with pytest.raises(ChannelError):
        line.send("U1", [Text("こんにちは")], reply_token=None, retry_key=key())
    assert len(line_api.calls("/push")) == line.retries + 1
    assert "x-line-request-id" in caplog.text
    assert line_api.sent_messages() == []


def test_a_refusal_is_not_retried_and_is_logged_with_lines_request_id(line, line_api, caplog):
    line_api.fail_next(403, path="/push", message="Access to this API is not available")
    with caplog.at_level(logging.WARNING), pytest.raises(ChannelError):
        line.send("U1", [Text("こんにちは")], reply_token=None, retry_key=key())
    assert len(line_api.calls("/push")) == 1
    assert "403" in caplog.text and "x-line-request-id" in caplog.text


def test_a_push_retried_with_the_same_key_is_delivered_once(line, line_api):
    retry_key = key()
    line_api.fail_next(500, path="/push", accept=True)  # LINE took it, the answer was lost
    line.send("U1", [Text("こんにちは")], reply_token=None, retry_key=retry_key)
    line.send("U1", [Text("こんにちは")], reply_token=None, retry_key=retry_key)  # the job again
    assert [r.status for r in line_api.calls("/push")] == [500, 409, 409]
    assert len(line_api.sent_messages()) == 1


def test_a_retry_key_that_is_not_a_uuid_still_makes_the_push_idempotent(line, line_api):
    for _ in range(2):
        line.send("U1", [Text("回覧板")], reply_token=None, retry_key="circular-3-U1")
    assert len(line_api.sent_messages()) == 1
    assert line_api.violations == []


def test_an_expired_reply_token_falls_back_to_a_push(line, line_api):
    line_api.fail_next(400, path="/reply", message="Invalid reply token")
    line.send("U1", [Text("こんにちは")], reply_token="old", retry_key=key())
    assert [r.status for r in line_api.calls("/v2/bot/message")] == [400, 200]
    assert line_api.delivered()[0].path == "/v2/bot/message/push"


def test_a_reply_token_used_twice_falls_back_to_a_push(line, line_api):
    line.send("U1", [Text("一回目")], reply_token="r1", retry_key=key())
    line.send("U1", [Text("二回目")], reply_token="r1", retry_key=key())
    assert [r.path.rsplit("/", 1)[1] for r in line_api.delivered()] == ["reply", "push"]


def test_multicast_sends_to_up_to_500_people_once_per_retry_key(line, line_api):
    people = [f"U{i}" for i in range(500)]
    retry_key = key()
    line.multicast(people, [Text(f"{i}") for i in range(6)], retry_key=retry_key)
    line.multicast(people, [Text(f"{i}") for i in range(6)], retry_key=retry_key)
    sent = line_api.delivered("/multicast")
    assert [len(r.json["messages"]) for r in sent] == [5, 1]
    assert all(len(r.json["to"]) == 500 for r in sent)
    assert line_api.violations == []
    with pytest.raises(ValueError):
        line.multicast(people + ["U500"], [Text("x")], retry_key=key())


def test_multicast_retries_a_429(line, line_api):
    line_api.fail_next(429, path="/multicast", retry_after=0)
    line.multicast(["U1", "U2"], [Text("回覧板")], retry_key=key())
    assert [r.status for r in line_api.calls("/multicast")] == [429, 200]


def test_quota_tells_the_limit_and_this_months_use(line, line_api):
    line_api.quota, line_api.consumption = 200, 42
    assert line.quota() == (200, 42)
    line_api.quota = None
    assert line.quota() == (None, 42)


def test_profile_tells_name_and_language_and_nothing_when_line_refuses(line, line_api):
    line_api.profiles["U1"] = {"displayName": "Alice", "language": "en"}
    assert line.profile("U1") == {"display_name": "Alice", "language": "en"}
    line_api.fail_next(404, path="/profile")
    assert line.profile("U1") == {}


def test_show_loading_starts_the_animation(line, line_api):
    line.show_loading("U1")
    [call] = line_api.calls("/chat/loading/start")
    assert (call.status, call.json) == (202, {"chatId": "U1", "loadingSeconds": 20})
    assert line_api.violations == []


def test_buttons_under_an_earlier_message_move_under_the_last_one_where_line_shows_them(line, line_api):
    line.send(
        "U1",
        [Text("お住まいの地区を選んでください", buttons(2)), Text("あとで変えられます")],
        reply_token="r1",
        retry_key=key(),
    )
    first, last = line_api.sent_messages()
    assert "quickReply" not in first
    assert [i["action"]["label"] for i in last["quickReply"]["items"]] == ["選択0", "選択1"]
    assert line_api.violations == []


def test_every_shape_of_message_sent_reads_back_the_same_with_line_bot_sdk_s_models(line, line_api):
    """The messages are built as LINE's JSON, not as the SDK's models: the SDK's models read
    each back to the very same JSON (no field misnamed, none lost), and the fake API finds
    them as LINE's spec says."""
    from linebot.v3.messaging import Message as LineMessage

    shapes = [
        Text("ひとこと"),
        Text("どちらにしますか", buttons(3)),
        Text("たくさん", buttons(14)),
        Text("残るボタン", buttons(2), lasting=True),
        Text("長い" * 3000, buttons(1)),
        Card("お願い", "ゴミ出し", buttons(2), image_url="https://example.com/a.png"),
        Card("お知らせ", "本文", alt_text="お知らせです"),
    ]
    for shape in shapes:
        line.send("U1", [shape], reply_token=None, retry_key=key())
    sent = line_api.sent_messages()
    assert len(sent) == len(shapes) + 1  # the long text is two messages
    for message in sent:
        assert LineMessage.from_dict(message).to_dict() == message
    assert line_api.violations == []
