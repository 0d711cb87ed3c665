"""代理: a neighbour registers a resident without a smartphone and asks for help on their behalf."""

from sqlalchemy import select

from bot.timebank import ledger
from db.models import HelpRequest, Resident, Task
from tests import factories
from tests.fakes import buttons, texts
from tests.handlers.talk import offers_to, press


def test_proxy_registers_asks_and_receives_the_messages(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="PROXY", district=midori, display_name="民生委員の田中")
    factories.helper(session, user_id="H1", district=midori, display_name="佐藤")
    got = chat.press("PROXY", "menu.need_help")
    got = press(chat, "PROXY", "代理で頼む", got)
    got = chat.say("PROXY", "木村ハナ")
    got = press(chat, "PROXY", "緑ケ丘", got)
    got = chat.say("PROXY", "緑ケ丘5-6-7")
    assert "木村ハナさんを登録しました" in texts(got)[0]
    hana = session.scalar(select(Resident).where(Resident.platform == "none"))
    assert hana.proxy.platform_user_id == "PROXY" and hana.address == "緑ケ丘5-6-7"

    got = chat.say("PROXY", "明日の朝ゴミ出しをお願いできますか")
    assert {"自分", "木村ハナ"} <= set(buttons(got))
    got = press(chat, "PROXY", "木村ハナ", got)
    assert "目印" in texts(got)[-1]  # her address is known: only the landmark is asked
    got = chat.say("PROXY", "公民館の裏")
    assert "木村ハナさんのお願い" in texts(got)[-1]
    press(chat, "PROXY", "お願いする", got)
    request = session.scalar(select(HelpRequest))
    assert (request.resident_id, request.created_by_id) == (hana.id, hana.proxy_id)

    got = press(chat, "H1", "引き受ける", offers_to(chat, "H1"))
    assert "木村ハナ" in texts(got)[1] and "緑ケ丘5-6-7" in texts(got)[1]
    assert "佐藤さんが引き受けて" in texts(chat.channel.to("PROXY"))[-1]
    got = press(chat, "H1", "30分", chat.say("H1", "終わりました"))
    question = chat.channel.to("PROXY")[-1]
    got = press(chat, "PROXY", "確認する", [question])
    assert "佐藤さんのお手伝い" in texts(got)[0]
    task = session.scalar(select(Task))
    assert task.request.status == "done"
    assert ledger.balance(session, hana.id) < ledger.balance(session, task.helper_id)
