"""A free answer that holds a word of waiting inside another word (食後で, 退職後で, "waiting")
is the answer, stored as typed; only 「あとで」「後で書きます」"wait" said as such make the bot wait."""

import pytest
from sqlalchemy import select

from db.models import HelpRequest
from tests.fakes import texts
from tests.handlers.test_forgiving_answers import town  # noqa: F401  (the fixture)


@pytest.mark.parametrize(
    "landmark",
    [
        "薬局の前、食後でも開いています",
        "公民館の横、食後ですと車が多いです",
        "the bus waiting shelter by the school",
        "gần trạm chờ xe buýt trước trường",
    ],
)
def test_a_landmark_holding_a_word_of_waiting_is_the_landmark(landmark, line_chat, session, town):  # noqa: F811
    line_chat.say("Ureq", "明日の朝、棚を直してもらいたいのですが")
    line_chat.say("Ureq", "緑ケ丘3-2-1")
    got = line_chat.say("Ureq", landmark)
    assert any(b.data.startswith("request.send") for m in got for b in m.buttons), texts(got)  # the summary
    assert session.scalar(select(HelpRequest)).landmark == landmark


@pytest.mark.parametrize(
    "text", ["後で書きます", "あとで送ります", "wait, I will ask my son", "chờ chút, tôi hỏi con trai đã"]
)
def test_a_wait_at_the_landmark_question_still_waits(text, line_chat, session, town):  # noqa: F811
    line_chat.say("Ureq", "明日の朝、棚を直してもらいたいのですが")
    line_chat.say("Ureq", "緑ケ丘3-2-1")
    got = line_chat.say("Ureq", text)
    assert "お待ちします" in texts(got)[0] or "wait" in texts(got)[0].lower() or "chờ" in texts(got)[0], texts(got)
    assert session.scalar(select(HelpRequest)).landmark is None
