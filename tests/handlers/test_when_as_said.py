"""The day and time of a request as the person wrote them: 「しあさって」 is three days on, 「夕がた」
half in kana is still the evening, 「三日ほど」 is how long (the day is asked), and 「いつでん
よか」, Kyushu's 「いつでもいい」, is any time."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import HelpRequest, local_now
from tests import factories
from tests.fakes import texts


@pytest.fixture
def town(session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori, address="緑ケ丘3-2-1", display_name="山田")
    factories.helper(session, user_id="H1", skills=["repair"], district=midori)
    factories.helper(session, user_id="H2", skills=["dog_walking"], district=midori)
    session.commit()
    return midori


def asked_when(chat, first: str = "障子の張り替えをお願いしたいです") -> list:
    got = chat.say("REQ", first)
    assert "いつ" in texts(got)[-1], texts(got)
    return got


@pytest.mark.parametrize("said", ["しあさっての朝", "明々後日の朝", "明明後日の朝"])
def test_three_days_on_is_not_the_day_after_tomorrow(said, chat, session, town):
    asked_when(chat)
    got = chat.say("REQ", said)
    assert "目印" in texts(got)[-1], texts(got)
    request = session.scalar(select(HelpRequest))
    assert request.when.date() == local_now().date() + timedelta(days=3)
    assert request.time_of_day == "morning"


@pytest.mark.parametrize(
    ("said", "hour"), [("あしたの夕がた", 17), ("あしたのゆう方", 17), ("あしたのゆうがた7時", 19)]
)
def test_the_evening_half_in_kana_is_the_evening(said, hour, chat, session, town):
    asked_when(chat)
    chat.say("REQ", said)
    request = session.scalar(select(HelpRequest))
    assert request.time_of_day == "evening" and request.when.hour == hour
    assert request.when.date() == local_now().date() + timedelta(days=1)


@pytest.mark.parametrize(
    "first",
    ["猫のえさやりを三日ほどお願いしたいです", "犬の散歩を2日分お願いしたいです", "3日くらい犬の散歩を頼みたいです"],
)
def test_how_many_days_is_no_day_and_the_day_is_asked(first, chat, session, town):
    asked_when(chat, first)
    request = session.scalar(select(HelpRequest))
    assert request.when is None


@pytest.mark.parametrize("said", ["いつでんよかです", "いつでっちゃいいです", "いつだっていいですよ"])
def test_any_time_in_dialect_is_any_time(said, chat, session, town):
    asked_when(chat)
    got = chat.say("REQ", said)
    assert "目印" in texts(got)[-1], texts(got)
    assert session.scalar(select(HelpRequest)).time_of_day == "any"


@pytest.mark.parametrize(
    ("said", "part"),
    [
        ("水やりは朝より夕方がよかったです、夕方に変えてください", "evening"),
        ("朝よりも昼のほうが助かります", "afternoon"),
    ],
)
def test_a_time_compared_away_with_yori_is_not_the_one_kept(said, part, chat, session, town):
    chat.say("REQ", "明日の朝、庭の水やりをお願いしたいです")
    got = chat.say("REQ", "公民館の近く")
    assert "お願いする" in [b.label for m in got for b in m.buttons], texts(got)
    chat.say("REQ", said)
    request = session.scalar(select(HelpRequest))
    assert request.time_of_day == part
    assert request.when.date() == local_now().date() + timedelta(days=1)
