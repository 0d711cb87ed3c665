"""People without a smartphone get circulars and safety checks through their proxy."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot import jobs
from bot.circulars import circulars, fanout, subscriptions
from db.models import Circular, Delivery, DeliveryBatch, HelpRequest
from tests import factories
from tests.circulars.conftest import add_followers, launch
from tests.circulars.test_safety import start_check
from tests.fakes import buttons, texts


def recipients_of(channel) -> list[str]:
    return [user for users, _, _ in channel.multicasts for user in users]


def pushed_to(channel, user_id: str) -> list:
    """What the fan-out pushed to one person (not the chat's replies)."""
    return [m for s in channel.sent if s.user_id == user_id and s.reply_token is None for m in s.messages]


def button_data(messages: list) -> list[str]:
    return [b.data for m in messages for b in m.buttons]


@pytest.fixture
def proxy(session, midori):
    return factories.resident(session, district=midori, display_name="田中 一郎")


@pytest.fixture
def hanako(session, midori, proxy):
    """Lives in 緑ケ丘 without a phone; her son 一郎 reads for her."""
    return factories.resident(session, platform="none", district=midori, proxy_id=proxy.id, display_name="田中 花子")


def test_proxy_gets_the_circular_for_the_person_and_confirms_it(
    chat, session, channel, midori, midori_admin, proxy, hanako
):
    followers = add_followers(session, midori, 3)
    circular_id = launch(session, midori_admin, midori, needs_confirmation=True)
    assert sorted(recipients_of(channel)) == sorted(followers)  # the multicast is unchanged
    got = pushed_to(channel, proxy.platform_user_id)
    assert "田中 花子さんへの回覧板です" in texts(got)[0]
    assert "防災訓練のお知らせ" in texts(got)[1]
    assert button_data(got) == [f"circular.confirm:{circular_id}:{hanako.id}"]
    assert "確認ありがとう" in texts(chat.press(proxy.platform_user_id, button_data(got)[0]))[0]
    assert circulars.delivery(session, circular_id, hanako.id).confirmed_at is not None
    assert circulars.progress(session, circular_id).confirmed == 1


def test_proxy_answers_the_safety_check_and_the_admin_counts_the_person(
    chat, session, channel, midori, midori_admin, proxy, hanako
):
    add_followers(session, midori, 2)
    neighbour = factories.resident(session, district=midori, display_name="佐藤 民生委員")
    jiro = factories.resident(
        session, platform="none", district=midori, proxy_id=neighbour.id, display_name="山本 次郎"
    )
    check_id = start_check(chat, session, midori_admin, midori)
    asked = pushed_to(channel, proxy.platform_user_id)
    assert "田中 花子さんの安否確認です" in texts(asked)[0]
    assert button_data(asked) == [f"safety.safe:{check_id}:{hanako.id}", f"safety.need_help:{check_id}:{hanako.id}"]
    got = chat.press(proxy.platform_user_id, f"safety.safe:{check_id}:{hanako.id}")
    assert "田中 花子さんはご無事" in texts(got)[0]
    got = chat.press(neighbour.platform_user_id, f"safety.need_help:{check_id}:{jiro.id}")
    assert any("山本 次郎さんのこと" in text for text in texts(got))
    status = texts(chat.press(midori_admin.platform_user_id, "safety.status"))[0]
    assert "無事1人、助けが必要1人、未回答2人" in status
    alert = texts(channel.to(midori_admin.platform_user_id))
    assert any("【至急】山本 次郎さん" in text for text in alert)
    request = session.scalar(select(HelpRequest))
    assert (request.resident_id, request.created_by_id, request.urgent) == (jiro.id, neighbour.id, True)


def test_a_stranger_pressing_the_persons_button_is_refused(chat, session, channel, midori, midori_admin, proxy, hanako):
    stranger = add_followers(session, midori, 1)[0]
    check_id = start_check(chat, session, midori_admin, midori)
    got = chat.press(stranger, f"safety.need_help:{check_id}:{hanako.id}")
    assert "ご本人か代理の方だけ" in texts(got)[0]
    got = chat.press(stranger, f"circular.confirm:{check_id}:{hanako.id}")
    assert "ご本人か代理の方だけ" in texts(got)[0]
    counts = circulars.progress(session, check_id)
    assert (counts.safe, counts.need_help) == (0, 0)
    assert session.scalar(select(HelpRequest)) is None


def test_a_proxy_who_follows_gets_their_own_copy_as_well(chat, session, channel, midori, midori_admin, proxy, hanako):
    subscriptions.subscribe(session, proxy, midori)
    check_id = start_check(chat, session, midori_admin, midori)
    own = [m for users, messages, _ in channel.multicasts if proxy.platform_user_id in users for m in messages]
    for_hanako = pushed_to(channel, proxy.platform_user_id)
    assert button_data(own) == [f"safety.safe:{check_id}", f"safety.need_help:{check_id}"]
    assert "花子" not in texts(own)[0] and "田中 花子さん" in texts(for_hanako)[0]
    chat.press(proxy.platform_user_id, f"safety.need_help:{check_id}:{hanako.id}")
    chat.say(proxy.platform_user_id, "無事です")  # in words: their own answer
    answers = dict(
        session.execute(select(Delivery.resident_id, Delivery.answer).where(Delivery.circular_id == check_id)).all()
    )
    assert answers == {proxy.id: "safe", hanako.id: "need_help"}


def test_the_reminder_reaches_the_proxy_once(chat, rt, session, channel, midori, midori_admin, proxy, hanako):
    start_check(chat, session, midori_admin, midori)
    assert rt.jobs.run_delayed() == 1
    check_id = session.scalar(select(Circular.id))
    jobs.remind_safety(check_id)  # run twice: nothing more
    pushes = [texts(s.messages) for s in channel.sent if s.user_id == proxy.platform_user_id]
    assert len(pushes) == 2 and "田中 花子さん" in pushes[1][0]
    assert "お返事がまだ" in pushes[1][1]
    assert buttons(channel.sent[-1].messages) == ["無事です", "助けが必要"]


def test_without_an_active_proxy_nothing_is_sent_for_them(session, channel, midori, midori_admin, proxy, hanako):
    add_followers(session, midori, 2)
    assert subscriptions.follower_count(session, midori.id) == 3  # 花子 through her son
    proxy.active = False  # the son blocked the account
    session.flush()
    circular_id = launch(session, midori_admin, midori)
    assert channel.sent == []
    assert circulars.progress(session, circular_id).skipped == 0  # not planned at all
    assert subscriptions.follower_count(session, midori.id) == 2


def test_represented_people_among_many_followers_each_get_it_once(
    session, channel, midori, midori_admin, proxy, hanako
):
    first = add_followers(session, midori, 300)
    jiro = factories.resident(session, platform="none", district=midori, proxy_id=proxy.id, display_name="田中 次郎")
    rest = add_followers(session, midori, 400)  # 花子 and 次郎 fall inside the first batch
    circular_id = launch(session, midori_admin, midori)
    assert sorted(recipients_of(channel)) == sorted(first + rest)
    names = [texts(s.messages)[0] for s in channel.sent]
    assert sorted(names) == sorted(
        [
            "田中 花子さんへの回覧板です（代理でお届けしています）。",
            "田中 次郎さんへの回覧板です（代理でお届けしています）。",
        ]
    )
    assert circulars.progress(session, circular_id).sent == 702
    assert circulars.delivery(session, circular_id, jiro.id).status == "sent"


def test_a_push_for_a_person_resent_after_a_crash_goes_out_once(session, channel, midori, midori_admin, proxy, hanako):
    add_followers(session, midori, 2)
    circular_id = launch(session, midori_admin, midori)
    # The worker died after the push to 花子's son and before her batch was marked sent.
    session.execute(update(DeliveryBatch).values(status="pending", sent=0))
    session.get(Circular, circular_id).status = "sending"
    session.commit()
    jobs.send_circular(circular_id)
    assert len(channel.sent) == 1  # the same retry key: the repeat was a no-op
    assert channel.sent[0].retry_key == fanout.retry_key(circular_id, "proxy", "resident", hanako.id)
    assert circulars.delivery(session, circular_id, hanako.id).status == "sent"
