"""Telling a watched person's watchers: one catalog text each, once per day and kind of news."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.events import Envelope, Outbox, Text
from bot.i18n import t, time_text
from bot.matching.offers import retry_key
from bot.watch import checkins
from db.models import CheckInDay


def watcher_envelopes(session: Session, day: CheckInDay, key: str, **fields: object) -> list[Envelope]:
    """The text `key` about the day's person for each watcher, keyed so a retry sends it once."""
    person = day.check_in.resident
    return [
        Envelope(
            watcher.id,
            [
                Text(
                    t(
                        key,
                        watcher.language,
                        name=person.display_name or "",
                        time=time_text(day.greeted_at, watcher.language),
                        **fields,
                    )
                )
            ],
            retry_key=retry_key(key, day.id, watcher.id),
        )
        for watcher in checkins.watchers(session, day.check_in)
    ]


def tell_watchers(session: Session, day: CheckInDay, key: str, **fields: object) -> Outbox:
    """The same, as an Outbox."""
    return Outbox(watcher_envelopes(session, day, key, **fields))
