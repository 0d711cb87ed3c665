"""Circulars and safety checks for residents of other languages than Japanese."""

from __future__ import annotations

from sqlalchemy import select

from bot.circulars import circulars
from bot.i18n import t
from db.models import HelpRequest
from tests.circulars.conftest import add_followers, launch
from tests.circulars.test_safety import start_check
from tests.fakes import texts


def _received(channel, user_id: str):
    return [messages for users, messages, _ in channel.multicasts if user_id in users][0]


def test_without_a_translation_a_reader_gets_the_japanese_after_a_note_in_their_language(
    session, channel, midori, midori_admin
):
    vietnamese = add_followers(session, midori, 1, language="vi")[0]
    korean = add_followers(session, midori, 1, language="ko")[0]
    japanese = add_followers(session, midori, 1)[0]
    launch(session, midori_admin, midori, translations={"ko": {"title": "방재 훈련", "body": "일요일 9시 공민관"}})
    card = _received(channel, vietnamese)[0]
    assert card.title == "[Thông báo 緑ケ丘] 防災訓練のお知らせ"
    assert card.body == t("circular.untranslated", "vi") + "\n日曜日の9時に公民館に集まってください。"
    card = _received(channel, korean)[0]
    assert (card.title, card.body) == ("[緑ケ丘 회람] 방재 훈련", "일요일 9시 공민관")
    assert _received(channel, japanese)[0].body == "日曜日の9時に公民館に集まってください。"


def test_a_korean_safety_answer_in_words_is_recorded_and_thanked_in_korean(
    chat, session, channel, midori, midori_admin
):
    korean = add_followers(session, midori, 1, language="ko")[0]
    chinese = add_followers(session, midori, 1, language="zh-Hans")[0]
    check_id = start_check(chat, session, midori_admin, midori)
    asked = _received(channel, korean)[0]
    assert [b.label for b in asked.buttons] == ["무사해요", "도움이 필요해요"]
    assert t("circular.untranslated", "ko") in asked.text
    assert texts(chat.say(korean, "가족 모두 무사해요")) == [t("safety.thanks_safe", "ko")]
    got = chat.say(chinese, "我摔倒了，动不了")
    assert t("safety.help_coming", "zh-Hans") in texts(got)
    counts = circulars.progress(session, check_id)
    assert (counts.safe, counts.need_help, counts.no_answer) == (1, 1, 0)
    assert session.scalar(select(HelpRequest.urgent)) is True
