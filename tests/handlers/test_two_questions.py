"""Two open questions at once (an offer and a safety check): a reply that fits one goes there; one
that fits both is asked about, with a button for each."""

import pytest
from sqlalchemy import select

from db.models import Circular, Delivery, Subscription, Task
from tests import factories
from tests.fakes import buttons, texts
from tests.handlers.talk import ask_for_help, offers_to, press


@pytest.fixture
def both_open(chat, session):
    """H1 has an offer waiting and then gets a safety check."""
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori, display_name="山田")
    helper = factories.helper(session, user_id="H1", district=midori, display_name="佐藤")
    session.add(Subscription(resident_id=helper.id, district_id=midori.id))
    admin = factories.admin(session, midori, user_id="ADMIN")
    ask_for_help(chat)
    assert offers_to(chat, "H1")
    chat.press("ADMIN", f"safety.prepare:{midori.id}")
    check = session.scalar(select(Circular.id).where(Circular.kind == "safety_check"))
    chat.press("ADMIN", f"circular.send:{check}")
    return helper, admin


def answer(session, helper) -> str | None:
    return session.scalar(select(Delivery.answer).where(Delivery.resident_id == helper.id))


@pytest.mark.parametrize("text", ["大丈夫です", "だいじょうぶ", "OK"])
def test_a_reply_that_fits_both_is_asked_about(text, chat, session, both_open):
    helper, _ = both_open
    got = chat.say("H1", text)
    assert "どちらへのお返事" in texts(got)[-1]
    assert {"安否確認：無事です", "お願いを引き受ける"} <= set(buttons(got))
    assert session.scalar(select(Task)) is None and answer(session, helper) is None
    got = press(chat, "H1", "安否確認：無事です", got)
    assert answer(session, helper) == "safe" and session.scalar(select(Task)) is None


@pytest.mark.parametrize("text", ["無事です", "家族みんな無事です"])
def test_a_safety_answer_goes_to_the_safety_check_only(text, chat, session, both_open):
    helper, _ = both_open
    chat.say("H1", text)
    assert answer(session, helper) == "safe" and session.scalar(select(Task)) is None


@pytest.mark.parametrize("text", ["引き受けます", "行けます！"])
def test_an_accept_goes_to_the_offer_only(text, chat, session, both_open):
    helper, _ = both_open
    chat.say("H1", text)
    assert session.scalar(select(Task)) is not None and answer(session, helper) is None
