"""Asking for help, whole conversations: request -> offers -> accept -> done -> time bank."""
from sqlalchemy import select

from db.models import HelpRequest, Offer, Task
from tests import factories
from tests.fakes import buttons, texts


def _requester(session, district, **fields):
    return factories.resident(session, user_id="REQ", district=district, display_name="山田",
                              **fields)


def _ask_garbage(chat):
    """The requester asks for help with the rubbish and answers every question."""
    got = chat.say("REQ", "明日の朝ゴミ出しをお願いできますか")
    assert "ごみ出し" in texts(got)[0]
    assert "住所" in texts(got)[-1]
    got = chat.say("REQ", "緑ケ丘3-2-1 山田")
    assert "目印" in texts(got)[-1]
    got = chat.say("REQ", "緑ケ丘公園の近く")
    assert "お願いする" in buttons(got)
    assert {"内容を変える", "日時を変える", "地区を変える"} <= set(buttons(got))
    return got


def _press(chat, user, label, messages):
    """Press the button with this label under the messages."""
    data = next(b.data for m in messages for b in m.buttons if b.label == label)
    return chat.press(user, data)


def test_request_accept_done_settles_the_time_bank(chat, session):
    from bot.timebank import ledger

    midori = factories.district(session, "緑ケ丘")
    _requester(session, midori)
    helper = factories.helper(session, user_id="H1", skills=["garbage"], district=midori,
                              display_name="佐藤")
    got = _press(chat, "REQ", "お願いする", _ask_garbage(chat))
    assert "お願いを出しました" in texts(got)[0]
    offer = chat.channel.to("H1")[-1]
    assert "ごみ出し" in offer.title and "緑ケ丘公園の近く" in offer.body
    assert "3-2-1" not in offer.body
    got = chat.say("H1", "引き受けます")
    assert "ありがとうございます" in texts(got)[0]
    assert "緑ケ丘3-2-1" in texts(got)[1]
    assert "佐藤さんが引き受けて" in texts(chat.channel.to("REQ"))[-1]
    got = chat.say("H1", "ゴミ出し終わりました")
    got = _press(chat, "H1", "30分", got)
    question = chat.channel.to("REQ")[-1]
    assert "終わった" in question.text
    got = _press(chat, "REQ", "確認する", [question])
    assert "佐藤さんのお手伝い" in texts(got)[0]
    assert "ありがとう" in texts(chat.channel.to("H1"))[-1]
    task = session.scalar(select(Task))
    assert task.request.status == "done" and task.minutes == 30
    assert ledger.balance(session, helper.id) > ledger.balance(session, task.request.resident_id)
