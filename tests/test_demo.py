"""Demo data: districts, helpers, experience masters and an admin to try the bot with; safe to run twice."""

from __future__ import annotations

from sqlalchemy import func, select

from app import create_app
from bot import demo, runtime
from bot.config import Config
from bot.timebank.ledger import balance
from db.models import (
    District,
    DistrictAdmin,
    HelperProfile,
    LedgerEntry,
    Resident,
    Subscription,
    district_neighbours,
    helper_districts,
    local_now,
)
from db.session import upgrade

COUNTED = (
    District,
    Resident,
    HelperProfile,
    DistrictAdmin,
    Subscription,
    LedgerEntry,
    district_neighbours,
    helper_districts,
)


def counts(session) -> list[int]:
    return [session.scalar(select(func.count()).select_from(table)) for table in COUNTED]


def test_demo_data_twice_adds_nothing_the_second_time(session):
    demo.load(session, local_now())
    once = counts(session)
    demo.load(session, local_now())
    assert counts(session) == once
    assert once[:5] == [5, 11, 6, 5, 11]  # 11 people: one is 荒尾市 staff for its 3 districts


def test_demo_districts_have_readings_and_neighbours_in_their_city(session):
    demo.load(session, local_now())
    midori = session.scalar(select(District).where(District.name == "緑ケ丘"))
    kokura = session.scalar(select(District).where(District.name == "小倉"))
    assert (midori.city, midori.reading) == ("荒尾市", "みどりがおか")
    assert sorted(d.name for d in midori.neighbours) == ["井手川", "八幡"]
    assert [d.name for d in kokura.neighbours] == ["黒崎"]


def test_demo_people_can_be_spoken_as_on_the_chat_page(session):
    people = demo.load(session, local_now())
    assert all(p.platform == "line" and p.platform_user_id.startswith("Udemo") for p in people)
    assert all(len(p.platform_user_id) == 33 for p in people)  # as LINE's user ids
    carpenter = next(p for p in people if p.helper_profile and "元大工" in (p.helper_profile.experience or ""))
    assert carpenter.helper_profile.approved and "repair" in carpenter.helper_profile.skills
    assert {d.name for d in carpenter.helper_profile.districts} == {"八幡", "緑ケ丘", "井手川"}
    paid = sum(row[6] for row in demo.demo()["history"] if row[4] == people[0].display_name)
    assert balance(session, people[0].id) == runtime.current().config.starting_grant_minutes - paid


def test_demo_history_gives_the_admin_pages_something_to_show(session):
    from sqlalchemy import func, select

    from bot.circulars.circulars import progress
    from bot.timebank.ledger import total
    from db.models import Circular, HelpRequest

    demo.load(session, local_now())
    demo.load(session, local_now())
    unmet = session.scalar(select(func.count()).where(HelpRequest.status == "unmet"))
    assert unmet == sum(1 for row in demo.demo()["history"] if row[2] == "unmet")
    assert total(session) == 0  # the past tasks were paid in the time bank, nothing made up
    circular = session.scalar(select(Circular))
    assert progress(session, circular.id).confirmed == 2


def test_the_demo_data_command_runs_twice(tmp_path):
    app = create_app(Config(database_url=f"sqlite:///{tmp_path / 'kyojo.sqlite'}", jobs_mode="eager"))
    upgrade(runtime.current().engine)
    runner = app.test_cli_runner()
    first, second = runner.invoke(args=["demo-data"]), runner.invoke(args=["demo-data"])
    assert first.exit_code == second.exit_code == 0, (first.output, repr(first.exception))
    assert "5 districts, 11 people" in second.output
    assert "city staff 村上 直子（荒尾市 地域振興課）: flask --app app admin-link" in second.output


def test_the_demo_time_bank_history_is_dated_when_the_help_happened(session):
    from bot.timebank.ledger import recent

    now = local_now()
    people = demo.load(session, now)
    tanaka = people[0]
    moves = recent(session, tanaka.id, limit=20)
    paid = [m for m in moves if m.kind == "task"]
    assert len({f"{m.at:%Y-%m}" for m in paid}) >= 4  # over several months, not all today
    assert all(m.at <= local_now() for m in moves)
    assert moves == sorted(moves, key=lambda m: m.at, reverse=True)
