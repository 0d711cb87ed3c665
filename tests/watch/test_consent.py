"""A daughter asks for her mother's daily check-in: nothing starts until the mother agrees, she
can say no, she can stop it at any time; a 民生委員 joins as a watcher and is told like family."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.events import Card
from db.models import CheckIn, CheckInRequest, Watcher
from tests import factories
from tests.fakes import texts
from tests.handlers.talk import press
from tests.watch.talk import MONDAY, at, sign_up


def _setup(session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="HANA", district=midori, display_name="山田 花子", address="緑ケ丘3-2-1")
    factories.resident(session, user_id="DAUGHTER", display_name="娘")
    return midori


def _ask_for_mother(chat, name: str = "山田花子さん", at_time: str = "7:00") -> list:
    got = chat.say("DAUGHTER", "見守りをお願いしたい")
    got = press(chat, "DAUGHTER", "家族（親など）", got)
    assert "お名前" in texts(got)[-1]
    got = chat.say("DAUGHTER", name)
    assert "何時ごろ" in texts(got)[-1]
    got = press(chat, "DAUGHTER", at_time, got) if ":" in at_time else chat.say("DAUGHTER", at_time)
    for label in ("毎日", "3時間", "家族・民生委員"):
        got = press(chat, "DAUGHTER", label, got)
    return got


def _consent_card(chat) -> Card:
    return next(m for m in reversed(chat.channel.to("HANA")) if isinstance(m, Card) and "お申し込み" in m.title)


def test_nothing_starts_until_the_mother_agrees_then_she_is_greeted_and_her_daughter_watches(chat, session):
    _setup(session)
    chat.clock = MONDAY - timedelta(days=1)
    got = _ask_for_mother(chat)
    assert "確認をお送りしました" in texts(got)[0]
    card = _consent_card(chat)
    assert "娘さん" in card.body and "7:00" in card.body and "毎日" in card.body
    assert session.scalar(select(CheckIn)) is None
    at(chat, MONDAY.replace(hour=7, minute=5))  # no consent yet: no greeting
    assert not any(isinstance(m, Card) and m.title == "おはようございます" for m in chat.channel.to("HANA"))
    got = chat.press("DAUGHTER", card.buttons[0].data)  # only the mother answers for herself
    assert "古く" in texts(got)[0] and session.scalar(select(CheckIn)) is None
    got = chat.press("HANA", card.buttons[0].data)
    assert "見守りを始めました" in texts(got)[0] and got[0].buttons[0].label == "見守りをやめる"
    told = texts(chat.channel.to("DAUGHTER"))
    assert any("同意されました" in text for text in told) and any("見守りコード" in text for text in told)
    watcher = session.scalar(select(Watcher))
    assert watcher.role == "family" and watcher.resident.display_name == "娘"
    assert session.scalar(select(CheckInRequest.status)) == "agreed"
    at(chat, MONDAY.replace(hour=7, minute=5) + timedelta(days=1))
    assert [m for m in chat.channel.to("HANA") if isinstance(m, Card)][-1].title == "おはようございます"
    got = chat.press("HANA", "watch.stop")  # whenever she wants
    assert "止めました" in texts(got)[0]
    assert "止まりました" in texts(chat.channel.to("DAUGHTER"))[-1]
    greetings = len(chat.channel.to("HANA"))
    at(chat, MONDAY.replace(hour=7, minute=5) + timedelta(days=2))
    assert len(chat.channel.to("HANA")) == greetings
    assert chat.press("HANA", card.buttons[0].data) and session.scalar(select(CheckIn.active)) is False
    assert not any("緑ケ丘3-2-1" in text for text in texts(chat.channel.to("DAUGHTER")))  # not her address


@pytest.mark.parametrize(
    ("name", "at_time", "clock"),
    [("山田花子です", "毎朝", "9:00"), ("母の名前は山田 花子といいます。", "夕方に", "17:00")],
)
def test_a_name_and_a_time_answered_in_a_sentence_reach_the_mother(name, at_time, clock, chat, session):
    """「山田花子です」 is the name 山田花子 (not 「山田花子ですさん」), and 「毎朝」 at the time
    question is the morning's usual hour: the mother is asked, as with a pressed time."""
    _setup(session)
    got = _ask_for_mother(chat, name, at_time)
    assert "確認をお送りしました" in texts(got)[0], texts(got)
    assert "花子さん" in texts(got)[0] and "ですさん" not in texts(got)[0] and "さんさん" not in texts(got)[0]
    card = _consent_card(chat)
    assert clock in card.body and session.scalar(select(CheckInRequest.status)) == "asked"


def test_the_mother_says_no_and_nothing_starts(chat, session):
    _setup(session)
    chat.clock = MONDAY - timedelta(days=1)
    _ask_for_mother(chat)
    got = chat.press("HANA", _consent_card(chat).buttons[1].data)
    assert "始めません" in texts(got)[0]
    assert "希望されませんでした" in texts(chat.channel.to("DAUGHTER"))[-1]
    assert session.scalar(select(CheckIn)) is None
    at(chat, MONDAY.replace(hour=7, minute=5))
    assert not any(isinstance(m, Card) and m.title == "おはようございます" for m in chat.channel.to("HANA"))


def test_an_unknown_or_shared_name_asks_nobody_and_the_daughter_cannot_tell_the_difference(chat, session):
    midori = _setup(session)
    factories.resident(session, user_id="OTHER_HANA", district=midori, display_name="山田花子")
    chat.clock = MONDAY - timedelta(days=1)
    shared = texts(_ask_for_mother(chat))
    unknown = texts(_ask_for_mother(chat, "佐藤 次郎"))
    assert shared == unknown or shared[0].replace("山田花子", "") == unknown[0].replace("佐藤 次郎", "")
    assert not any(isinstance(m, Card) for user in ("HANA", "OTHER_HANA") for m in chat.channel.to(user))
    assert session.scalar(select(CheckInRequest)) is None


def test_asking_again_and_again_does_not_pester_the_mother(chat, session):
    _setup(session)
    chat.clock = MONDAY - timedelta(days=1)
    for _ in range(3):
        _ask_for_mother(chat)
    assert sum(isinstance(m, Card) for m in chat.channel.to("HANA")) == 1
    chat.clock = MONDAY + timedelta(days=7)  # a week without an answer: she may be asked once more
    _ask_for_mother(chat)
    assert sum(isinstance(m, Card) for m in chat.channel.to("HANA")) == 2


def test_a_minsei_iin_joins_with_the_code_and_is_told_like_family(chat, session):
    midori = _setup(session)
    factories.resident(session, user_id="MINSEI", district=midori, display_name="民生委員の田中")
    chat.clock = MONDAY - timedelta(days=1)
    code = sign_up(chat, "HANA")
    chat.say("MINSEI", f"見守りコード {code} 民生委員")
    assert "民生委員の民生委員の田中さん" in texts(chat.channel.to("HANA"))[-1]
    assert session.scalar(select(Watcher.role)) == "minsei"
    at(chat, MONDAY.replace(hour=9))
    chat.say("HANA", "転んでしまって")
    assert "転んでしまって" in texts(chat.channel.to("MINSEI"))[-1]
