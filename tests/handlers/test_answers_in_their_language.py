"""A resident whose LINE language is Vietnamese, Chinese, Korean or English answers the request's
questions the way people write in it: the yes of their language sends the request (dạ, 嗯, 넵,
yep; Vietnamese typed without its marks), a no never does (不对 holds the 对 of "right", "not right"
the "right"), and "I don't know" at the landmark question is no landmark."""

import pytest
from sqlalchemy import select

from db.models import HelpRequest
from tests import factories
from tests.conversations.world import READINGS
from tests.fakes import buttons, texts
from tests.handlers.talk import offers_to

ASK = {
    "vi": ("Tôi cần người giúp đổ rác", "sáng mai", "không có"),
    "zh-Hans": ("我想请人帮我倒垃圾", "明天上午", "没有"),
    "ko": ("쓰레기 버리는 것 좀 도와주세요", "내일 아침", "없어요"),
    "en": ("I need someone to take out my rubbish", "tomorrow morning", "none"),
}
SEND = {"vi": "Gửi", "zh-Hans": "发送", "ko": "보내기", "en": "Send"}


@pytest.fixture
def town(session):
    midori = factories.district(session, "緑ケ丘", reading=READINGS["緑ケ丘"])
    factories.helper(session, user_id="Uh1", district=midori, skills=["garbage"])
    session.commit()
    return midori


def to_the_summary(chat, session, town, language: str, landmark: str | None = None) -> list:
    factories.resident(session, user_id="Ureq", district=town, address="緑ケ丘3-2-1", language=language)
    session.commit()
    need, when, no_landmark = ASK[language]
    chat.say("Ureq", need)
    chat.say("Ureq", when)
    got = chat.say("Ureq", landmark or no_landmark)
    assert SEND[language] in buttons(got), texts(got)
    return got


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("vi", "dạ"),
        ("vi", "co"),
        ("vi", "ừ"),
        ("vi", "dung roi"),
        ("vi", "dc"),  # chat shorthand: đc (được), typed bare
        ("vi", "đc rồi"),
        ("zh-Hans", "嗯"),
        ("zh-Hans", "行"),
        ("zh-Hans", "没错"),
        ("ko", "넵"),
        ("ko", "맞아요"),
        ("ko", "보내주세요"),
        ("en", "yep"),
        ("en", "y"),
    ],
)
def test_the_yes_of_their_language_at_the_summary_sends_the_request(language, text, chat, session, town):
    to_the_summary(chat, session, town, language)
    chat.say("Ureq", text)
    assert len(offers_to(chat, "Uh1")) == 1


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("vi", "sai rồi"),
        ("vi", "khong dung"),
        ("zh-Hans", "不对"),
        ("zh-Hans", "不对，时间错了"),
        ("ko", "틀렸어요"),
        ("en", "not right"),
        ("en", "nope"),
        # a yes-word negated: được (fine), ok, 好 (good)
        ("vi", "không được"),
        ("vi", "chưa được"),
        ("vi", "ko dc"),
        ("vi", "k đc"),
        ("en", "not ok"),
        ("en", "please don't"),
        ("en", "not yet please"),
        ("zh-Hans", "不太好"),
        ("zh-Hans", "不好"),
    ],
)
def test_a_no_at_the_summary_asks_what_to_change_and_sends_nothing(language, text, chat, session, town):
    to_the_summary(chat, session, town, language)
    got = chat.say("Ureq", text)
    assert offers_to(chat, "Uh1") == []
    assert len(buttons(got)) == 4, texts(got)  # change the kind, the time, the district, or stop


@pytest.mark.parametrize("text", ["별로예요", "좀 이상하네요", "나중에 할 거예요"])
def test_a_korean_ending_that_holds_a_yes_of_one_syllable_sends_nothing(text, chat, session, town):
    """예 and 네 are yes standing alone, not inside the endings 예요 and 네요."""
    to_the_summary(chat, session, town, "ko")
    chat.say("Ureq", text)
    assert offers_to(chat, "Uh1") == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("vi", "ko biet"),
        ("vi", "chịu"),
        ("zh-Hans", "不清楚"),
        ("ko", "모르겠어요"),
        ("ko", "잘 모르겠어요"),
        ("en", "no idea"),
    ],
)
def test_i_dont_know_at_the_landmark_question_is_no_landmark(language, text, chat, session, town):
    to_the_summary(chat, session, town, language, landmark=text)
    assert session.scalar(select(HelpRequest.landmark)) == ""


@pytest.mark.parametrize(
    ("language", "favour", "need", "when"),
    [
        ("vi", "Tôi muốn nhờ một việc", "đổ rác giúp tôi", "Bạn cần giúp khi nào"),
        ("zh-Hans", "我有点事想请人帮忙", "帮我倒垃圾", "什么时候需要帮忙"),
        ("ko", "부탁 하나 드려도 될까요", "쓰레기 버리는 거요", "언제 도움이 필요하세요"),
        ("en", "I have a small problem, can you help?", "my rubbish needs taking out", "When do you need help"),
    ],
)
def test_a_favour_asked_without_the_need_is_asked_what_it_is(language, favour, need, when, chat, session, town):
    """Not drafted as a request of "other" kind whose time is asked next: the need comes first."""
    factories.resident(session, user_id="Ureq", district=town, address="緑ケ丘3-2-1", language=language)
    session.commit()
    got = chat.say("Ureq", favour)
    assert when not in " ".join(texts(got)), texts(got)
    got = chat.say("Ureq", need)
    assert when in texts(got)[-1], texts(got)
    assert session.scalar(select(HelpRequest.category)) == "garbage"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-Hans", "什么时候都可以"),
        ("vi", "khi nào cũng được"),
        ("ko", "언제라도 괜찮아요"),
        ("en", "any day is fine"),
    ],
)
def test_any_time_at_the_when_question_is_any_time(language, text, chat, session, town):
    factories.resident(session, user_id="Ureq", district=town, address="緑ケ丘3-2-1", language=language)
    session.commit()
    chat.say("Ureq", ASK[language][0])
    got = chat.say("Ureq", text)
    assert session.scalar(select(HelpRequest.time_of_day)) == "any", texts(got)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ko", "토요일이면 언제든지 괜찮아요"),
        ("vi", "thứ bảy lúc nào cũng được"),
        ("zh-Hans", "周六什么时候都行"),
        ("en", "saturday, any time"),
        ("ja", "土曜ならいつでもよかです"),
    ],
)
def test_a_day_said_with_any_time_keeps_the_day(language, text, chat, session, town):
    """토요일이면 언제든지 ("any time on Saturday") is Saturday, not any day."""
    factories.resident(session, user_id="Ureq", district=town, address="緑ケ丘3-2-1", language=language)
    session.commit()
    chat.say("Ureq", ASK[language][0] if language in ASK else "ゴミ出しをお願いしたいです")
    got = chat.say("Ureq", text)
    when = session.scalar(select(HelpRequest.when))
    assert when is not None and when.weekday() == 5, texts(got)


@pytest.mark.parametrize(
    "correction",
    [
        "sorry, I meant the shopping instead of the rubbish",
        "Actually, instead of the rubbish, could you do some grocery shopping for me",
        "It's the shopping, not the rubbish",
    ],
)
def test_an_english_kind_corrected_with_a_contrast_takes_the_kind_meant(correction, chat, session, town):
    """English names the kind meant before "instead of" and ", not", after an "Instead of ...," clause:
    the request becomes shopping (read after the contrast, as Japanese is, it stayed rubbish)."""
    to_the_summary(chat, session, town, "en")
    got = chat.say("Ureq", correction)
    assert "Shopping" in " ".join(texts(got)) or "shopping" in " ".join(texts(got)), texts(got)
    chat.say("Ureq", "yes")
    assert session.scalar(select(HelpRequest)).category == "shopping"
