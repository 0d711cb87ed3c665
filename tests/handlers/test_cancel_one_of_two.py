"""Two requests sent by one message (「明日ゴミ出しと買い物をお願いしたい」): a cancel that names one
kind cancels that one, and the other stays out; asking after one is answered about that one."""

import pytest
from sqlalchemy import select

from db.models import HelpRequest
from tests.fakes import texts
from tests.handlers.test_several_kinds import answer_and_send, midori  # noqa: F401  (the fixture)


@pytest.mark.parametrize(
    "text, cancelled, kept",
    [("ゴミ出しはキャンセルします", "garbage", "shopping"), ("買い物は取り消してください", "shopping", "garbage")],
)
def test_a_cancel_naming_one_kind_cancels_that_request(text, cancelled, kept, line_chat, session, midori):  # noqa: F811
    answer_and_send(line_chat, line_chat.say("Ureq", "明日ゴミ出しと買い物をお願いしたい"))
    got = line_chat.say("Ureq", text)
    if any(b.data.startswith("request.cancel:") for m in got for b in m.buttons):  # asked first: yes
        got = line_chat.press(
            "Ureq", next(b.data for m in got for b in m.buttons if b.data.startswith("request.cancel:"))
        )
    status = {r.category: r.status for r in session.scalars(select(HelpRequest))}
    assert status == {cancelled: "cancelled", kept: "open"}, texts(got)


def test_asking_after_one_kind_answers_about_that_request(line_chat, session, midori):  # noqa: F811
    answer_and_send(line_chat, line_chat.say("Ureq", "明日ゴミ出しと買い物をお願いしたい"))
    said = texts(line_chat.say("Ureq", "ゴミ出しはどうなってますか"))[0]
    assert "ごみ出し" in said and "買い物" not in said, said
