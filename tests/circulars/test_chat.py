"""Circulars in chat: following, recent ones, confirming, and an admin sending from chat."""

from __future__ import annotations

from sqlalchemy import select

from bot.circulars import circulars, subscriptions
from db.models import Circular
from tests import factories
from tests.circulars.conftest import add_followers, launch
from tests.fakes import buttons, texts


def test_free_text_follows_a_district_and_stops_it(chat, session, midori):
    factories.resident(session, user_id="U1")
    got = chat.say("U1", "緑ケ丘の回覧板を受け取りたい")
    assert "緑ケ丘の回覧板を受け取るようにしました" in texts(got)[0]
    got = chat.say("U1", "お知らせはもういりません")
    assert "緑ケ丘の回覧板を止めました" in texts(got)[0]
    assert subscriptions.follower_count(session, midori.id) == 0


def test_follow_by_buttons(chat, session, midori):
    factories.district(session, "八幡")
    factories.resident(session, user_id="U1")
    got = chat.say("U1", "回覧板を受け取りたい")
    assert buttons(got) == ["緑ケ丘", "八幡"]
    got = chat.press("U1", f"subscription.add:{midori.id}")
    assert "緑ケ丘の回覧板を受け取る" in texts(got)[0]


def test_recent_circulars_from_the_menu_and_in_words(chat, session, channel, midori, midori_admin):
    reader = factories.resident(session, user_id="U1", district=midori)
    subscriptions.subscribe(session, reader, midori)
    launch(session, midori_admin, midori, title="夏祭りのお知らせ")
    got = chat.press("U1", "menu.circulars")
    assert "夏祭りのお知らせ" in texts(got)[0]
    assert "夏祭りのお知らせ" in texts(chat.say("U1", "最近の回覧板"))[0]


def test_confirm_by_button_and_by_words(chat, session, channel, midori, midori_admin):
    first, second = add_followers(session, midori, 2)
    circular_id = launch(session, midori_admin, midori, needs_confirmation=True)
    got = chat.press(first, f"circular.confirm:{circular_id}")
    assert "確認ありがとうございます" in texts(got)[0]
    got = chat.say(second, "見ました")
    assert "確認ありがとうございます" in texts(got)[0]
    assert circulars.progress(session, circular_id).confirmed == 2


def test_admin_sees_who_has_not_confirmed(chat, session, channel, midori, midori_admin):
    first, second = add_followers(session, midori, 2)
    circular_id = launch(session, midori_admin, midori, needs_confirmation=True)
    chat.press(first, f"circular.confirm:{circular_id}")
    got = chat.press(midori_admin.platform_user_id, "circular.status")
    assert "送信2人、確認1人、未確認1人" in texts(got)[0]
    assert second in texts(got)[0] and first not in texts(got)[0]


def test_admin_sends_from_chat_after_preview_cost_and_confirm(chat, session, channel, midori, midori_admin):
    add_followers(session, midori, 30)
    channel.quota_limit, channel.quota_used = 1000, 100
    got = chat.say(midori_admin.platform_user_id, "回覧: 清掃活動のお知らせ\n日曜日の朝8時からです。")
    assert texts(got)[0] == "【緑ケ丘の回覧板】清掃活動のお知らせ\n日曜日の朝8時からです。"  # as followers get it
    assert "30人に届きます" in texts(got)[1] and "残り900通" in texts(got)[1]
    assert buttons(got) == ["送信", "やめる"]
    assert channel.multicasts == []
    circular_id = session.scalar(select(Circular.id))
    got = chat.press(midori_admin.platform_user_id, f"circular.send:{circular_id}")
    assert "送信を始めました" in texts(got)[0]
    assert len(channel.multicasts[0][0]) == 30


def test_a_circular_written_on_one_line_is_previewed_as_the_followers_will_get_it(
    chat, session, channel, midori, midori_admin
):
    """No second line: the first sentence is the title, the rest the body; the preview is the
    message the followers get (never a placeholder such as 'circular' for the missing body)."""
    add_followers(session, midori, 2)
    chat.press(midori_admin.platform_user_id, f"admin.compose:{midori.id}")
    got = chat.say(midori_admin.platform_user_id, "12月6日9時から公民館前で大掃除をします。軍手をお持ちください。")
    assert texts(got)[0] == "【緑ケ丘の回覧板】12月6日9時から公民館前で大掃除をします。\n軍手をお持ちください。"
    assert "circular" not in texts(got)[0]
    circular_id = session.scalar(select(Circular.id))
    chat.press(midori_admin.platform_user_id, f"circular.send:{circular_id}")
    sent = channel.multicasts[0][1][0]
    assert (sent.title, sent.body) == (
        "【緑ケ丘の回覧板】12月6日9時から公民館前で大掃除をします。",
        "軍手をお持ちください。",
    )


def test_admin_can_compose_with_the_menu_button(chat, session, channel, midori, midori_admin):
    add_followers(session, midori, 3)
    got = chat.press(midori_admin.platform_user_id, f"admin.compose:{midori.id}")
    assert "1行目にタイトル" in texts(got)[0]
    got = chat.say(midori_admin.platform_user_id, "ごみの日の変更\n来月から火曜日です。")
    assert buttons(got) == ["送信", "やめる"]
    circular_id = session.scalar(select(Circular.id))
    chat.press(midori_admin.platform_user_id, f"circular.cancel:{circular_id}")
    chat.press(midori_admin.platform_user_id, f"circular.send:{circular_id}")
    assert channel.multicasts == []


def test_over_quota_admin_is_stopped_before_sending(chat, session, channel, midori, midori_admin):
    add_followers(session, midori, 30)
    channel.quota_limit, channel.quota_used = 1000, 990
    got = chat.say(midori_admin.platform_user_id, "回覧: 清掃\n日曜日")
    assert "送れません" in texts(got)[1] and buttons(got) == ["やめる"]


def test_non_admin_is_refused_kindly(chat, session, channel, midori):
    add_followers(session, midori, 3)
    factories.resident(session, user_id="U9", district=midori)
    got = chat.say("U9", "回覧: 偽のお知らせ\nこれは届きません")
    assert "地区の担当者だけ" in texts(got)[0]
    got = chat.press("U9", f"admin.compose:{midori.id}")
    assert "地区の担当者だけ" in texts(got)[0]
    assert channel.multicasts == [] and session.scalar(select(Circular.id)) is None


def test_admin_sees_follower_counts(chat, session, midori, midori_admin):
    add_followers(session, midori, 7)
    got = chat.press(midori_admin.platform_user_id, "admin.districts")
    assert "緑ケ丘：7人" in texts(got)[0]
