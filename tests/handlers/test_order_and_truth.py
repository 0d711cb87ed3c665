"""Order and truth, through the real webhook, RQ on a real Redis and the fake LINE API: what one
person receives arrives in the order it was decided, across jobs too, and the bot says the
district's contact was told only when one was."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Circular, OutboundMessage
from tests import factories
from tests.handlers.line_talk import drain, index_of, later, line_rq, press, received, say  # noqa: F401


def _ask_for_help(client, redis, line_api, user: str, fail_the_last_reply: bool) -> None:
    """Ask for help and answer every question; LINE fails to take the answer to the last one."""
    for text in ("明日の朝ゴミ出しをお願いできますか", "緑ケ丘3-2-1 山田", "緑ケ丘公園の近く"):
        say(client, user, text)
        drain(redis)
    if fail_the_last_reply:
        line_api.fail_next(500, count=1, path="/reply")
    say(client, user, "はい、お願いします")
    drain(redis)
    if fail_the_last_reply:
        later(redis)


@pytest.mark.parametrize("fail", [True, False], ids=["line-hiccup", "line-fine"])
def test_posted_comes_before_nobody_found_even_when_the_reply_failed_once(fail, line_rq, redis, line_api, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, platform="line", user_id="Ureq", district=midori, display_name="山田")
    factories.admin(session, midori, platform="line", user_id="Uadmin", display_name="担当")
    session.commit()
    _ask_for_help(line_rq, redis, line_api, "Ureq", fail)
    got = received(line_api, "Ureq")
    posted, nobody = index_of(got, "お願いを出しました"), index_of(got, "見つかりませんでした")
    assert posted < nobody
    assert "地区の担当の方にもお伝えした" in got[nobody]  # an admin was told, so it says so
    assert any("引き受け手なし" in m for m in received(line_api, "Uadmin"))
    assert sum("お願いを出しました" in m for m in got) == 1 and sum("見つかりませんでした" in m for m in got) == 1
    session.expire_all()
    assert {r.status for r in session.scalars(select(OutboundMessage))} == {"sent"}
    assert line_api.violations == []


def test_where_the_district_has_no_admin_nobody_is_said_to_be_told(line_rq, redis, line_api, session):
    kurosaki = factories.district(session, "黒崎")
    factories.resident(session, platform="line", user_id="Ureq", district=kurosaki, display_name="山田")
    session.commit()
    _ask_for_help(line_rq, redis, line_api, "Ureq", fail_the_last_reply=False)
    got = received(line_api, "Ureq")
    nobody = got[index_of(got, "見つかりませんでした")]
    assert "お伝えした" not in nobody and "どなたにもお伝えできていません" in nobody
    assert index_of(got, "お願いを出しました") < index_of(got, "見つかりませんでした")


def test_an_admin_who_cannot_be_reached_is_not_said_to_be_told(line_rq, redis, line_api, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, platform="line", user_id="Ureq", district=midori, display_name="山田")
    factories.admin(session, midori, platform="line", user_id="Ugone", display_name="元担当", active=False)
    session.commit()
    _ask_for_help(line_rq, redis, line_api, "Ureq", fail_the_last_reply=False)
    got = received(line_api, "Ureq")
    assert "どなたにもお伝えできていません" in got[index_of(got, "見つかりませんでした")]
    assert received(line_api, "Ugone") == []


def _safety_check(client, redis, session, admin_user: str, district) -> int:
    press(client, admin_user, f"safety.prepare:{district.id}")
    drain(redis)
    check_id = session.scalar(select(Circular.id).where(Circular.kind == "safety_check"))
    press(client, admin_user, f"circular.send:{check_id}")
    drain(redis)
    return check_id


@pytest.mark.parametrize("fail", [True, False], ids=["line-hiccup", "line-fine"])
def test_help_is_coming_comes_before_nobody_found_after_a_safety_answer(fail, line_rq, redis, line_api, session):
    from bot.circulars import subscriptions

    midori = factories.district(session, "緑ケ丘")
    tome = factories.resident(
        session, platform="line", user_id="Utome", district=midori, display_name="トメ", address="緑ケ丘1-1"
    )
    factories.admin(session, midori, platform="line", user_id="Uadmin", display_name="担当")
    subscriptions.subscribe(session, tome, midori)
    session.commit()
    check_id = _safety_check(line_rq, redis, session, "Uadmin", midori)
    if fail:
        line_api.fail_next(500, count=1, path="/reply")
    press(line_rq, "Utome", f"safety.need_help:{check_id}")
    drain(redis)
    if fail:
        later(redis)
    got = received(line_api, "Utome")
    coming, nobody = index_of(got, "すぐに地区の担当者とサポーターに知らせます"), index_of(got, "見つかりませんでした")
    assert coming < nobody
    assert line_api.violations == []


def _two_rows(session, user: str) -> list[int]:
    from bot import outbox as outboxes
    from bot.events import Outbox, Text

    person = factories.resident(session, platform="line", user_id=user)
    first = outboxes.store(session, Outbox().to(person.id, Text("一通目")))
    second = outboxes.store(session, Outbox().to(person.id, Text("二通目")))
    session.commit()
    return first + second


def test_a_later_message_waits_for_an_earlier_one_in_backoff_and_goes_right_after_it(line_rq, redis, line_api, session):
    from bot import jobs
    from bot.errors import ChannelError

    first, second = _two_rows(session, "Uwait")
    line_api.fail_next(500, count=1, path="/push")
    with pytest.raises(ChannelError):
        jobs.deliver([first])  # LINE hiccups: the first waits for its next try
    jobs.deliver([second])  # another job's message to the same person: not before the first
    assert received(line_api, "Uwait") == []
    session.expire_all()
    rows = {r.id: r for r in session.scalars(select(OutboundMessage))}
    assert rows[second].next_attempt_at == rows[first].next_attempt_at and rows[second].attempts == 0
    later(redis)
    assert received(line_api, "Uwait") == ["一通目", "二通目"]


def test_a_message_given_up_does_not_hold_back_the_next(line_rq, redis, line_api, session):
    from bot import jobs

    first, second = _two_rows(session, "Ugiveup")
    line_api.fail_next(400, count=1, path="/push")  # refused for good
    jobs.deliver([second])
    assert received(line_api, "Ugiveup") == ["二通目"]
    session.expire_all()
    assert session.get(OutboundMessage, first).status == "failed"


def test_after_a_safety_answer_the_admins_are_said_to_be_told_only_when_there_is_one(line_rq, redis, line_api, session):
    from bot.circulars import subscriptions
    from db.models import Resident

    midori = factories.district(session, "緑ケ丘")
    tome = factories.resident(session, platform="line", user_id="Utome", district=midori, display_name="トメ")
    admin = factories.admin(session, midori, platform="line", user_id="Uadmin", display_name="担当")
    subscriptions.subscribe(session, tome, midori)
    session.commit()
    check_id = _safety_check(line_rq, redis, session, "Uadmin", midori)
    session.get(Resident, admin.id).active = False  # the admin left after sending the check
    session.commit()
    press(line_rq, "Utome", f"safety.need_help:{check_id}")
    drain(redis)
    got = received(line_api, "Utome")
    assert "地区の担当者" not in got[index_of(got, "すぐに近くのサポーターに知らせます")]
    assert "どなたにもお伝えできていません" in got[index_of(got, "見つかりませんでした")]


PHRASINGS = {  # how people ask, and how they say yes at the summary
    "polite": ("明日の朝、ゴミ出しを手伝っていただけませんか", "はい、お願いします"),
    "blunt": ("明日の朝ゴミ出し頼む", "はい"),
    "kitakyushu": ("明日の朝、ゴミ出し手伝ってくれんやろか", "よかよ"),
    "kumamoto": ("明日の朝、ゴミ出しば手伝うてもらえんですか", "よかです"),
    "hiragana": ("あしたの あさ ごみだしを てつだって ほしいです", "はい"),
    "half-width": ("ｱｼﾀﾉｱｻ ｺﾞﾐﾀﾞｼｦ ｵﾈｶﾞｲｼﾀｲ", "ﾊｲ"),
    "voice": ("えっとあしたのあさなんですけどごみだしをおねがいできますか", "はいおねがいします"),
    "english": ("Could someone take out my garbage tomorrow morning?", "yes"),
}


@pytest.mark.parametrize("phrasing", PHRASINGS)
def test_in_every_phrasing_posted_comes_before_nobody_found(phrasing, line_rq, redis, line_api, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, platform="line", user_id="Ureq", district=midori, display_name="山田")
    factories.admin(session, midori, platform="line", user_id="Uadmin", display_name="担当")
    session.commit()
    asking, yes = PHRASINGS[phrasing]
    for text in (asking, "緑ケ丘3-2-1 山田", "緑ケ丘公園の近く"):
        say(line_rq, "Ureq", text)
        drain(redis)
    line_api.fail_next(500, count=1, path="/reply")  # LINE hiccups on the answer to the yes
    say(line_rq, "Ureq", yes)
    drain(redis)
    later(redis)
    got = received(line_api, "Ureq")
    posted = [i for i, m in enumerate(got) if "お願いを出しました" in m or "is out" in m]
    nobody = [i for i, m in enumerate(got) if "見つかりませんでした" in m or "nobody is free" in m]
    assert len(posted) == 1 and len(nobody) == 1 and posted[0] < nobody[0], got
