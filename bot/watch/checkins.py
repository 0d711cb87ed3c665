"""Who is watched over, when they are greeted, and who watches: signing up, pausing, history."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from db.models import CheckIn, CheckInDay, DistrictAdmin, Resident, Watcher

EVERY_DAY = tuple(range(7))
WEEKDAYS = tuple(range(5))
HISTORY_DAYS = 30


@dataclass(frozen=True)
class Plan:
    """What a resident chose when signing up."""

    minute_of_day: int
    weekdays: tuple[int, ...] = EVERY_DAY
    alert_after_hours: int = 3
    district_admins_watch: bool = False


def of(session: Session, resident_id: int) -> CheckIn | None:
    """The resident's check-in, if they have one running."""
    return session.scalar(select(CheckIn).where(CheckIn.resident_id == resident_id, CheckIn.active.is_(True)))


def sign_up(session: Session, person: Resident, plan: Plan, *, by: Resident, now: datetime) -> CheckIn:
    """Start (or change) `person`'s daily check-in; `by` is themself or the proxy who asked."""
    check_in = session.scalar(select(CheckIn).where(CheckIn.resident_id == person.id))
    if check_in is None:
        check_in = CheckIn(resident_id=person.id, created_by_id=by.id, invite_code=_new_code(session))
        session.add(check_in)
        person.watched = True  # their texts are read as answers to its greetings from now on
    check_in.active, check_in.created_at = True, now
    check_in.minute_of_day = plan.minute_of_day
    check_in.weekdays = list(plan.weekdays)
    check_in.alert_after_hours = plan.alert_after_hours
    session.flush()
    if by.id != person.id:
        add_watcher(session, check_in, by, "family")
    if plan.district_admins_watch and person.district_id:
        for admin_id in session.scalars(
            select(DistrictAdmin.resident_id).where(DistrictAdmin.district_id == person.district_id)
        ):
            add_watcher(session, check_in, session.get_one(Resident, admin_id), "admin")
    return check_in


def _new_code(session: Session) -> str:
    """Six digits, easy to read out on the phone, not used by another check-in."""
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if session.scalar(select(CheckIn.id).where(CheckIn.invite_code == code)) is None:
            return code


def add_watcher(session: Session, check_in: CheckIn, person: Resident, role: str) -> Watcher | None:
    """Make `person` a watcher (once); the watched person never watches themself."""
    if person.id == check_in.resident_id:
        return None
    found = session.scalar(select(Watcher).where(Watcher.check_in_id == check_in.id, Watcher.resident_id == person.id))
    if found is None:
        found = Watcher(check_in_id=check_in.id, resident_id=person.id, role=role)
        session.add(found)
        session.flush()
    return found


def by_code(session: Session, code: str) -> CheckIn | None:
    """The running check-in an invitation code belongs to."""
    return session.scalar(select(CheckIn).where(CheckIn.invite_code == code.strip(), CheckIn.active.is_(True)))


def watchers(session: Session, check_in: CheckIn) -> list[Resident]:
    """The people to tell, still following the bot."""
    people = session.scalars(
        select(Resident)
        .join(Watcher, Watcher.resident_id == Resident.id)
        .where(Watcher.check_in_id == check_in.id)
        .order_by(Watcher.id)
    )
    return [p for p in people if p.active]


def watched_by(session: Session, person: Resident) -> list[CheckIn]:
    """The running check-ins a person watches."""
    return list(
        session.scalars(
            select(CheckIn)
            .join(Watcher, Watcher.check_in_id == CheckIn.id)
            .where(Watcher.resident_id == person.id, CheckIn.active.is_(True))
            .order_by(CheckIn.id)
        )
    )


def pause(check_in: CheckIn, first: date, last: date) -> None:
    """No greeting from `first` to `last`."""
    check_in.paused_from, check_in.paused_until = first, last


def stop(check_in: CheckIn) -> None:
    """The resident no longer wants the daily greeting."""
    check_in.active = False


def greets_on(check_in: CheckIn, day: date) -> bool:
    """Whether this check-in sends a greeting on `day`."""
    paused = (
        check_in.paused_from is not None
        and check_in.paused_until is not None
        and check_in.paused_from <= day <= check_in.paused_until
    )
    return check_in.active and day.weekday() in check_in.weekdays and not paused


def greeting_time(check_in: CheckIn, day: date) -> datetime:
    """When the greeting of `day` is due."""
    return datetime.combine(day, datetime.min.time()) + timedelta(minutes=check_in.minute_of_day)


def history(session: Session, check_in: CheckIn, today: date) -> list[CheckInDay]:
    """The greetings of the last 30 days, newest first."""
    return list(
        session.scalars(
            select(CheckInDay)
            .where(CheckInDay.check_in_id == check_in.id, CheckInDay.day > today - timedelta(days=HISTORY_DAYS))
            .order_by(CheckInDay.day.desc())
        )
    )


# Built once (every text of everyone is looked up: any words answer a greeting).
_LATEST_GREETING = (
    select(CheckInDay)
    .join(CheckIn, CheckIn.id == CheckInDay.check_in_id)
    .where(CheckIn.resident_id == bindparam("resident_id"))
    .order_by(CheckInDay.day.desc())
    .limit(1)
)


def open_greeting(session: Session, person: Resident, today: date) -> CheckInDay | None:
    """The person's latest greeting (of today or yesterday) if it is still unanswered."""
    latest = session.scalar(_LATEST_GREETING, {"resident_id": person.id})
    if latest is None or latest.answered_at is not None or latest.day < today - timedelta(days=1):
        return None
    return latest
