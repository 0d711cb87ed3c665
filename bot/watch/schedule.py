"""The daily round, read from the database on every tick: greet, remind once, then alert.

Nothing waits in Redis: a tick finds what is due from the rows, so a wiped queue or a worker
that was down loses nothing; the next tick does it. Run twice, a tick sends nothing twice.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import outbox as outboxes
from bot.channel import Channels
from bot.events import Button, Card, Envelope, Outbox
from bot.i18n import t
from bot.matching.offers import retry_key
from bot.matching.unmet import short_list
from bot.watch import checkins, support, visits
from bot.watch.tell import watcher_envelopes
from db.models import CheckIn, CheckInDay, Resident

log = logging.getLogger(__name__)


def tick(now: datetime, channels: Channels) -> None:
    """Everything due by `now`: greetings, reminders, alerts, and the people who need help in a
    disaster while a safety check is out."""
    from db.session import Session as SessionFactory

    with SessionFactory.begin() as session:
        box = Outbox()
        box.envelopes += greet_due(session, now)
        box.envelopes += remind_due(session, now)
        box.envelopes += alert_due(session, now)
        box.envelopes += support.follow_due(session, now)
        ids = outboxes.store(session, box)
    outboxes.deliver(channels, ids, now)


# -- greetings -------------------------------------------------------------------------------


def greet_due(session: Session, now: datetime) -> list[Envelope]:
    """Today's greeting for every check-in whose time has come and who was not greeted yet."""
    today = now.date()
    minute = now.hour * 60 + now.minute
    greeted = exists().where(CheckInDay.check_in_id == CheckIn.id, CheckInDay.day == today)
    due = session.scalars(
        select(CheckIn).where(CheckIn.active.is_(True), CheckIn.minute_of_day <= minute, ~greeted).order_by(CheckIn.id)
    )
    return [envelope for check_in in due if (envelope := _greet(session, check_in, today, now))]


def _greet(session: Session, check_in: CheckIn, today: date, now: datetime) -> Envelope | None:
    if not checkins.greets_on(check_in, today) or check_in.created_at > checkins.greeting_time(check_in, today):
        return None  # not a day of theirs, paused, or signed up after today's time
    try:
        with session.begin_nested():  # another tick at the same moment: the unique day wins
            day = CheckInDay(check_in_id=check_in.id, day=today, greeted_at=now)
            session.add(day)
    except IntegrityError:
        return None
    person = check_in.resident
    return Envelope(person.id, [greeting(day, person)], retry_key=retry_key("watch.greet", day.id))


def greeting(day: CheckInDay, person: Resident, key: str = "watch.greeting") -> Card:
    """The greeting card, with 元気です on the message itself."""
    locale = person.language
    fine = t("watch.fine_button", locale)
    return Card(
        t(f"{key}_title", locale),
        t(f"{key}_body", locale, name=person.display_name or ""),
        (Button(fine, f"watch.fine:{day.id}", fine),),
        alt_text=t(f"{key}_title", locale),
    )


# -- no answer: a reminder, then the watchers and a neighbour ----------------------------------


def _unanswered(session: Session, *conditions: ColumnElement[bool]) -> list[CheckInDay]:
    return list(
        session.scalars(
            select(CheckInDay)
            .join(CheckIn, CheckIn.id == CheckInDay.check_in_id)
            .where(
                CheckIn.active.is_(True),
                CheckInDay.answered_at.is_(None),
                CheckInDay.alerted_at.is_(None),
                and_(*conditions),
            )
            .order_by(CheckInDay.id)
            .with_for_update(of=CheckInDay, skip_locked=True)
        )
    )


def remind_due(session: Session, now: datetime) -> list[Envelope]:
    """One reminder to each person who has not answered within their reminder time."""
    envelopes = []
    for day in _unanswered(session, CheckInDay.reminded_at.is_(None), CheckInDay.day == now.date()):
        if day.greeted_at + timedelta(minutes=day.check_in.remind_after_minutes) > now:
            continue  # (a day gone by is not reminded: its alert is due instead)
        day.reminded_at = now
        person = day.check_in.resident
        envelopes.append(
            Envelope(person.id, [greeting(day, person, "watch.reminder")], retry_key=retry_key("watch.remind", day.id))
        )
    return envelopes


def alert_due(session: Session, now: datetime) -> list[Envelope]:
    """Reminded and still silent after the hours they chose: tell the watchers, send a neighbour."""
    envelopes = []
    for day in _unanswered(session, or_(CheckInDay.reminded_at.is_not(None), CheckInDay.day < now.date())):
        if day.greeted_at + timedelta(hours=day.check_in.alert_after_hours) > now:
            continue
        day.alerted_at = now
        request = visits.send_neighbour(session, day, now)
        # Told truly: a helper is being asked, or the district has none to ask.
        alone = not short_list(session, request)
        envelopes += watcher_envelopes(session, day, "watch.alert_silent_alone" if alone else "watch.alert_silent")
    return envelopes
