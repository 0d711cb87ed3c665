"""An emergency in free text, through LINE's webhook: 119/110 in the reply at once, the admins told."""

from __future__ import annotations

import json

from tests import factories
from tests.channels.conftest import event_body, user_event


def _say(post, text: str, user: str = "Uhana", n: int = 1) -> None:
    event = user_event(
        "message", user_id=user, event_id=f"01EMERGENCY{n:015d}", message={"id": str(n), "type": "text", "text": text}
    )
    assert post(event_body(event)).status_code == 200


def _reply_texts(line_api) -> list[str]:
    return [m["text"] for r in line_api.delivered("/reply") for m in r.json["messages"] if m["type"] == "text"]


def _pushed_to(line_api, user: str) -> list[str]:
    return [
        json.dumps(r.json["messages"], ensure_ascii=False) for r in line_api.delivered("/push") if r.json["to"] == user
    ]


def _district_with_admin(session, admin_language: str = "ja"):
    midori = factories.district(session, "緑ケ丘")
    factories.admin(session, midori, platform="line", user_id="Uadmin", language=admin_language)
    return midori


def test_water_coming_in_is_answered_with_119_at_once_and_the_admin_is_told(post, line_api, session):
    midori = _district_with_admin(session)
    factories.resident(session, platform="line", user_id="Uhana", district=midori, display_name="花子")
    session.commit()
    _say(post, "家の中に水が入ってきて動けん")
    first = _reply_texts(line_api)[0]
    assert "119" in first and "110" in first
    assert any("担当者にもすぐ知らせました" in text for text in _reply_texts(line_api))
    [alert] = _pushed_to(line_api, "Uadmin")
    assert "緊急" in alert and "花子" in alert and "家の中に水が入ってきて動けん" in alert
    assert line_api.violations == []


def test_an_english_speaker_who_cannot_breathe_is_answered_in_english_and_the_admin_in_japanese(
    post, line_api, session
):
    midori = _district_with_admin(session)
    factories.resident(session, platform="line", user_id="Uhana", district=midori, display_name="Anna", language="en")
    session.commit()
    _say(post, "Help, my husband collapsed and is not breathing")
    assert "Fire or ambulance: 119" in _reply_texts(line_api)[0]
    [alert] = _pushed_to(line_api, "Uadmin")
    assert "【緊急】Annaさん" in alert


def test_a_fire_told_in_vietnamese_is_an_emergency_too(post, line_api, session):
    midori = _district_with_admin(session, admin_language="vi")
    factories.resident(session, platform="line", user_id="Uhana", district=midori, language="vi")
    session.commit()
    _say(post, "Nhà bếp đang cháy, cứu với")
    assert "119" in _reply_texts(line_api)[0]
    assert "KHẨN CẤP" in _pushed_to(line_api, "Uadmin")[0]


def test_without_an_admin_the_person_is_not_told_that_anyone_was_told(post, line_api, session):
    factories.resident(session, platform="line", user_id="Uhana", display_name="花子")
    session.commit()
    _say(post, "火事です！隣の家から火が出とる")
    texts = _reply_texts(line_api)
    assert "119" in texts[0]
    assert not any("知らせました" in text for text in texts)
    assert any("必ず119番" in text for text in texts)
    assert line_api.delivered("/push") == []


def test_an_ordinary_request_gets_no_emergency_answer(post, line_api, session):
    midori = _district_with_admin(session)
    factories.resident(session, platform="line", user_id="Uhana", district=midori)
    session.commit()
    _say(post, "明日の朝、燃えるゴミを出してもらえませんか")
    assert not any("119" in text for text in _reply_texts(line_api))
    assert _pushed_to(line_api, "Uadmin") == []


def test_asking_the_bot_to_call_110_is_answered_with_the_numbers_and_the_admin_told(post, line_api, session):
    """The bot cannot call: someone asking it to (「110番してください」) is told to call at once."""
    midori = _district_with_admin(session)
    factories.resident(session, platform="line", user_id="Uhana", district=midori, display_name="花子")
    session.commit()
    _say(post, "泥棒が入ったみたい、110番してください")
    assert "110" in _reply_texts(line_api)[0]
    assert any("緊急" in alert for alert in _pushed_to(line_api, "Uadmin"))
