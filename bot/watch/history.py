"""The last 30 days of a check-in, as watchers and the admin page read them."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.i18n import t, time_text, when_text
from bot.watch import checkins
from db.models import CheckIn, CheckInDay, Resident


def day_state(day: CheckInDay, locale: str) -> str:
    """How one day went: 元気です (9:05), no answer, a neighbour met them..."""
    if day.answered_at is not None:
        said = t(f"watch.state.{day.answer or 'words'}", locale, time=time_text(day.answered_at, locale))
    else:
        said = t("watch.state.none", locale)
    if day.outcome:
        said += t("watch.state.then", locale, outcome=t(f"watch.outcome.{day.outcome}", locale))
    return said


def lines(session: Session, check_in: CheckIn, today: date, locale: str) -> list[str]:
    """One line per greeting of the last 30 days, newest first."""
    return [
        t("watch.history_line", locale, day=when_text(d.day, locale), state=day_state(d, locale))
        for d in checkins.history(session, check_in, today)
    ]


def history_text(session: Session, person: Resident, today: date) -> str:
    """What a watcher (or the watched person) reads when asking for the record."""
    locale = person.language
    own = checkins.of(session, person.id)
    blocks = []
    for check_in in ([own] if own else []) + checkins.watched_by(session, person):
        found = lines(session, check_in, today, locale) or [t("watch.history_empty", locale)]
        blocks.append("\n".join([t("watch.history_title", locale, name=check_in.resident.display_name or ""), *found]))
    return "\n\n".join(blocks) if blocks else t("watch.none", locale)
