"""見守り for the district admin: who is watched, how each of the last 30 days went."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.watch import checkins, history
from bot.web import request_session
from bot.web.admin import blueprint, page, require_district
from db.models import CheckIn, Resident, local_now


@dataclass(frozen=True)
class Watched:
    """One watched person as the page shows them."""

    name: str
    time: str
    watchers: int
    today: str
    alarm: bool  # today unanswered after the alert, or a worrying answer
    days: list[str]


@blueprint.get("/d/<int:district_id>/watch")
def watch(district_id: int):
    """Each watched person of the district: today's state first, then the last 30 days."""
    db = request_session()
    admin, district = require_district(db, district_id)
    today = local_now().date()
    rows = db.scalars(select(CheckIn).join(Resident, Resident.id == CheckIn.resident_id).where(
        Resident.district_id == district_id, CheckIn.active.is_(True)).order_by(Resident.display_name))
    people = [_watched(db, row, today, admin.language) for row in rows]
    return page("watch.html", admin, district=district,
                people=sorted(people, key=lambda p: not p.alarm))


def _watched(db, check_in: CheckIn, today, locale: str) -> Watched:
    days = checkins.history(db, check_in, today)
    latest = days[0] if days and days[0].day == today else None
    state = history.day_state(latest, locale) if latest else ""
    alarm = latest is not None and (latest.answer == "unwell" or
                                    (latest.alerted_at is not None and latest.answered_at is None))
    return Watched(name=check_in.resident.display_name or "",
                   time=f"{check_in.minute_of_day // 60}:{check_in.minute_of_day % 60:02d}",
                   watchers=len(checkins.watchers(db, check_in)), today=state, alarm=alarm,
                   days=history.lines(db, check_in, today, locale))
