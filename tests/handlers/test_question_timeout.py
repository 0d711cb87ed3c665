"""A question nobody answers times out politely: at its time, once, however its job is run (early
by a scheduler whose clock runs ahead, twice, or beside the reconciler's copy)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import reconcile
from bot.matching import drafts
from db.models import HelpRequest, local_now
from tests import factories
from tests.fakes import StoppedClock, texts

EXPIRED = "いったん止めました"


@pytest.fixture
def midori(session):
    district = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=district)
    return district


def notes(chat) -> int:
    return sum(EXPIRED in m for m in texts(chat.channel.to("REQ")))


def an_hour_later(rt) -> None:
    rt.clock = StoppedClock(local_now() + timedelta(minutes=drafts.QUESTION_MINUTES + 1))


def test_a_timeout_run_before_its_time_leaves_the_question_open(chat, session, rt, midori):
    chat.say("REQ", "明日の朝ゴミ出しをお願いできますか")
    rt.jobs.run_delayed()  # the timeout job, run before the hour is up
    assert notes(chat) == 0
    got = chat.say("REQ", "緑ケ丘3-2-1")
    assert "目印" in texts(got)[-1]  # the answer still counts
    assert session.scalar(select(HelpRequest)).meeting_point == "緑ケ丘3-2-1"


def test_at_its_time_the_person_is_told_once_and_the_draft_dropped(chat, session, rt, midori):
    chat.say("REQ", "明日の朝ゴミ出しをお願いできますか")
    an_hour_later(rt)
    rt.jobs.run_delayed()
    reconcile.reconcile(local_now() + timedelta(hours=2))  # the reconciler's copy runs too
    rt.jobs.run_delayed()
    assert notes(chat) == 1
    assert session.scalar(select(HelpRequest)).status == "cancelled"
