"""A watched resident answers: 元気です, any words, words that say something is wrong, a time away."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.events import Outbox, Text
from bot.i18n import t, when_text
from bot.watch import checkins, visits
from bot.watch.tell import tell_watchers
from bot.watch.words import pause_span, says_away, sounds_unwell
from db.models import CheckInDay, Resident


def fine(session: Session, day: CheckInDay, person: Resident, now: datetime) -> Outbox:
    """元気です pressed: today is answered (pressed again, the same thanks)."""
    box = _record(session, day, "fine", now)
    return box.to(person.id, Text(t("watch.thanks_fine", person.language)))


def in_words(session: Session, person: Resident, text: str, now: datetime) -> Outbox | None:
    """Words from a resident with a greeting open: any reply counts, a worrying one alerts the
    watchers at once. None when the words need the usual handling too (they still count)."""
    if not person.watched:  # never had a check-in: no greeting to answer (no look-up)
        return None
    day = checkins.open_greeting(session, person, now.date())
    if day is None:
        return None
    if sounds_unwell(text, person.language):
        box = _record(session, day, "unwell", now)
        box.extend(tell_watchers(session, day, "watch.alert_unwell", text=text[:200]))
        return box.to(person.id, Text(t("watch.thanks_unwell", person.language)))
    box = _record(session, day, "words", now)
    return box.to(person.id, Text(t("watch.thanks_words", person.language)))


def _record(session: Session, day: CheckInDay, answer: str, now: datetime) -> Outbox:
    """Mark the day answered; if a neighbour was already asked to go, call it off or tell them."""
    if day.answered_at is not None:
        return Outbox()
    day.answered_at, day.answer = now, answer
    if day.alerted_at is None:
        return Outbox()
    return visits.call_off(session, day, now).extend(tell_watchers(session, day, "watch.answered_late"))


def away(session: Session, person: Resident, text: str, now: datetime) -> Outbox | None:
    """「明日から3日間、娘のところに行きます」: no greeting on those days. None if no span is said."""
    if not person.watched or not says_away(text, person.language):  # no check-in to pause (no look-up)
        return None
    check_in = checkins.of(session, person.id)
    span = None if check_in is None else pause_span(text, now.date())
    if check_in is None or span is None:
        return None
    checkins.pause(check_in, span.first, span.last)
    locale = person.language
    box = Outbox().to(
        person.id,
        Text(t("watch.paused", locale, first=when_text(span.first, locale), last=when_text(span.last, locale))),
    )
    for watcher in checkins.watchers(session, check_in):
        box.to(
            watcher.id,
            Text(
                t(
                    "watch.paused_watcher",
                    watcher.language,
                    name=person.display_name or "",
                    first=when_text(span.first, watcher.language),
                    last=when_text(span.last, watcher.language),
                )
            ),
        )
    return box
