"""`flask demo-data`: made-up districts, helpers, experience masters and an admin (bot/demo.toml).

Safe to run again: every row is found before it is made, so a second run adds nothing.
"""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import click
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import residents, runtime
from bot.circulars import deliveries
from bot.timebank.ledger import grant
from db.models import (
    CheckInDay,
    Circular,
    District,
    DistrictAdmin,
    HelperProfile,
    HelpRequest,
    LedgerEntry,
    Resident,
    Subscription,
    Task,
)

DEMO_FILE = Path(__file__).resolve().parent / "demo.toml"
HISTORY_MONTHS = 6  # how far back the demo history goes
PLATFORM = "line"  # the local chat page speaks LINE, so it can act as these people


@cache
def demo() -> dict:
    """The demo data file, read once."""
    with DEMO_FILE.open("rb") as file:
        return tomllib.load(file)


def register(cli: click.Group) -> None:
    """Add the `demo-data` command."""

    @cli.command("demo-data")
    def demo_data() -> None:
        """Fill the database with demo districts and people (safe to run again)."""
        from db.session import Session as SessionFactory

        with SessionFactory.begin() as session:
            people = load(session, runtime.current().clock.now())
            admins = [
                (p.id, p.display_name, "city staff" if row.get("staff_of") else "district admin")
                for p, row in zip(people, demo()["residents"])
                if row.get("admin_of") or row.get("staff_of")
            ]
        click.echo(f"demo data ready: {len(demo()['districts'])} districts, {len(people)} people")
        for resident_id, name, role in admins:
            click.echo(f"{role} {name}: flask --app app admin-link {resident_id}")


def load(session: Session, now: datetime) -> list[Resident]:
    """Add whatever of the demo data is missing, its history dated back from `now`; the demo
    people, in the file's order."""
    districts = {row["name"]: find_or_add_district(session, row) for row in demo()["districts"]}
    link_neighbours(districts)
    people = [add_person(session, row, districts) for row in demo()["residents"]]
    if session.scalar(select(HelpRequest.id).limit(1)) is None:  # a fresh database only
        by_name = {p.display_name: p for p in people}
        add_history(session, by_name, districts, now)
        add_circulars(session, by_name, districts, now)
        add_watching(session, by_name, now)
    return people


def add_history(session: Session, people: dict[str, Resident], districts: dict[str, District], now: datetime) -> None:
    """Past and current requests: done ones with their task and time-bank transfer dated when
    they happened, unmet ones, and a few still open or taken."""
    # the starting grants were given when these people joined, before the history began
    session.execute(
        update(LedgerEntry)
        .where(LedgerEntry.kind == "grant")
        .values(created_at=now - timedelta(days=30 * HISTORY_MONTHS))
    )
    for number, row in enumerate(demo()["history"]):
        district, category, status, months_ago, asker, helper, minutes, *text = row
        at = now - timedelta(days=30 * months_ago + number % 7, hours=number % 5)
        request = past_request(people[asker], districts[district], category, status, at, text[0] if text else "")
        session.add(request)
        session.flush()
        if status in ("done", "assigned"):
            add_task(session, request, people[helper], minutes, at + timedelta(minutes=15 + number * 13 % 80), now)


def past_request(
    asker: Resident, district: District, category: str, status: str, at: datetime, text: str
) -> HelpRequest:
    """A request as it was made then: still to come (open, taken) or over (done, unmet)."""
    from bot.matching.describe import kind

    over = status in ("done", "unmet")
    return HelpRequest(
        resident_id=asker.id,
        created_by_id=asker.id,
        district_id=district.id,
        category=category,
        status=status,
        text=text,
        summary=kind(category, "ja"),
        when=at if over else at + timedelta(days=3),
        created_at=at,
        closed_at=at if over else None,
        offer_round=1,
    )


def add_task(
    session: Session, request: HelpRequest, helper: Resident, minutes: int, accepted_at: datetime, now: datetime
) -> None:
    """The helper's task; a done one is paid in the time bank, dated the day it was done."""
    from bot.timebank.ledger import settle_task

    done = request.status == "done"
    done_at = min(accepted_at + timedelta(days=1), now) if done else None
    task = Task(
        request_id=request.id,
        helper_id=helper.id,
        accepted_at=accepted_at,
        done_at=done_at,
        confirmed_at=done_at,
        minutes=minutes if done else None,
    )
    session.add(task)
    session.flush()
    if done:
        settle_task(session, task, minutes, config=runtime.current().config)
        session.execute(update(LedgerEntry).where(LedgerEntry.task_id == task.id).values(created_at=done_at))


def add_circulars(session: Session, people: dict[str, Resident], districts: dict[str, District], now: datetime) -> None:
    """Circulars and safety checks sent some days ago to the district's followers; some answered."""
    for row in demo()["circulars"]:
        at = now - timedelta(days=row["days_ago"])
        district = districts[row["district"]]
        safety = row.get("kind") == "safety_check"
        circular = Circular(
            district_id=district.id,
            author_id=people[row["author"]].id,
            title=row["title"],
            body=row["body"],
            kind=row.get("kind", "circular"),
            needs_confirmation=not safety,
            status="sent",
            created_at=at,
            sent_at=at,
        )
        session.add(circular)
        session.flush()
        followers = session.scalars(
            select(Subscription.resident_id).where(
                Subscription.district_id == district.id, Subscription.active.is_(True)
            )
        )
        deliveries.record_sent(session, circular.id, list(followers), at)
        for answer in ("confirmed_by", "safe", "need_help"):
            for name in row.get(answer, ()):
                answered(session, circular.id, people[name].id, at + timedelta(hours=1), answer)


def answered(session: Session, circular_id: int, resident_id: int, at: datetime, answer: str) -> None:
    """A follower's delivery confirmed ("confirmed_by") or answered ("safe", "need_help") at `at`."""
    row = deliveries.delivery(session, circular_id, resident_id)
    if row is None:  # not a follower of the district
        return
    row.confirmed_at = at
    if answer in ("safe", "need_help"):
        row.answer, row.answered_at = answer, at


def add_watching(session: Session, people: dict[str, Resident], now: datetime) -> None:
    """A check-in with a week of greetings (some unanswered), and a person marked with a supporter."""
    from bot.watch import checkins, support

    for row in demo().get("check_ins", []):
        person = people[row["resident"]]
        check_in = checkins.sign_up(
            session, person, checkins.Plan(row["minute_of_day"]), by=person, now=now - timedelta(days=8)
        )
        for name in row["watchers"]:
            checkins.add_watcher(session, check_in, people[name], "admin")
        for days_ago in range(1, 8):
            greeted = checkins.greeting_time(check_in, (now - timedelta(days=days_ago)).date())
            answered = greeted + timedelta(minutes=7) if days_ago in row["answered_days_ago"] else None
            session.add(
                CheckInDay(
                    check_in_id=check_in.id,
                    day=greeted.date(),
                    greeted_at=greeted,
                    answered_at=answered,
                    answer="fine" if answered else None,
                    reminded_at=None if answered else greeted + timedelta(hours=1),
                    alerted_at=None if answered else greeted + timedelta(hours=3),
                )
            )
    for row in demo().get("support_needs", []):
        admin = next(p for p in people.values() if p.display_name.startswith("小林"))
        need = support.mark(session, people[row["resident"]], admin, row["note"])
        for name in row["supporters"]:
            support.add_supporter(session, need, people[name])


def find_or_add_district(session: Session, row: dict) -> District:
    """The district of this name, made if missing."""
    district = session.scalar(select(District).where(District.name == row["name"]))
    if district is None:
        district = District(name=row["name"], city=row["city"], reading=row["reading"])
        session.add(district)
        session.flush()
    return district


def link_neighbours(districts: dict[str, District]) -> None:
    """The districts of one city are each other's neighbours."""
    for district in districts.values():
        for other in districts.values():
            if other is not district and other.city == district.city and other not in district.neighbours:
                district.neighbours.append(other)


def add_person(session: Session, row: dict, districts: dict[str, District]) -> Resident:
    """One demo person with their district, subscription, helper profile and admin rights."""
    person = residents.upsert(session, PLATFORM, row["user_id"], display_name=row["name"], language=row.get("language"))
    person.district_id = districts[row["district"]].id
    subscribe(session, person, person.district_id)
    if "helper" in row:
        add_helper_profile(session, person, row["helper"], districts)
    for role, names in (("admin", row.get("admin_of", ())), ("staff", row.get("staff_of", ()))):
        for name in names:
            if session.get(DistrictAdmin, (person.id, districts[name].id)) is None:
                session.add(DistrictAdmin(resident_id=person.id, district_id=districts[name].id, role=role))
    session.flush()
    grant(session, person.id, config=runtime.current().config)  # given once
    return person


def subscribe(session: Session, person: Resident, district_id: int) -> None:
    """Follow the district's circulars, once."""
    known = session.scalar(
        select(Subscription).where(Subscription.resident_id == person.id, Subscription.district_id == district_id)
    )
    if known is None:
        session.add(Subscription(resident_id=person.id, district_id=district_id))


def add_helper_profile(session: Session, person: Resident, helper: dict, districts: dict[str, District]) -> None:
    """A helper profile (approved unless the file says not), made if missing."""
    profile = session.scalar(select(HelperProfile).where(HelperProfile.resident_id == person.id))
    if profile is not None:
        return
    profile = HelperProfile(
        resident_id=person.id,
        skills=helper["skills"],
        availability=helper["availability"],
        experience=helper.get("experience"),
        experience_skills=helper.get("experience_skills", []),
        approved=helper.get("approved", True),
    )
    profile.districts.extend(districts[name] for name in helper["districts"])
    session.add(profile)
