"""LINE events as the project's inbound events (LINE's documented examples)."""

from __future__ import annotations

import pytest

from bot.channels.line import to_inbound
from tests.channels.conftest import example, user_event


def first(name: str):
    return to_inbound(example(name)["events"][0])


@pytest.mark.parametrize(
    "name, kind",
    [
        ("03_image.json", "image"),
        ("05_video.json", "video"),
        ("06_audio.json", "audio"),
        ("07_file.json", "file"),
        ("08_location.json", "location"),
        ("09_sticker.json", "sticker"),
        ("15_unfollow_event.json", "unfollow"),
        ("22_video_viewing_complete_event.json", "other"),
        ("23_beacon_event.json", "other"),
        ("24_account_link_event.json", "other"),
        ("25_membership_event.json", "other"),
        ("12_unsend_event.json", "other"),
    ],
)
def test_each_documented_event_has_its_kind(name, kind):
    assert first(name).kind == kind


def test_a_text_from_a_person():
    inbound = to_inbound(example("01_signature_validation.json")["events"][0])
    assert (inbound.kind, inbound.text, inbound.user_id, inbound.in_group) == (
        "text",
        "Hello, world",
        "U80696558e1aa831...",
        False,
    )
    assert inbound.reply_token == "757913772c4646b784d4b7ce46d12671"
    assert inbound.received_at.isoformat().startswith("2021-07-07T22:40:42")  # Tokyo time


def test_a_postback_and_a_date_pickers_choice():
    assert first("20_postback_event.json").kind == "postback"
    picked = to_inbound(
        user_event("postback", postback={"data": "request.when:12", "params": {"datetime": "2026-11-28T10:00"}})
    )
    assert (picked.data, picked.text) == ("request.when:12", "2026-11-28T10:00")


def test_a_follow_after_a_block_says_unblocked():
    follows = [to_inbound(user_event("follow", follow={"isUnblocked": flag})) for flag in (False, True)]
    assert [(f.kind, f.data) for f in follows] == [("follow", None), ("follow", "unblocked")]


@pytest.mark.parametrize(
    "name, kind",
    [
        ("02_text.json", "text"),
        ("16_join_event.json", "join"),
        ("17_leave_event.json", "leave"),
        ("18_member_join_event.json", "member_joined"),
        ("19_member_leave_event.json", "member_left"),
    ],
)
def test_group_events_are_marked_and_carry_no_person(name, kind):
    inbound = first(name)
    assert (inbound.kind, inbound.in_group, inbound.user_id) == (kind, True, "")


def test_an_event_of_a_standby_channel_carries_no_person():
    assert to_inbound(user_event("follow", mode="standby")).user_id == ""
