"""Sending to Slack: Block Kit within Slack's limits, rate limits waited out, no post twice."""

from __future__ import annotations

import pytest

from bot.channels import build_channels
from bot.channels.slack import SlackChannel
from bot.errors import ChannelError
from bot.events import Button, Card, Text


@pytest.fixture
def slack(slack_config) -> SlackChannel:
    return SlackChannel.from_config(slack_config)


def test_a_text_becomes_a_section_and_its_buttons_an_actions_block(slack, slack_api):
    slack.send(
        "U1",
        [Text("明日 <9時> & 10時", (Button("はい", "offer.accept:7"), Button("いいえ", "offer.decline:7")))],
        reply_token=None,
        retry_key="k1",
    )
    [call] = slack_api.posts()
    section, actions = call.args["blocks"]
    assert section["text"]["text"] == "明日 &lt;9時&gt; &amp; 10時"
    assert [(b["text"]["text"], b["value"]) for b in actions["elements"]] == [
        ("はい", "offer.accept:7"),
        ("いいえ", "offer.decline:7"),
    ]
    assert len({b["action_id"] for b in actions["elements"]}) == 2
    assert call.args["channel"] == "DU1"


def test_a_card_has_a_header_its_body_its_image_and_buttons(slack, slack_api):
    card = Card(
        "回覧板",
        "本文",
        (Button("読みました", "circular.read:3"),),
        image_url="https://example.invalid/a.png",
        alt_text="地図",
    )
    slack.send("U1", [card], reply_token=None, retry_key="k1")
    kinds = [b["type"] for b in slack_api.posted_blocks()]
    assert kinds == ["header", "section", "image", "actions"]
    assert slack_api.posted_blocks()[2]["alt_text"] == "地図"


def test_long_texts_and_labels_are_cut_to_slacks_limits(slack, slack_api):
    text = Text("あ" * 7000, tuple(Button("ラ" * 100, f"x:{i}") for i in range(30)))
    slack.send("U1", [text, Card("題" * 200, "本文")], reply_token=None, retry_key="k1")
    blocks = slack_api.posted_blocks()
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert "".join(b["text"]["text"] for b in blocks if b["type"] == "section") == "あ" * 7000 + "本文"
    assert len(slack_api.posted_buttons()) == 25
    assert all(len(b["text"]["text"]) <= 75 for b in slack_api.posted_buttons())
    assert all(len(b["text"]["text"]) <= 150 for b in blocks if b["type"] == "header")


def test_more_than_fifty_blocks_go_in_several_posts(slack, slack_api):
    slack.send("U1", [Text(f"{i}") for i in range(60)], reply_token=None, retry_key="k1")
    assert [len(c.args["blocks"]) for c in slack_api.posts()] == [50, 10]


def test_a_rate_limit_is_waited_out_and_the_message_posted_once(slack, slack_api):
    slack_api.fail_next(429, count=2, method="chat.postMessage", retry_after=3)
    slack.send("U1", [Text("こんにちは")], reply_token=None, retry_key="k1")
    assert [c.status for c in slack_api.calls if c.method == "chat.postMessage"] == [429, 429, 200]
    assert len(slack_api.posts()) == 1


def test_a_rate_limit_that_lasts_is_a_channel_error(slack, slack_api):
    slack_api.fail_next(429, count=10, method="chat.postMessage")
    with pytest.raises(ChannelError):
        slack.send("U1", [Text("こんにちは")], reply_token=None, retry_key="k1")
    assert len([c for c in slack_api.calls if c.method == "chat.postMessage"]) == slack.retries + 1
    assert slack_api.posts() == []


def test_a_post_whose_answer_was_lost_is_not_posted_again(slack, slack_api):
    slack_api.fail_next(500, method="chat.postMessage", error="fatal_error", accept=True)
    slack.send("U1", [Text("こんにちは")], reply_token=None, retry_key="k1")  # no error: it went out
    assert len(slack_api.posts()) == 1


def test_a_post_that_failed_is_an_error_for_the_outbox_to_retry(slack, slack_api):
    slack_api.fail_next(500, method="chat.postMessage", error="fatal_error")
    with pytest.raises(ChannelError):
        slack.send("U1", [Text("こんにちは")], reply_token=None, retry_key="k1")
    assert slack_api.posts() == []
    slack_api.fail_next(200, method="chat.postMessage", error="channel_not_found")
    with pytest.raises(ChannelError):
        slack.send("U1", [Text("こんにちは")], reply_token=None, retry_key="k2")


def test_multicast_is_one_post_each(slack, slack_api):
    slack.multicast(["U1", "U2", "U3"], [Text("回覧")], retry_key="circular-1")
    assert sorted(c.args["channel"] for c in slack_api.posts()) == ["DU1", "DU2", "DU3"]


def test_profile_tells_name_and_language_and_nothing_when_slack_refuses(slack, slack_api):
    slack_api.users["U1"] = {"real_name": "Alice", "locale": "en-US"}
    assert slack.profile("U1") == {"display_name": "Alice", "language": "en-US"}
    assert slack.profile("W-unknown") == {}


def test_quota_is_unlimited_and_loading_does_nothing(slack, slack_api):
    assert slack.quota() == (None, 0)
    slack.show_loading("U1")
    assert slack_api.calls == []


def test_the_slack_channel_exists_only_with_its_token_and_secret(config, slack_config):
    assert "slack" not in build_channels(config)
    assert "slack" in build_channels(slack_config)
    assert "slack" not in build_channels(slack_config.with_(slack_signing_secret=None))
