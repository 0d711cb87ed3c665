"""Asking for help, whole conversations: request -> offers -> accept -> done -> time bank."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.matching import drafts

from db.models import HelpRequest, Offer, Task, local_now
from tests import factories
from tests.fakes import StoppedClock, buttons, texts
from tests.handlers.talk import ask_for_help, offers_to, press


def _requester(session, district, **fields):
    return factories.resident(session, user_id="REQ", district=district, display_name="山田", **fields)


def test_request_accept_done_settles_the_time_bank(chat, session):
    from bot.timebank import ledger

    midori = factories.district(session, "緑ケ丘")
    _requester(session, midori)
    helper = factories.helper(session, user_id="H1", skills=["garbage"], district=midori, display_name="佐藤")
    got = ask_for_help(chat)
    assert "お願いを出しました" in texts(got)[0]
    offer = offers_to(chat, "H1")[-1]
    assert "ごみ出し" in offer.title and "緑ケ丘公園の近く" in offer.body
    assert "3-2-1" not in offer.body
    got = chat.say("H1", "引き受けます")
    assert "ありがとうございます" in texts(got)[0]
    assert "緑ケ丘3-2-1" in texts(got)[1]
    assert "佐藤さんが引き受けて" in texts(chat.channel.to("REQ"))[-1]
    got = chat.say("H1", "ゴミ出し終わりました")
    got = press(chat, "H1", "30分", got)
    question = chat.channel.to("REQ")[-1]
    assert "終わった" in question.text
    got = press(chat, "REQ", "確認する", [question])
    assert "佐藤さんのお手伝い" in texts(got)[0]
    assert "ありがとう" in texts(chat.channel.to("H1"))[-1]
    task = session.scalar(select(Task))
    assert task.request.status == "done" and task.minutes == 30
    assert ledger.balance(session, helper.id) > ledger.balance(session, task.request.resident_id)


def test_missing_district_and_time_are_asked_and_can_be_corrected(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", address="緑ケ丘1-1")
    got = chat.say("REQ", "棚を直してほしい")
    assert "修理" in texts(got)[0] and "地区" in texts(got)[-1]
    got = press(chat, "REQ", "緑ケ丘", got)
    assert "いつ" in texts(got)[-1]
    got = chat.say("REQ", "あさっての午後")
    assert "目印" in texts(got)[-1]  # the address was known: not asked again
    got = chat.say("REQ", "駅前通り")
    got = press(chat, "REQ", "内容を変える", got)
    got = press(chat, "REQ", "家の片付け", got)
    assert "家の片付け" in texts(got)[-1] and "午後" in texts(got)[-1]
    got = press(chat, "REQ", "日時を変える", got)
    got = press(chat, "REQ", "いつでも", got)
    assert "いつでも" in texts(got)[-1]
    press(chat, "REQ", "お願いする", got)
    request = session.scalar(select(HelpRequest))
    assert (request.status, request.category, request.district_id) == ("unmet", "tidying", midori.id)


@pytest.mark.parametrize(
    ("first", "change", "day"),
    [
        ("来週の水曜日", "やっぱり木曜にして", 10),  # the Thursday of the week first said
        ("来週の水曜日", "やっぱり今週の木曜にして", 3),  # the week said: as said
        ("明日", "やっぱり金曜日で", 4),
        ("土曜日", "やっぱり月曜でお願いします", 7),  # that week's Monday is past: the next one
    ],
)
def test_a_weekday_written_as_a_change_stays_in_the_week_first_said(first, change, day, chat, session, rt):
    rt.clock = StoppedClock(datetime(2026, 12, 1, 9, 0))  # a Tuesday
    chat.clock = rt.clock.now()  # the messages' time too: the test is the same on any day it runs
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori, address="緑ケ丘1-1")
    chat.say("REQ", f"{first}に病院へ連れて行ってほしいんです")
    got = chat.say("REQ", change)
    assert f"12月{day}日" in " ".join(texts(got)), texts(got)
    assert session.scalar(select(HelpRequest)).when.day == day


def test_a_weekday_changed_to_today_after_its_hour_is_not_put_in_the_past(chat, session, rt):
    """「土曜の朝10時」 changed on a Tuesday afternoon by 「やっぱり火曜にして」: next Tuesday, not this
    morning's 10:00, which is gone (a helper would be offered a time already past)."""
    rt.clock = StoppedClock(datetime(2026, 12, 1, 16, 0))  # a Tuesday afternoon
    chat.clock = rt.clock.now()
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori, address="緑ケ丘1-1")
    chat.say("REQ", "土曜日の朝10時に病院へ連れて行ってほしいんです")
    chat.say("REQ", "やっぱり火曜にして")
    assert session.scalar(select(HelpRequest)).when > datetime(2026, 12, 1, 16, 0)


def test_menu_need_help_then_free_text(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori)
    got = chat.press("REQ", "menu.need_help")
    assert "代理で頼む" in buttons(got)
    got = chat.say("REQ", "犬の散歩を頼みたいです")
    assert "犬の散歩" in texts(got)[0]


def test_writing_something_else_leaves_the_question(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori)
    chat.say("REQ", "明日の朝ゴミ出しをお願いできますか")
    got = chat.say("REQ", "使い方を教えて")
    assert "使い方" in texts(got)[0]


def test_an_unanswered_question_times_out_politely(chat, session, rt):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori)
    chat.say("REQ", "明日の朝ゴミ出しをお願いできますか")
    rt.clock = StoppedClock(local_now() + timedelta(minutes=drafts.QUESTION_MINUTES + 1))  # the hour is up
    rt.jobs.run_delayed()
    assert "いったん止めました" in texts(chat.channel.to("REQ"))[-1]
    assert session.scalar(select(HelpRequest)).status == "cancelled"
    rt.jobs.run_delayed()  # run twice: nothing more
    assert len([m for m in texts(chat.channel.to("REQ")) if "いったん止めました" in m]) == 1


def test_cancel_mid_way_withdraws_offers_and_tells_the_helper_who_accepted(chat, session):
    midori = factories.district(session, "緑ケ丘")
    _requester(session, midori)
    factories.helper(session, user_id="H1", district=midori)
    factories.helper(session, user_id="H2", district=midori)
    ask_for_help(chat)
    press(chat, "H1", "引き受ける", offers_to(chat, "H1"))
    got = chat.say("REQ", "さっきのお願い、取り消します")
    assert "取り消しました" in texts(got)[0]
    assert "取り消しになりました" in texts(chat.channel.to("H1"))[-1]
    assert session.scalar(select(HelpRequest)).status == "cancelled"
    got = press(chat, "H2", "引き受ける", offers_to(chat, "H2"))
    assert "取り消されたか" in texts(got)[0] or "ほかの方" in texts(got)[0]


def test_cancel_before_anyone_accepts(chat, session):
    midori = factories.district(session, "緑ケ丘")
    _requester(session, midori)
    factories.helper(session, user_id="H1", district=midori)
    ask_for_help(chat)
    chat.say("REQ", "さっきのお願い、取り消します")
    assert set(session.scalars(select(Offer.status))) == {"withdrawn"}
    got = chat.say("H1", "引き受けます")
    # A late "yes" to a cancelled request takes nothing, and the helper is not thanked for taking it.
    assert set(session.scalars(select(Offer.status))) == {"withdrawn"}
    assert not any("よろしくお願いします" in text or "引き受けてくださいました" in text for text in texts(got))
    assert session.scalar(select(Task)) is None


def test_the_person_helped_can_confirm_or_deny_done_by_typing(chat, session):
    from bot.timebank import ledger

    midori = factories.district(session, "緑ケ丘")
    _requester(session, midori)
    helper = factories.helper(session, user_id="H1", skills=["garbage"], district=midori, display_name="佐藤")
    ask_for_help(chat)
    chat.say("H1", "引き受けます")
    press(chat, "H1", "30分", chat.say("H1", "終わりました"))
    got = chat.say("REQ", "まだです")
    assert "相手の方にお伝えします" in texts(got)[0]
    assert "「まだです」とのお返事" in texts(chat.channel.to("H1"))[-1]
    assert session.scalar(select(Task)).request.status == "assigned"
    press(chat, "H1", "30分", chat.say("H1", "終わりました"))
    chat.say("REQ", "はい")
    assert session.scalar(select(Task)).request.status == "done"
    assert ledger.balance(session, helper.id) > ledger.balance(
        session, session.scalar(select(Task)).request.resident_id
    )


def test_a_need_of_no_named_kind_is_shown_with_the_words_it_was_understood_by(chat, session):
    midori = factories.district(session, "緑ケ丘")
    _requester(session, midori, address="緑ケ丘1-1")
    got = chat.say("REQ", "台風が来る前に雨戸を閉めてほしいんですけど")
    assert "その他（" in texts(got)[0] and "雨戸" in texts(got)[0], texts(got)  # not a bare 「その他」
    got = chat.say("REQ", "明日の朝")
    got = chat.say("REQ", "特になし")
    assert "雨戸" in texts(got)[-1] and "お願いする" in buttons(got), texts(got)  # the summary to send


@pytest.mark.parametrize("answer", ["press", "前と同じところで", "same as before"])
def test_the_place_of_the_last_request_is_offered_again(answer, chat, session):
    """Most people ask again from home: the second request offers the first one's place (to the
    person only); pressed or written (「前と同じ」), it is used, and a new address still can be."""
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori)
    chat.say("REQ", "明日の朝ゴミ出しをお願いできますか")
    chat.say("REQ", "緑ケ丘2-3-4")
    press(chat, "REQ", "お願いする", chat.say("REQ", "公民館の近く"))
    got = chat.say("REQ", "あさっての午後、買い物をお願いしたいです")
    assert "緑ケ丘2-3-4" in texts(got)[-1] and "前と同じ場所" in buttons(got), texts(got)
    if answer == "press":
        got = press(chat, "REQ", "前と同じ場所", got)
    else:
        got = chat.say("REQ", answer)
    assert "目印" in texts(got)[-1], texts(got)
    second = session.scalar(select(HelpRequest).where(HelpRequest.category == "shopping"))
    assert second.meeting_point == "緑ケ丘2-3-4"


def test_a_new_address_is_taken_over_the_last_place(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori)
    chat.say("REQ", "明日の朝ゴミ出しをお願いできますか")
    chat.say("REQ", "緑ケ丘2-3-4")
    press(chat, "REQ", "お願いする", chat.say("REQ", "公民館の近く"))
    chat.say("REQ", "あさっての午後、買い物をお願いしたいです")
    chat.say("REQ", "今回は娘の家で、緑ケ丘5-1-1です")
    second = session.scalar(select(HelpRequest).where(HelpRequest.category == "shopping"))
    assert "5-1-1" in second.meeting_point


def test_no_last_place_for_a_first_request(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori)
    got = chat.say("REQ", "明日の朝ゴミ出しをお願いできますか")
    assert "前回" not in texts(got)[-1] and "前と同じ場所" not in buttons(got)
