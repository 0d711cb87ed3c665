"""The time bank as a resident meets it in chat: balance, giving hours, an admin recording a class."""

from __future__ import annotations

import pytest

from bot.timebank import ledger
from tests import factories
from tests.fakes import buttons, texts


def data_of(messages, label: str) -> str:
    """The postback data of the button labelled `label`."""
    return next(b.data for m in messages for b in m.buttons if b.label == label)


@pytest.fixture
def neighbours(session, rt):
    """さくら was helped by 健 with the garbage; both talk to the bot on the fake platform."""
    district = factories.district(session, "緑ケ丘")
    sakura = factories.resident(session, user_id="Usakura", district=district, display_name="さくら")
    ken = factories.helper(session, user_id="Uken", district=district, display_name="健")
    ledger.settle_task(session, factories.task(session, sakura, ken), 15, config=rt.config)
    session.commit()
    return district, sakura, ken


def test_balance_shows_hours_and_the_latest_help(chat, neighbours):
    got = chat.say("Usakura", "私のポイントはいくつ？")
    assert "1時間45分" in texts(got)[0]
    assert "お手伝い（健さん） -15分" in texts(got)[0]
    assert "はじめのプレゼント +2時間" in texts(got)[0]
    assert "時間を贈る" in buttons(got)


def test_balance_of_a_newcomer_shows_the_starting_grant_once(chat):
    chat.say("Unew", "残高を教えて")
    got = chat.say("Unew", "残高を教えて")
    assert texts(got)[0].startswith("今の時間貯金は 2時間 です。")


def test_giving_hours_to_a_helper_step_by_step(chat, neighbours, channel):
    got = chat.press("Usakura", "timebank.give")
    assert buttons(got) == ["健"]
    got = chat.press("Usakura", data_of(got, "健"))
    assert "健さんに、どれだけ贈りますか？" in texts(got)[0]
    got = chat.press("Usakura", data_of(got, "30分"))
    yes = data_of(got, "はい")
    got = chat.press("Usakura", yes)
    assert "健さんに 30分 を贈りました。今の時間貯金は 1時間15分 です。" in texts(got)[0]
    assert "さくらさんから 30分 の時間が届きました" in texts(channel.to("Uken"))[-1]
    got = chat.press("Usakura", yes)  # pressed twice: given once
    assert "もう届いています" in texts(got)[0]
    assert len(channel.to("Uken")) == 1


@pytest.mark.parametrize(
    "text",
    ["時間を贈りたい", "健さんにお礼に時間をあげたいんやけど", "じかんをおくりたいです", "I'd like to give some time"],
)
def test_giving_hours_asked_in_words_starts_as_the_button_does(text, chat, neighbours):
    got = chat.say("Usakura", text)
    assert buttons(got) == ["健"]  # whom to give to, as after 時間を贈る


def test_a_gift_past_the_floor_is_refused_kindly(chat, neighbours, session, rt):
    district, sakura, ken = neighbours
    ledger.give(session, sakura.id, ken.id, 105 + 600 - 10, config=rt.config)  # 10 minutes left above the floor
    session.commit()
    got = chat.press("Usakura", f"timebank.give_to:{ken.id}")
    got = chat.press("Usakura", data_of(got, "15分"))
    got = chat.press("Usakura", data_of(got, "はい"))
    assert "時間貯金が足りないので贈れませんでした" in texts(got)[0]


def test_hours_cannot_be_given_to_a_stranger_by_a_forged_button(chat, neighbours, session):
    stranger = factories.resident(session, user_id="Ustranger")
    session.commit()
    got = chat.press("Usakura", f"timebank.give_confirm:{stranger.id}:60:{'0' * 36}")
    assert "その方には贈れません" in texts(got)[0]
    assert ledger.balance(session, stranger.id) == 0


def test_admin_records_a_class_in_chat_and_the_master_is_thanked(chat, session, channel):
    district = factories.district(session, "八幡")
    factories.admin(session, district, user_id="Uadmin")
    master = factories.helper(
        session, user_id="Umaster", district=district, display_name="大工の松本", experience="大工を40年"
    )
    session.commit()
    got = chat.press("Uadmin", "timebank.teach")
    got = chat.press("Uadmin", data_of(got, "大工の松本"))
    got = chat.press("Uadmin", data_of(got, "5人"))
    got = chat.press("Uadmin", data_of(got, "1時間30分"))
    assert "（5人 × 1時間30分）で、7時間30分 を記録します" in texts(got)[0]
    got = chat.press("Uadmin", data_of(got, "はい"))
    assert "大工の松本さんに 7時間30分 を記録しました" in texts(got)[0]
    assert "5人の教室のお礼として 7時間30分" in texts(channel.to("Umaster"))[-1]
    assert ledger.balance(session, master.id) == 120 + 450
    assert ledger.community_balance(session, district.id) == -450


def test_a_resident_who_is_not_an_admin_cannot_record_a_class(chat, neighbours):
    got = chat.press("Usakura", "timebank.teach")
    assert "地区の担当者だけ" in texts(got)[0]
