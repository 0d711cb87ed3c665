"""A choice that must survive later messages: its buttons are on the message itself on LINE (a
buttons template when it fits LINE's limits, else a Flex bubble), on Slack (an actions block) and on
the local chat page (LINE's JSON); checked against LINE's spec by the fake LINE API."""

from __future__ import annotations

import uuid

import pytest

from bot.channels.line import LineChannel
from bot.channels.slack import SlackChannel
from bot.events import Button, Text, message_from_dict, message_to_dict
from tests import line_spec

SAFE = (Button("無事です", "safety.safe:7", "無事です"), Button("助けが必要", "safety.need_help:7", "助けが必要"))


@pytest.fixture
def line(line_config) -> LineChannel:
    return LineChannel.from_config(line_config)


def test_a_short_lasting_choice_is_a_buttons_template_and_no_quick_reply(line, line_api):
    line.send("U1", [Text("ご無事ですか？", SAFE, lasting=True)], reply_token=None, retry_key=str(uuid.uuid4()))
    [message] = line_api.sent_messages()
    assert message["type"] == "template" and "quickReply" not in message
    assert message["template"]["type"] == "buttons" and message["template"]["text"] == "ご無事ですか？"
    assert [a["data"] for a in message["template"]["actions"]] == ["safety.safe:7", "safety.need_help:7"]
    assert message["altText"] == "ご無事ですか？"
    assert line_api.violations == []


@pytest.mark.parametrize(
    "text, buttons",
    [
        ("あ" * 161, SAFE),  # longer than a template's text
        ("どなたに頼みますか", tuple(Button(f"サポーター{i}", f"request.assign:1:{i}") for i in range(5))),
        ("どなたに頼みますか", (Button("とても長いお名前のサポーターさん（緑ケ丘三丁目）", "request.assign:1:1"),)),
    ],
    ids=["long-text", "five-buttons", "long-label"],
)
def test_a_lasting_choice_that_does_not_fit_a_template_is_a_bubble_with_every_button(line, line_api, text, buttons):
    line.send("U1", [Text(text, buttons, lasting=True)], reply_token=None, retry_key=str(uuid.uuid4()))
    [message] = line_api.sent_messages()
    assert message["type"] == "flex" and "quickReply" not in message
    footer = message["contents"]["footer"]["contents"]
    assert [b["action"]["data"] for b in footer] == [b.data for b in buttons]
    assert line_api.violations == []


def test_a_later_shortcut_does_not_take_the_choice_away(line, line_api):
    later = Text("ほかに何かありますか", (Button("使い方", "menu.usage", "使い方"),))
    line.send("U1", [Text("ご無事ですか？", SAFE, lasting=True), later], reply_token=None, retry_key=str(uuid.uuid4()))
    choice, shortcut = line_api.sent_messages()
    assert len(choice["template"]["actions"]) == 2 and "quickReply" not in choice
    assert shortcut["quickReply"]["items"][0]["action"]["data"] == "menu.usage"


def test_the_fake_line_api_refuses_templates_beyond_lines_limits():
    five = [{"type": "postback", "label": f"b{i}", "data": f"d{i}"} for i in range(5)]
    body = {
        "to": "U1",
        "messages": [
            {
                "type": "template",
                "altText": "a" * 401,
                "template": {"type": "buttons", "title": "題", "text": "t" * 61, "actions": five},
            }
        ],
    }
    found = line_spec.problems("PushMessageRequest", body)
    assert any("altText" in p for p in found) and any("text longer than 60" in p for p in found)
    assert any("more than 4 actions" in p for p in found)


def test_a_lasting_choice_survives_the_outbox_table():
    message = Text("ご無事ですか？", SAFE, lasting=True)
    assert message_from_dict(message_to_dict(message)) == message
    assert message_from_dict(message_to_dict(Text("はい", SAFE))).lasting is False


def test_on_slack_a_lasting_choice_is_an_actions_block(slack_config, slack_api):
    slack = SlackChannel.from_config(slack_config)
    slack.send("U1", [Text("ご無事ですか？", SAFE, lasting=True)], reply_token=None, retry_key="k1")
    [call] = slack_api.posts()
    section, actions = call.args["blocks"]
    assert section["text"]["text"] == "ご無事ですか？"
    assert [b["value"] for b in actions["elements"]] == ["safety.safe:7", "safety.need_help:7"]
