"""Choices that must survive later messages are buttons on the message (LINE's buttons template
or a Flex bubble), never quick replies: the safety check's answers and the admin's choice of a
helper for an unmet request. Through the real webhook, RQ on a real Redis and the fake LINE API,
checked against LINE's spec; an old button pressed late still does the right thing, or says kindly
that it is over."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.circulars import subscriptions
from db.models import Circular, Delivery, HelpRequest, Offer
from tests import factories
from tests.handlers.line_talk import (  # noqa: F401  (line_rq is a fixture)
    drain,
    line_rq,
    postbacks,
    press,
    received,
    received_messages,
    say,
)


def _on_message(messages: list[dict], words: str) -> dict:
    """The last message whose text (a template's, a bubble's, or a text's) has these words."""
    import json

    return [m for m in messages if words in json.dumps(m, ensure_ascii=False)][-1]


@pytest.fixture
def midori(session):
    district = factories.district(session, "緑ケ丘")
    factories.admin(session, district, platform="line", user_id="Uadmin", display_name="担当")
    return district


def _safety_check(client, redis, session, district) -> int:
    press(client, "Uadmin", f"safety.prepare:{district.id}")
    drain(redis)
    check_id = session.scalar(select(Circular.id).where(Circular.kind == "safety_check"))
    press(client, "Uadmin", f"circular.send:{check_id}")
    drain(redis)
    return check_id


def test_the_safety_answers_stay_on_the_check_after_later_messages(line_rq, redis, line_api, session, midori):
    tome = factories.resident(session, platform="line", user_id="Utome", district=midori, display_name="トメ")
    subscriptions.subscribe(session, tome, midori)
    session.commit()
    _safety_check(line_rq, redis, session, midori)
    check = _on_message(received_messages(line_api, "Utome"), "ご無事ですか")
    assert "quickReply" not in check and check["type"] in ("template", "flex")
    answers = postbacks(check)
    assert set(answers) == {"無事です", "助けが必要"}
    say(line_rq, "Utome", "使い方を教えて")  # later messages come in between
    drain(redis)
    say(line_rq, "Utome", "今日はいい天気ですね")
    drain(redis)
    assert len(received(line_api, "Utome")) >= 3
    press(line_rq, "Utome", answers["無事です"])  # the old button, pressed late
    drain(redis)
    assert "無事とのこと" in received(line_api, "Utome")[-1]
    session.expire_all()
    assert session.scalar(select(Delivery.answer).where(Delivery.resident_id == tome.id)) == "safe"
    assert line_api.violations == []


def test_a_safety_button_of_a_check_that_is_gone_says_so_kindly(line_rq, redis, line_api, session, midori):
    factories.resident(session, platform="line", user_id="Ulate", district=midori)
    session.commit()
    press(line_rq, "Ulate", "safety.safe:999")
    drain(redis)
    assert "今は受け付けている安否確認がありません" in received(line_api, "Ulate")[-1]


def _unmet(client, redis, session, line_api, district) -> tuple[dict, HelpRequest]:
    """A request nobody's kinds fit: the admin is offered a choice of the district's helpers."""
    factories.resident(session, platform="line", user_id="Ureq", district=district, display_name="山田")
    factories.helper(
        session, platform="line", user_id="Usato", district=district, display_name="佐藤", skills=["shopping"]
    )
    factories.helper(
        session, platform="line", user_id="Ukato", district=district, display_name="加藤", skills=["shopping"]
    )
    session.commit()
    for text in ("明日の朝、庭の木の剪定をお願いできますか", "緑ケ丘3-2-1 山田", "緑ケ丘公園の近く", "はい"):
        say(client, "Ureq", text)
        drain(redis)
    choice = _on_message(received_messages(line_api, "Uadmin"), "引き受け手なし")
    return choice, session.scalar(select(HelpRequest))


def test_the_admins_choice_of_helper_stays_on_the_message_and_works_when_pressed_late(
    line_rq, redis, line_api, session, midori
):
    choice, request = _unmet(line_rq, redis, session, line_api, midori)
    assert "quickReply" not in choice and choice["type"] in ("template", "flex")
    helpers = postbacks(choice)
    assert set(helpers) == {"佐藤", "加藤"}
    say(line_rq, "Uadmin", "使い方を教えて")  # a later message
    drain(redis)
    press(line_rq, "Uadmin", helpers["佐藤"])
    drain(redis)
    assert "佐藤さんにお願いを送りました" in received(line_api, "Uadmin")[-1]
    offer_card = _on_message(received_messages(line_api, "Usato"), "引き受ける")
    assert "緑ケ丘3-2-1" not in str(offer_card)  # the address only after accepting
    press(line_rq, "Uadmin", helpers["佐藤"])  # pressed again: nothing sent twice
    drain(redis)
    assert "もうお願いを送っています" in received(line_api, "Uadmin")[-1]
    assert len([m for m in received(line_api, "Usato") if "引き受ける" in m]) == 1
    press(line_rq, "Usato", postbacks(offer_card)["引き受ける"])
    drain(redis)
    press(line_rq, "Uadmin", helpers["加藤"])  # too late: it is taken
    drain(redis)
    assert "もう締め切られています" in received(line_api, "Uadmin")[-1]
    assert received(line_api, "Ukato") == []
    session.expire_all()
    assert [o.status for o in session.scalars(select(Offer))] == ["accepted"]
    assert line_api.violations == []
