"""Every question of a conversation honours the same exits: cancel, correction, a question the bot
can answer, another intent; free-text answers are checked before they are stored."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import HelpRequest, Offer, local_now
from tests import factories
from tests.fakes import buttons, texts
from tests.handlers.talk import offers_to, press

CANCELS = [
    "やっぱりやめます",
    "キャンセル",
    "cancel",
    "ｷｬﾝｾﾙ",
    "やめときます。",
    "もうやめとくけ",
    "やっぱよかです、やめときます",
    "とりけしてください",
    "やっぱりやめます ごめんなさい",
]


@pytest.fixture
def midori(session):
    district = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=district, display_name="山田")
    factories.helper(session, user_id="H1", district=district, skills=["garbage", "shopping"])
    return district


def to_place_question(chat):
    got = chat.say("REQ", "明日の朝ゴミ出しをお願いできますか")
    assert "住所" in texts(got)[-1]
    return got


def the_request(session) -> HelpRequest:
    return session.scalar(select(HelpRequest).order_by(HelpRequest.id.desc()))


@pytest.mark.parametrize("text", CANCELS)
def test_a_cancel_at_the_address_question_drops_the_draft_and_says_so(text, chat, session, midori):
    to_place_question(chat)
    got = chat.say("REQ", text)
    assert "出さずにやめました" in texts(got)[0]
    request = the_request(session)
    assert request.status == "cancelled" and request.meeting_point is None
    chat.say("REQ", "お願いします")  # a later yes sends nothing old
    assert offers_to(chat, "H1") == [] and session.scalar(select(Offer)) is None


@pytest.mark.parametrize("text", CANCELS[:5])
def test_a_cancel_at_the_landmark_question_is_never_a_landmark(text, chat, session, midori):
    to_place_question(chat)
    chat.say("REQ", "緑ケ丘3-2-1")
    got = chat.say("REQ", text)
    assert "出さずにやめました" in texts(got)[0]
    assert the_request(session).landmark is None and the_request(session).status == "cancelled"


@pytest.mark.parametrize(
    "text",
    [
        "すみません、明日じゃなくて明後日で",
        "明日じゃなくてあさってにしてください",
        "あしたじゃなくてあさってでおねがいします",
        "すいません明日やなくて明後日にかえてください",
    ],
)
def test_a_new_date_at_the_address_question_changes_the_draft_and_asks_again(text, chat, session, midori):
    to_place_question(chat)
    got = chat.say("REQ", text)
    assert "変更しました" in texts(got)[0] and "住所" in texts(got)[-1]
    request = the_request(session)
    assert request.meeting_point is None  # not stored as the address
    assert request.when.date() == (local_now() + timedelta(days=2)).date()
    said = request.when.date()
    assert f"{said.month}月{said.day}日" in texts(got)[0]  # says what it changed to
    assert request.time_of_day == "morning"  # only the day changed


@pytest.mark.parametrize("text", ["すみません、明日じゃなくて明後日で", "明日やなくてあさってでお願いします"])
def test_a_corrected_date_at_the_when_question_is_its_answer_and_the_kind_stays(text, chat, session, midori):
    got = chat.say("REQ", "棚の修理をお願いしたいです")
    assert "いつ" in texts(got)[-1]
    got = chat.say("REQ", text)
    assert "住所" in texts(got)[-1]  # on to the next question, not asked when again
    request = the_request(session)
    assert request.category == "repair"  # a date says nothing about the kind of help
    assert request.when.date() == (local_now() + timedelta(days=2)).date()


def test_a_new_date_at_the_landmark_question_is_not_the_public_landmark(chat, session, midori):
    to_place_question(chat)
    chat.say("REQ", "緑ケ丘3-2-1")
    got = chat.say("REQ", "やっぱり明後日の午後にしてください")
    assert "変更しました" in texts(got)[0] and "目印" in texts(got)[-1]
    request = the_request(session)
    assert request.landmark is None and request.time_of_day == "afternoon"


def summary(chat):
    to_place_question(chat)
    chat.say("REQ", "緑ケ丘3-2-1")
    got = chat.say("REQ", "公民館の近く")
    assert "お願いする" in buttons(got)
    return got


@pytest.mark.parametrize(
    "text",
    ["大丈夫です", "はい", "はい、それでお願いします", "よかです", "OK", "だいじょうぶです", "はいおねがいします"],
)
def test_yes_at_the_summary_sends_the_request(text, chat, session, midori):
    summary(chat)
    got = chat.say("REQ", text)
    assert "お願いを出しました" in texts(got)[0]
    assert the_request(session).status == "open"
    assert "公民館の近く" in texts(offers_to(chat, "H1"))[-1]


@pytest.mark.parametrize(
    "text",
    [
        "そうですか、うーん、ちょっと考えます",
        "お願いしようかどうか迷っています",
        "ちょっと待ってください、娘に聞いてみます",
        "大丈夫かな",
        "hmm, let me think about it",
    ],
)
def test_a_pause_or_a_doubt_at_the_summary_sends_nothing_and_shows_it_again(text, chat, session, midori):
    summary(chat)
    got = chat.say("REQ", text)
    assert the_request(session).status == "draft"
    assert not offers_to(chat, "H1")
    # the summary again, or whether to leave it for something new: never silence, never sent
    assert {b.data.split(":")[0] for m in got for b in m.buttons} & {"request.send", "conversation.switch"}


@pytest.mark.parametrize(
    "text", ["お願いしません", "いいえ、お願いしません", "やっぱりお願いしないです", "もう要りません", "don't send it"]
)
def test_a_no_holding_a_yes_word_at_the_summary_is_never_sent(text, chat, session, midori):
    summary(chat)
    got = chat.say("REQ", text)
    assert the_request(session).status in ("draft", "cancelled") and not offers_to(chat, "H1")
    asked = any(b.data.startswith("request.discard") for m in got for b in m.buttons)  # change or stop
    assert asked or the_request(session).status == "cancelled"  # or dropped, and told so


@pytest.mark.parametrize("text", ["ご迷惑をおかけしますが、お願いします", "お手数ですがよろしくお願いします"])
def test_yes_with_a_polite_apology_still_sends(text, chat, session, midori):
    summary(chat)
    assert "お願いを出しました" in texts(chat.say("REQ", text))[0]


@pytest.mark.parametrize("text", ["やめます", "やっぱりやめときます", "キャンセルで"])
def test_no_at_the_summary_drops_it_and_a_later_yes_sends_nothing(text, chat, session, midori):
    summary(chat)
    got = chat.say("REQ", text)
    assert "出さずにやめました" in texts(got)[0]
    chat.say("REQ", "お願いします")
    assert (
        the_request(session).status == "cancelled"
        or session.scalar(select(HelpRequest).where(HelpRequest.status == "open")) is None
    )
    assert offers_to(chat, "H1") == []


@pytest.mark.parametrize(
    "text, day, part",
    [
        ("やっぱり明後日の午後にしてください", 2, "afternoon"),
        ("すみません、今日じゃなくて明日の午後で", 1, "afternoon"),
    ],
)
def test_a_change_at_the_summary_shows_the_summary_again(text, day, part, chat, session, midori):
    summary(chat)
    got = chat.say("REQ", text)
    assert "変更しました" in texts(got)[0] and "お願いする" in buttons(got)
    request = the_request(session)
    assert request.when.date() == (local_now() + timedelta(days=day)).date()
    assert request.time_of_day == part and request.status == "draft"


def test_a_change_of_kind_at_the_summary(chat, session, midori):
    summary(chat)
    got = chat.say("REQ", "やっぱり買い物にしてもらえますか")
    assert "買い物" in texts(got)[-1] and "お願いする" in buttons(got)
    assert the_request(session).category == "shopping"


def test_usage_at_a_question_is_answered_and_the_question_asked_again(chat, session, midori):
    to_place_question(chat)
    got = chat.say("REQ", "使い方を教えて")
    assert "使い方" in texts(got)[0] and "住所" in texts(got)[-1]
    assert the_request(session).meeting_point is None


@pytest.mark.parametrize("text", ["買い物もお願いできますか", "はい", "ありがとうございます。"])
def test_a_request_or_a_bare_word_is_never_stored_as_the_address(text, chat, session, midori):
    to_place_question(chat)
    chat.say("REQ", text)
    assert the_request(session).meeting_point is None or the_request(session).status != "draft"


def test_another_intent_asks_whether_to_leave_and_no_goes_back(chat, session, midori):
    to_place_question(chat)
    got = chat.say("REQ", "手伝いたい")
    assert "移りますか" in texts(got)[-1]
    got = press(chat, "REQ", "いいえ、続けます", got)
    assert "住所" in texts(got)[-1]
    chat.say("REQ", "緑ケ丘3-2-1")
    assert the_request(session).meeting_point == "緑ケ丘3-2-1"


def test_another_intent_and_yes_drops_the_draft_and_answers_the_new_one(chat, session, midori):
    to_place_question(chat)
    got = chat.say("REQ", "手伝いたい")
    got = chat.say("REQ", "はい")
    assert "出さずにやめました" in texts(got)[0]
    assert any("サポーターとして登録" in m for m in texts(got)[1:])  # the helper registration starts
    assert the_request(session).status == "cancelled"


def test_an_unreadable_answer_asks_again_instead_of_stopping(chat, session, midori):
    factories.resident(session, user_id="NEW", district=None, address="緑ケ丘1-1")
    got = chat.say("NEW", "明日の朝ゴミ出しをお願いできますか")
    assert "地区" in texts(got)[-1]
    got = chat.say("NEW", "ええと、どうだったかな")
    assert "地区" in texts(got)[-1]


@pytest.mark.parametrize(
    "language, opening, correction",
    [
        ("zh-Hans", "明天下午请人帮我遛狗", "不对，是后天下午"),
        ("ko", "내일 오후에 개 산책 좀 부탁해요", "아니요, 모레 오후로 해 주세요"),
        ("vi", "Chiều mai nhờ ai dắt chó đi dạo giúp tôi", "không, chiều ngày kia"),
        (
            "en",
            "Could someone walk my dog tomorrow afternoon?",
            "no wait, make that the afternoon of the day after tomorrow",
        ),
    ],
)
def test_a_day_corrected_in_another_language_changes_the_day(language, opening, correction, chat, session, midori):
    factories.resident(session, user_id="VI", district=midori, language=language)
    chat.say("VI", opening)
    chat.say("VI", "緑ケ丘3-2-1")  # the address
    chat.say("VI", correction)  # at the landmark question: the day after tomorrow, not tomorrow
    request = the_request(session)
    assert request.when.date() == (local_now() + timedelta(days=2)).date()
    assert request.time_of_day == "afternoon"
