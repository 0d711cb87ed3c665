"""The details of a request as people give them.

Something more said at the summary (「お米は10キロです」, "the dog is big, someone strong please",
「瓶もあるけど大丈夫？」) is kept for the helper who takes the request: shown on the summary, told
to that helper alone, never on the card every offered helper sees. A question is never a yes.
The landmark of last time is offered again for the same place; 「わからない」 at the place question
is told why a place is needed, not stored as the place."""

from datetime import datetime

import pytest
from sqlalchemy import select

from db.models import Conversation, HelpRequest
from tests import factories
from tests.conversations.world import READINGS
from tests.fakes import buttons, texts
from tests.handlers.talk import offers_to, press


@pytest.fixture
def town(session):
    midori = factories.district(session, "緑ケ丘", reading=READINGS["緑ケ丘"])
    for user, kind in (("Ushop1", "shopping"), ("Ushop2", "shopping"), ("Ubins", "garbage"), ("Udog", "dog_walking")):
        factories.helper(session, user_id=user, district=midori, skills=[kind])
    session.commit()
    return midori


def to_the_summary(chat, session, town, language: str, need: str, when: str, landmark: str) -> list:
    factories.resident(session, user_id="Ureq", district=town, address="緑ケ丘3-2-1", language=language)
    session.commit()
    chat.say("Ureq", need)
    chat.say("Ureq", when)
    return chat.say("Ureq", landmark)


def test_a_detail_at_the_summary_goes_to_the_helper_who_takes_it_alone(chat, session, town):
    to_the_summary(chat, session, town, "ja", "明日の午後、買い物をお願いしたいです", "午後", "公園の近く")
    got = chat.say("Ureq", "お米が重いので10キロです")
    assert "引き受けた方にお伝えします" in texts(got)[0], texts(got)
    assert "お米が重いので10キロです" in texts(got)[-1] and "お願いする" in buttons(got)  # on the summary
    assert session.scalar(select(HelpRequest)).status == "draft"  # nothing sent on a detail
    press(chat, "Ureq", "お願いする", got)
    assert all("10キロ" not in text for user in ("Ushop1", "Ushop2") for text in texts(offers_to(chat, user)))
    press(chat, "Ushop1", "引き受ける", offers_to(chat, "Ushop1"))
    assert "お米が重いので10キロです" in texts(chat.channel.to("Ushop1"))[-1]
    assert all("10キロ" not in text for text in texts(chat.channel.to("Ushop2")))


@pytest.mark.parametrize(
    ("language", "need", "when", "landmark", "said", "kept"),
    [
        ("ja", "ゴミ出しをお願いしたいです", "明日の朝", "公園の近く", "瓶も少しあるけど大丈夫？", "瓶も少し"),
        (
            "en",
            "I need someone to take out my rubbish",
            "tomorrow morning",
            "none",
            "there are also a few heavy bottles, is that ok?",
            "heavy bottles",
        ),
        (
            "en",
            "could someone walk my dog",
            "tomorrow afternoon",
            "none",
            "he's a big dog, someone strong please",
            "big dog",
        ),
    ],
)
def test_a_question_or_detail_at_the_summary_is_kept_and_sends_nothing(
    language, need, when, landmark, said, kept, chat, session, town
):
    """「瓶も少しあるけど大丈夫？」 holds 大丈夫, "is that ok?" holds ok: the request had been sent on
    them, the question unanswered."""
    to_the_summary(chat, session, town, language, need, when, landmark)
    got = chat.say("Ureq", said)
    assert session.scalar(select(HelpRequest)).status == "draft", texts(got)
    assert kept in texts(got)[-1] and len(buttons(got)) == 5, texts(got)


@pytest.mark.parametrize("said", ["is it ok to send?", "ok?"])
def test_a_yes_word_in_a_question_asks_again_and_sends_nothing(said, chat, session, town):
    to_the_summary(chat, session, town, "en", "I need someone to take out my rubbish", "tomorrow morning", "none")
    got = chat.say("Ureq", said)
    assert session.scalar(select(HelpRequest)).status == "draft", texts(got)
    assert "Send" in buttons(got)
    assert session.scalar(select(HelpRequest)).note is None


def test_a_yes_with_a_detail_sends_the_request_with_its_note(chat, session, town):
    to_the_summary(chat, session, town, "en", "I need someone to take out my rubbish", "tomorrow morning", "none")
    chat.say("Ureq", "yes please, the rubbish bags are by the back door")
    request = session.scalar(select(HelpRequest))
    assert request.status == "open" and "back door" in (request.note or "")


def test_thanks_and_the_same_words_again_are_no_note(chat, session, town):
    to_the_summary(chat, session, town, "ja", "明日の午後、買い物をお願いしたいです", "午後", "公園の近く")
    chat.say("Ureq", "ありがとうございます")
    chat.say("Ureq", "明日の午後、買い物をお願いしたいです")
    assert session.scalar(select(HelpRequest)).note is None


@pytest.mark.parametrize("answer", ["press", "same as last time"])
def test_the_landmark_of_last_time_is_offered_again_for_the_same_place(answer, chat, session, town):
    """The same place as last time: its landmark offered in one press, and "same as last time"
    typed is that landmark (it had become the landmark "same as last time")."""
    to_the_summary(
        chat, session, town, "en", "I need someone to take out my rubbish", "tomorrow morning", "near the Family Mart"
    )
    chat.say("Ureq", "yes")
    got = chat.say("Ureq", "could someone help me with my phone on sat afternoon")
    assert "near the Family Mart" in texts(got)[-1] and "Same as before" in buttons(got), texts(got)
    got = press(chat, "Ureq", "Same as before", got) if answer == "press" else chat.say("Ureq", answer)
    assert "Landmark: near the Family Mart" in texts(got)[-1], texts(got)
    assert "Sat" in texts(got)[-1]


@pytest.mark.parametrize(
    ("language", "need", "none"),
    [
        ("ja", "明後日の午後、病院まで送ってほしいです", "わからない"),
        ("vi", "mai em can nguoi cho em di benh vien buoi sang duoc khong a", "khong co"),
        ("en", "I need a lift to the clinic tomorrow morning", "none"),
    ],
)
def test_no_place_at_the_place_question_is_told_why_it_is_needed(language, need, none, chat, session, town):
    """「わからない」 had become the place the helper was sent to."""
    factories.resident(session, user_id="Ureq", district=town, language=language)  # no address known
    session.commit()
    chat.say("Ureq", need)
    got = chat.say("Ureq", none)
    assert session.scalar(select(HelpRequest)).meeting_point is None, texts(got)
    got = chat.say("Ureq", "緑ケ丘3-2-1")
    assert session.scalar(select(HelpRequest)).meeting_point == "緑ケ丘3-2-1", texts(got)


@pytest.mark.parametrize(
    ("language", "need", "when", "landmark", "said"),
    [
        ("ja", "明日の午後、買い物をお願いしたいです", "午後", "公園の近く", "お願いできますか？"),
        ("ja", "明日の午後、買い物をお願いしたいです", "午後", "公園の近く", "これでお願いできますか？"),
        ("en", "I need someone to take out my rubbish", "tomorrow morning", "none", "could you send it please?"),
    ],
)
def test_a_polite_request_to_send_is_a_yes_not_a_note(language, need, when, landmark, said, chat, session, town):
    """「お願いできますか？」 "could you send it please?" at the summary: the usual polite yes, sent
    (not kept as a note, not asked "yes or no?", and never read as a cancel)."""
    to_the_summary(chat, session, town, language, need, when, landmark)
    got = chat.say("Ureq", said)
    request = session.scalar(select(HelpRequest))
    assert request.status == "open" and request.note is None, (request.note, texts(got))


def test_leaving_erases_the_note_too(chat, session, town):
    """退会 erases the note with the text, summary, landmark and place of the requests (it may name
    a person, where a key is, a phone number)."""
    to_the_summary(chat, session, town, "ja", "明日の午後、買い物をお願いしたいです", "午後", "公園の近く")
    chat.say("Ureq", "お米が重いので10キロです")
    chat.say("Ureq", "はい")
    assert session.scalar(select(HelpRequest)).note
    chat.say("Ureq", "退会したいです")
    chat.press("Ureq", "account.leave")
    session.expire_all()
    request = session.scalar(select(HelpRequest))
    assert request.meeting_point is None and request.note is None, request.note


@pytest.mark.parametrize("text", ["co ai giup em thu gom rac khong a", "Em cần người giúp thu dọn nhà"])
def test_vietnamese_thu_is_no_thursday(text, chat, session, town):
    """ "thu gom rác" (collect rubbish), "thu dọn" (tidy up): "thu" is no short Thursday."""
    factories.resident(session, user_id="Ureq", district=town, address="緑ケ丘3-2-1", language="vi")
    session.commit()
    got = chat.say("Ureq", text)
    assert session.scalar(select(HelpRequest)).when is None, texts(got)


@pytest.mark.parametrize("text", ["よろしくお願いいたします", "よろしくお願いいたします。"])
def test_yoroshiku_onegai_itashimasu_is_a_greeting(text, chat, session):
    """A greeting word inside a longer one (よろしく in 「よろしくお願いいたします」) leaves nothing to
    read alone as a need: no 「どんなことでお困りですか？」, no question left pending."""
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="U1", district=midori, language="ja")
    session.commit()
    got = chat.say("U1", text)
    assert session.scalar(select(Conversation)) is None, texts(got)


def test_a_note_about_the_second_kind_goes_to_its_helper_not_the_first(chat, session):
    """「ゴミ出しと買い物」: something said at the summary of both reaches both helpers who take them
    (it reached the rubbish helper only)."""
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="Ureq", district=midori, address="緑ケ丘3-2-1", language="ja")
    for user, kind in (("Ug", "garbage"), ("Us", "shopping")):
        factories.helper(session, user_id=user, district=midori, skills=[kind])
    session.commit()
    chat.say("Ureq", "明日の朝、ゴミ出しと買い物をお願いしたいです")
    chat.say("Ureq", "公園の近く")
    chat.say("Ureq", "買い物のお米は重いけど大丈夫？")
    chat.say("Ureq", "はい")
    for user in ("Ug", "Us"):
        press(chat, user, "引き受ける", offers_to(chat, user))
    assert all("お米" in texts(chat.channel.to(user))[-1] for user in ("Ug", "Us"))  # said of the whole visit


@pytest.mark.parametrize(
    ("language", "need", "when", "landmark", "said", "kept"),
    [
        ("ja", "明日の午後、買い物をお願いしたいです", "午後", "公園の近く", "はい、鍵は開けておきます", "鍵"),
        (
            "en",
            "I need someone to take out my rubbish",
            "tomorrow morning",
            "none",
            "yes please, the key is under the mat",
            "key",
        ),
    ],
)
def test_a_yes_then_a_detail_keeps_the_detail(language, need, when, landmark, said, kept, chat, session, town):
    """ "yes ..., more": sent, with the more kept for the helper, whatever kind its words suggest
    (「鍵」 reads as repair)."""
    to_the_summary(chat, session, town, language, need, when, landmark)
    chat.say("Ureq", said)
    request = session.scalar(select(HelpRequest))
    assert kept in (request.note or ""), (request.status, request.note)


def test_not_x_but_y_keeps_the_day_said_before_it():
    """ "tomorrow, not in the morning but in the afternoon", 「明日の朝じゃなくて午後」: the time is
    refused, not the day (it became today 14:00)."""
    from bot.nlp import understand

    now = datetime(2026, 12, 1, 10, 0)
    when = understand("tomorrow, not in the morning but in the afternoon", now=now, language="en").when
    assert when is not None and when.date() == datetime(2026, 12, 2).date(), when
    when = understand("明日の朝じゃなくて午後", now=now).when
    assert when is not None and when.date() == datetime(2026, 12, 2).date() and when.hour >= 12, when
