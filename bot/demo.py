"""`flask demo-data`: made-up districts, helpers, experience masters and an admin (bot/demo.toml).

Safe to run again: every row is found before it is made, so a second run adds nothing.
"""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import residents
from bot.timebank.ledger import grant
from db.models import District, DistrictAdmin, HelperProfile, Resident, Subscription

DEMO_FILE = Path(__file__).resolve().parent / "demo.toml"
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
            people = load(session)
            admins = [(p.id, p.display_name) for p, row in zip(people, demo()["residents"])
                      if row.get("admin_of")]
        click.echo(f"demo data ready: {len(demo()['districts'])} districts, {len(people)} people")
        for resident_id, name in admins:
            click.echo(f"district admin {name}: flask --app app admin-link {resident_id}")


def load(session: Session) -> list[Resident]:
    """Add whatever of the demo data is missing; the demo people, in the file's order."""
    districts = {row["name"]: find_or_add_district(session, row) for row in demo()["districts"]}
    link_neighbours(districts)
    return [add_person(session, row, districts) for row in demo()["residents"]]


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
    person = residents.upsert(session, PLATFORM, row["user_id"], display_name=row["name"],
                              language=row.get("language"))
    person.district_id = districts[row["district"]].id
    subscribe(session, person, person.district_id)
    if "helper" in row:
        add_helper_profile(session, person, row["helper"], districts)
    for name in row.get("admin_of", ()):
        if session.get(DistrictAdmin, (person.id, districts[name].id)) is None:
            session.add(DistrictAdmin(resident_id=person.id, district_id=districts[name].id))
    session.flush()
    grant(session, person.id)  # given once
    return person


def subscribe(session: Session, person: Resident, district_id: int) -> None:
    """Follow the district's circulars, once."""
    known = session.scalar(select(Subscription).where(
        Subscription.resident_id == person.id, Subscription.district_id == district_id))
    if known is None:
        session.add(Subscription(resident_id=person.id, district_id=district_id))


def add_helper_profile(session: Session, person: Resident, helper: dict,
                       districts: dict[str, District]) -> None:
    """An approved helper profile, made if missing."""
    profile = session.scalar(select(HelperProfile).where(HelperProfile.resident_id == person.id))
    if profile is not None:
        return
    profile = HelperProfile(resident_id=person.id, skills=helper["skills"],
                            availability=helper["availability"], experience=helper.get("experience"),
                            experience_skills=helper.get("experience_skills", []), approved=True)
    profile.districts.extend(districts[name] for name in helper["districts"])
    session.add(profile)
