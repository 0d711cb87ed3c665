"""A message that names two kinds of help (「明日ゴミ出しと買い物をお願いしたい」) goes out as two
requests, each offered to the helpers of its kind, after one set of questions; through LINE."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import HelpRequest, local_now
from tests import factories
from tests.conversations.persona import date_and_part
from tests.fakes import texts
from tests.handlers.talk import offers_to, press


@pytest.fixture
def midori(session):
    district = factories.district(session, "緑ケ丘")
    factories.resident(session, platform="line", user_id="Ureq", district=district, display_name="山田")
    for user, kind in (("Ug", "garbage"), ("Us", "shopping"), ("Ud", "dog_walking"), ("Uw", "garden")):
        factories.helper(session, platform="line", user_id=user, district=district, skills=[kind])
    session.commit()
    return district


def answer_and_send(chat, got: list) -> list:
    """Address, landmark, お願いする: what the requester got last."""
    assert "住所" in texts(got)[-1] or "address" in texts(got)[-1], texts(got)
    chat.say("Ureq", "緑ケ丘3-2-1")
    got = chat.say("Ureq", "公民館の近く")
    return got, chat.press("Ureq", next(b.data for m in got for b in m.buttons if b.data.startswith("request.send")))


def day(card) -> tuple:
    return date_and_part(card)


def tomorrow():
    """Tomorrow, read when a test runs (not at import: a run may cross midnight)."""
    return (local_now() + timedelta(days=1)).date()


@pytest.mark.parametrize(
    "text",
    [
        "明日ゴミ出しと買い物をお願いしたい",
        "あしたごみだしとかいものをおねがいしたい",
        "明日、ゴミ出しとそれから買い物もお願いできんやろか",
        "明日のゴミ出しや買い物ば頼みたかです",
        "ｱｼﾀ ｺﾞﾐ出しと買い物をお願いします",
        "あしたゴミ出しと買い物お願いします",
        "Could someone take out my rubbish and do my shopping tomorrow?",
        "Please take out my trash tomorrow morning and also buy groceries",
    ],
)
def test_two_kinds_in_one_message_go_out_as_two_requests(text, line_chat, session, midori):
    got = line_chat.say("Ureq", text)
    summary, sent = answer_and_send(line_chat, got)
    assert "2" in texts(summary)[-1]  # the summary says two requests will go out
    requests = list(session.scalars(select(HelpRequest).order_by(HelpRequest.id)))
    assert [r.category for r in requests] == ["garbage", "shopping"]
    assert all(r.status == "open" and r.when.date() == tomorrow() for r in requests)
    assert all(r.meeting_point == "緑ケ丘3-2-1" and r.landmark == "公民館の近く" for r in requests)
    garbage, shopping = offers_to(line_chat, "Ug"), offers_to(line_chat, "Us")
    assert len(garbage) == 1 and len(shopping) == 1 and offers_to(line_chat, "Ud") == []
    assert day(garbage[0])[0] == day(shopping[0])[0] == (tomorrow().month, tomorrow().day)
    assert "3-2-1" not in garbage[0].body + shopping[0].body
    said = texts(sent)[-1]
    assert ("ゴミ出し" in said or "ごみ出し" in said or "rubbish" in said.lower()) and (
        "買い物" in said or "shopping" in said.lower()
    )


def test_each_kind_keeps_the_time_said_next_to_it(line_chat, session, midori):
    got = line_chat.say("Ureq", "明日の朝ごみ出しと、午後に買い物を頼みたい")
    summary, _ = answer_and_send(line_chat, got)
    assert "朝" in texts(summary)[-1] and "午後" in texts(summary)[-1]
    assert day(offers_to(line_chat, "Ug")[0]) == ((tomorrow().month, tomorrow().day), "morning")
    assert day(offers_to(line_chat, "Us")[0]) == ((tomorrow().month, tomorrow().day), "afternoon")


def test_a_time_asked_after_applies_to_both(line_chat, session, midori):
    got = line_chat.say("Ureq", "犬の散歩と庭の草取りをお願いできますか")
    assert "いつ" in texts(got)[-1]
    got = line_chat.say("Ureq", "あさっての午後")
    answer_and_send(line_chat, got)
    after = (local_now() + timedelta(days=2)).date()
    assert (
        day(offers_to(line_chat, "Ud")[0])
        == day(offers_to(line_chat, "Uw")[0])
        == ((after.month, after.day), "afternoon")
    )


def test_choosing_one_kind_at_the_summary_sends_one_request(line_chat, session, midori):
    got = line_chat.say("Ureq", "明日ゴミ出しと買い物をお願いしたい")
    line_chat.say("Ureq", "緑ケ丘3-2-1")
    got = line_chat.say("Ureq", "公民館の近く")
    got = press(line_chat, "Ureq", "内容を変える", got)
    got = press(line_chat, "Ureq", "買い物", got)
    assert "2件" not in texts(got)[-1]
    press(line_chat, "Ureq", "お願いする", got)
    assert [r.category for r in session.scalars(select(HelpRequest))] == ["shopping"]
    assert offers_to(line_chat, "Ug") == [] and len(offers_to(line_chat, "Us")) == 1


def test_a_cancel_drops_both(line_chat, session, midori):
    line_chat.say("Ureq", "明日ゴミ出しと買い物をお願いしたい")
    got = line_chat.say("Ureq", "やっぱりやめます")
    assert "ごみ出し、買い物" in texts(got)[0]
    assert [r.status for r in session.scalars(select(HelpRequest))] == ["cancelled"]
    assert offers_to(line_chat, "Ug") == offers_to(line_chat, "Us") == []


@pytest.mark.parametrize(
    "text",
    [
        "洗剤とスポンジを買ってきてもらえませんか",
        "息子と買い物に行きたいので車を出してほしい",
        "キャットフードと猫砂を買ってきてほしい",
        "ちょっと買い物をお願いしたい",
        "Please buy me batteries and light bulbs, I can fit them myself",
        "my son and I need a ride to the hospital tomorrow",
        "生け垣の剪定と、切った枝の片付けをお願いしたい",
    ],
)
def test_things_named_together_for_one_kind_stay_one_request(text, line_chat, session, midori):
    got = line_chat.say("Ureq", text)
    if "いつ" in texts(got)[-1] or "When" in texts(got)[-1]:
        got = line_chat.say("Ureq", "明日")
    answer_and_send(line_chat, got)
    assert len(list(session.scalars(select(HelpRequest)))) == 1


@pytest.mark.parametrize(
    "text, left",
    [
        ("あ、買い物はやっぱりいいです", "garbage"),
        ("買い物はやめときます", "garbage"),
        ("ゴミ出しはやめます", "shopping"),
        ("ごみだしは もう いいです", "shopping"),
    ],
)
def test_one_kind_dropped_in_words_leaves_the_other(text, left, line_chat, session, midori):
    line_chat.say("Ureq", "明日ゴミ出しと買い物をお願いしたい")
    got = line_chat.say("Ureq", text)
    assert "続けます" in texts(got)[0] and "住所" in texts(got)[-1], texts(got)
    answer_and_send(line_chat, got)
    requests = [r for r in session.scalars(select(HelpRequest)) if r.status == "open"]
    assert [r.category for r in requests] == [left] and requests[0].when.date() == tomorrow()
    helpers = {"garbage": "Ug", "shopping": "Us"}
    assert len(offers_to(line_chat, helpers[left])) == 1
    assert offers_to(line_chat, helpers[{"garbage": "shopping", "shopping": "garbage"}[left]]) == []


@pytest.mark.parametrize(
    "text, changed",
    [("さっきのゴミ出し、明後日にしてください", "garbage"), ("さっきの買い物は明後日にしてくれんね", "shopping")],
)
def test_a_later_change_of_one_kind_sent_together_changes_that_one(text, changed, line_chat, session, midori):
    answer_and_send(line_chat, line_chat.say("Ureq", "明日ゴミ出しと買い物をお願いしたい"))
    line_chat.say("Ureq", text)
    requests = {r.category: r for r in session.scalars(select(HelpRequest))}
    assert len(requests) == 2
    after = (local_now() + timedelta(days=2)).date()
    other = "shopping" if changed == "garbage" else "garbage"
    assert requests[changed].when.date() == after and requests[other].when.date() == tomorrow()
