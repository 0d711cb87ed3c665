"""Redis holds no truth for 見守り either: a search whose fan-out job was lost, and a district whose
menu switch was lost, are re-driven by the reconciler's next pass, once."""

from datetime import timedelta

from sqlalchemy import select

from bot import reconcile
from db.models import District, Resident, Search, local_now
from tests import factories
from tests.channels.conftest import line_app  # noqa: F401  (fixtures)
from tests.watch.test_search import _town, received


def test_a_search_whose_fan_out_was_lost_reaches_everyone_at_the_next_pass_once(chat, session):
    _town(session)
    family = session.scalar(select(Resident).where(Resident.platform_user_id == "FAMILY"))
    started = local_now() - timedelta(minutes=1)
    search = Search(
        district_id=family.district_id,
        started_by_id=family.id,
        status="open",
        description="山田ハナ、82歳",
        last_seen="今朝9時ごろ緑ケ丘公園",
        created_at=started,
    )
    session.add(search)
    session.commit()  # sent, but its fan-out job never ran (Redis lost it)

    assert reconcile.reconcile(started + timedelta(seconds=5)).total == 0  # its own job may still come
    assert reconcile.reconcile().jobs == {"bot.jobs.search_fan_out": 1}
    for user in ("HELPER", "NEXT", "OPTED"):
        assert "人を探しています" in received(chat, user)[-1].title
    cards = len(chat.channel.multicasts)
    assert reconcile.reconcile().total == 0  # reached everyone: not again
    assert len(chat.channel.multicasts) == cards


def test_a_districts_menu_switch_lost_with_redis_is_done_by_the_next_pass(line_app, line_api, session):  # noqa: F811
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, platform="line", user_id="Uja", district=midori)
    session.commit()
    assert line_app.test_cli_runner().invoke(args=["rich-menu"]).exit_code == 0
    midori.disaster_mode = True  # turned on, but the job switching the menus was lost
    session.commit()

    assert reconcile.reconcile().jobs == {"bot.jobs.switch_menus": 1}
    menu = line_api.rich_menus[line_api.links["Uja"]]
    assert [area["action"]["data"] for area in menu["areas"]][0] == "disaster.report"
    session.expire_all()
    assert session.get(District, midori.id).menus_disaster is True
    assert reconcile.reconcile().total == 0
