"""No answer twice: the watchers are told and a neighbour goes to the door; the address is theirs alone."""

from datetime import timedelta

from sqlalchemy import select

from db.models import CheckInDay, HelpRequest
from tests import factories
from tests.fakes import texts
from tests.handlers.talk import offers_to
from tests.watch.talk import MONDAY, at, greeting_button, sign_up

ADDRESS = "緑ケ丘3-2-1"


def _setup(session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="HANA", district=midori, display_name="花子")
    factories.resident(session, user_id="DAUGHTER", display_name="娘")
    factories.admin(session, midori, user_id="ADMIN", display_name="会長")
    for user, name in (("H1", "佐藤"), ("H2", "鈴木")):
        factories.helper(session, user_id=user, skills=["shopping"], district=midori, display_name=name)


def _silent_until_alert(chat):
    chat.clock = MONDAY - timedelta(days=1)
    code = sign_up(chat, "HANA", who="両方", address=ADDRESS)
    chat.say("DAUGHTER", f"見守りコード {code}")
    at(chat, MONDAY.replace(hour=9))
    at(chat, MONDAY.replace(hour=10))  # the one reminder
    assert "お返事をお待ちしています" in texts(chat.channel.to("HANA"))[-1]
    at(chat, MONDAY.replace(hour=11, minute=59))
    assert not offers_to(chat, "H1")
    at(chat, MONDAY.replace(hour=12))  # three hours after the greeting


def test_missed_twice_the_watchers_are_told_and_the_first_helper_gets_the_address(chat, session):
    _setup(session)
    _silent_until_alert(chat)
    for watcher in ("DAUGHTER", "ADMIN"):
        assert "お返事がありません" in texts(chat.channel.to(watcher))[-1]
    offers = {user: offers_to(chat, user)[-1] for user in ("H1", "H2")}
    assert all("様子を見に行く" in o.title and ADDRESS not in o.body for o in offers.values())
    got = chat.press("H1", next(b.data for b in offers["H1"].buttons if b.data.startswith("offer.accept")))
    assert ADDRESS in texts(got)[-1]
    assert [b.label for b in got[-1].buttons] == ["会えた", "不在", "救急"]
    assert "サポーターが花子さんの様子を見に行きます" in texts(chat.channel.to("DAUGHTER"))[-1]
    got = chat.press("H2", next(b.data for b in offers["H2"].buttons if b.data.startswith("offer.accept")))
    assert "ほかの方が先に" in texts(got)[0]
    everyone_else = [m for user in ("H2", "DAUGHTER", "ADMIN", "HANA") for m in texts(chat.channel.to(user))]
    assert not any(ADDRESS in m for m in everyone_else if "ご住所" not in m)
    met = next(b.data for b in chat.channel.to("H1")[-1].buttons if b.data.endswith(":met"))
    chat.press("H1", met)
    assert "佐藤さんが花子さんに会えました" in texts(chat.channel.to("DAUGHTER"))[-1]
    day = session.scalar(select(CheckInDay))
    assert day.outcome == "met" and session.get(HelpRequest, day.visit_request_id).status == "done"
    assert "→会えた" in texts(chat.say("DAUGHTER", "見守りの記録"))[0]


def test_emergency_tells_the_watchers_and_the_admins_at_once(chat, session):
    _setup(session)
    _silent_until_alert(chat)
    offer = offers_to(chat, "H2")[-1]
    chat.press("H2", next(b.data for b in offer.buttons if b.data.startswith("offer.accept")))
    forged = next(b.data for b in chat.channel.to("H2")[-1].buttons if b.data.endswith(":emergency"))
    got = chat.press("H1", forged)  # not the helper who went
    assert "担当者だけ" in texts(got)[0]
    got = chat.press("H2", forged)
    assert "119" in texts(got)[0]
    for user in ("DAUGHTER", "ADMIN"):
        assert "至急" in texts(chat.channel.to(user))[-1]


def test_an_answer_after_the_alert_calls_the_neighbour_off(chat, session):
    _setup(session)
    _silent_until_alert(chat)
    chat.press("HANA", greeting_button(chat, "HANA"))
    assert "お返事がありました" in texts(chat.channel.to("DAUGHTER"))[-1]
    request = session.get(HelpRequest, session.scalar(select(CheckInDay.visit_request_id)))
    assert request.status == "cancelled"
    offer = offers_to(chat, "H1")[-1]
    got = chat.press("H1", next(b.data for b in offer.buttons if b.data.startswith("offer.accept")))
    assert ADDRESS not in "".join(texts(got))


def test_nobody_goes_in_time_and_the_watchers_hear_exactly_that(chat, session, rt):
    from db.models import Offer

    _setup(session)
    _silent_until_alert(chat)
    assert len(offers_to(chat, "H1")) == len(offers_to(chat, "H2")) == 1
    rt.jobs.run_delayed()  # the offers time out: nobody else to ask
    rt.jobs.run_delayed()
    told = texts(chat.channel.to("DAUGHTER"))[-1]
    assert "サポーター2人にお願いしましたが、時間内に引き受けた人はいませんでした" in told
    assert "花子さん（9:00の声かけから返事なし）" in told and "地区の担当者にも知らせました" in told
    assert any("見つかりませんでした" in t for t in texts(chat.channel.to("ADMIN")))  # with helpers to ask
    assert not any("見つかりませんでした" in t for t in texts(chat.channel.to("HANA")))  # not the silent person
    assert session.get(HelpRequest, session.scalar(select(CheckInDay.visit_request_id))).status == "unmet"
    assert {o.status for o in session.scalars(select(Offer))} == {"expired"}


def test_a_district_without_helpers_says_so_and_not_that_someone_is_going(chat, session, rt):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="HANA", district=midori, display_name="花子")
    factories.resident(session, user_id="DAUGHTER", display_name="娘")
    _silent_until_alert(chat)
    told = texts(chat.channel.to("DAUGHTER"))
    assert "この地区には様子を見に行けるサポーターがいません" in told[-1] and "お電話" in told[-1]
    assert not any("お願いしました" in t for t in told)
    rt.jobs.run_delayed()
    assert texts(chat.channel.to("DAUGHTER")) == told  # nothing more, nothing untrue
