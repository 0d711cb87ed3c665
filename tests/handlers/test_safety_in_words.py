"""A safety check answered in words, through LINE: a bare はい to 「ご無事ですか？」 is safe; small
talk gets the question again with its buttons on the message, never a pleasantry that leaves the
check unanswered; a request is still a request."""

import pytest
from sqlalchemy import select

from db.models import Circular, Delivery, HelpRequest, Resident, Subscription
from tests import factories
from tests.fakes import buttons, texts
from tests.handlers.talk import ask_for_help, offers_to, press


@pytest.fixture
def asked(line_chat, session):
    """トメ (and 佐藤, a helper) were sent a safety check."""
    midori = factories.district(session, "緑ケ丘")
    tome = factories.resident(session, platform="line", user_id="Utome", district=midori, display_name="トメ")
    helper = factories.helper(session, platform="line", user_id="Uh1", district=midori, display_name="佐藤")
    factories.resident(session, platform="line", user_id="Ureq", district=midori, display_name="山田")
    for person in (tome, helper):
        session.add(Subscription(resident_id=person.id, district_id=midori.id))
    factories.admin(session, midori, platform="line", user_id="Uadmin")
    session.commit()
    return midori


def send_check(line_chat, session, district) -> None:
    line_chat.press("Uadmin", f"safety.prepare:{district.id}")
    check = session.scalar(select(Circular.id).where(Circular.kind == "safety_check"))
    line_chat.press("Uadmin", f"circular.send:{check}")


def answer(session, user: str) -> str | None:
    session.expire_all()
    return session.scalar(
        select(Delivery.answer)
        .join(Resident, Resident.id == Delivery.resident_id)
        .where(Resident.platform_user_id == user)
    )


@pytest.mark.parametrize("text", ["はい", "はい。", "うん", "ﾊｲ", "yes", "はーい"])
def test_a_bare_yes_to_are_you_safe_is_safe(text, line_chat, session, asked):
    send_check(line_chat, session, asked)
    got = line_chat.say("Utome", text)
    assert answer(session, "Utome") == "safe" and "安心しました" in texts(got)[0]


@pytest.mark.parametrize("text", ["こんにちは", "ありがとう", "今日は寒いですね", "おはようございます"])
def test_small_talk_gets_the_question_again_with_buttons_on_the_message(text, line_chat, session, asked):
    send_check(line_chat, session, asked)
    got = line_chat.say("Utome", text)
    assert answer(session, "Utome") is None
    assert "ご無事ですか" in texts(got)[-1] and got[-1].lasting
    assert {"無事です", "助けが必要"} <= set(buttons(got))
    press(line_chat, "Utome", "無事です", got)
    assert answer(session, "Utome") == "safe"


def test_a_request_during_a_safety_check_is_still_a_request(line_chat, session, asked):
    send_check(line_chat, session, asked)
    got = line_chat.say("Utome", "明日の買い物をお願いしたい")
    assert "住所" in texts(got)[-1] and answer(session, "Utome") is None


@pytest.mark.parametrize("text", ["はい", "うん"])
def test_a_bare_yes_with_an_offer_open_too_is_asked_about_with_lasting_buttons(text, line_chat, session, asked):
    ask_for_help(line_chat, user="Ureq")
    assert offers_to(line_chat, "Uh1")
    send_check(line_chat, session, asked)
    got = line_chat.say("Uh1", text)
    assert "どちらへのお返事" in texts(got)[-1] and got[-1].lasting
    assert session.scalar(select(HelpRequest.status)) == "open" and answer(session, "Uh1") is None
    press(line_chat, "Uh1", "安否確認：無事です", got)
    assert answer(session, "Uh1") == "safe" and session.scalar(select(HelpRequest.status)) == "open"
