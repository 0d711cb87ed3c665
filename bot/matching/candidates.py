"""Finding the helpers who could take a request: database queries, ranking left to rank.py."""
from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, and_, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from bot.matching.rank import EXPERIENCE_THRESHOLD, Candidate, available, slot_for
from db.models import (District, HelperProfile, HelpRequest, Offer, Resident, Task,
                       district_neighbours, helper_districts)

# Helpers read per district and per way of fitting: an index range, whatever the district's size.
POOL_PER_DISTRICT = 60
# Experience masters whose kinds do not list the request's: each costs an NLP comparison.
MASTERS_PER_DISTRICT = 20
# Index entries read per district and direction: bounds the work in a district of any size.
SCAN_PER_DISTRICT = 400
# Kinds any helper of the district can do, whatever they registered (go and see a neighbour).
ANY_HELPER = ("watch_visit",)


@dataclass(frozen=True)
class Row:
    """One helper as read from the database, before scoring."""

    resident_id: int
    profile_id: int
    skills: list
    experience: str | None
    experience_skills: list
    availability: list
    weekly_cap: int | None


def ring(session: Session, district_id: int) -> list[tuple[int, bool]]:
    """The request's district first, then its neighbours: (district id, same district)."""
    neighbours = session.scalars(select(district_neighbours.c.neighbour_id).where(
        district_neighbours.c.district_id == district_id).order_by(district_neighbours.c.neighbour_id))
    return [(district_id, True), *((n, False) for n in neighbours if n != district_id)]


def _slice(district_id: int, pivot: int, upward: bool):
    """At most SCAN_PER_DISTRICT helper ids of a district, from `pivot` up (or below it)."""
    order = helper_districts.c.helper_id
    side = order >= pivot if upward else order < pivot
    return (select(order.label("helper_id")).where(helper_districts.c.district_id == district_id, side)
            .order_by(order).limit(SCAN_PER_DISTRICT).subquery())


def _rows(session: Session, request: HelpRequest, district_id: int, exclude: set[int], ids) -> list[Row]:
    needs_approval = any(d.requires_approval for d in (
        session.get(District, district_id), request.district) if d is not None)
    query = (
        select(HelperProfile.resident_id, HelperProfile.id, HelperProfile.skills,
               HelperProfile.experience, HelperProfile.experience_skills,
               HelperProfile.availability, HelperProfile.weekly_cap)
        .select_from(ids)
        .join(HelperProfile, HelperProfile.id == ids.c.helper_id)
        .join(Resident, Resident.id == HelperProfile.resident_id)
        .where(HelperProfile.paused.is_(False), Resident.active.is_(True), Resident.platform != "none",
               HelperProfile.resident_id.not_in(exclude),
               or_(_contains(HelperProfile.skills, request.category), HelperProfile.experience.is_not(None),
                   literal(request.category in ANY_HELPER)))
        .order_by(ids.c.helper_id)
    )
    if needs_approval:
        query = query.where(HelperProfile.approved.is_(True))
    return [Row(*row) for row in session.execute(query)]


def _contains(column, category: str):
    # JSON lists are stored as text on SQLite and as json on PostgreSQL: a quoted word matches both.
    return cast(column, String).like(f'%"{category}"%')


def rows_for(session: Session, request: HelpRequest, district_id: int, exclude: set[int],
             pivot: int) -> list[Row]:
    """Helpers of one district who list the kind, then experience masters who might fit.

    Only a bounded slice of the district is read, starting at `pivot` and wrapping round, so the
    cost does not grow with the district; a different pivot per request spreads the offers.
    """
    rows = [*_rows(session, request, district_id, exclude, _slice(district_id, pivot, True)),
            *_rows(session, request, district_id, exclude, _slice(district_id, pivot, False))]
    by_skill = [r for r in rows if request.category in r.skills][:POOL_PER_DISTRICT]
    masters = [r for r in rows if request.category not in r.skills][:MASTERS_PER_DISTRICT]
    return by_skill + masters


def fit(row: Row, request: HelpRequest) -> float:
    """1.0 for a registered kind, else how well the experience matches the request's words."""
    from bot.nlp import experience_score

    if request.category in (*row.skills, *ANY_HELPER) or request.category in (row.experience_skills or ()):
        return 1.0
    if not row.experience:
        return 0.0
    text = " ".join(part for part in (request.text, request.summary) if part)
    value = experience_score(row.experience, text)
    return value if value >= EXPERIENCE_THRESHOLD else 0.0


def already_offered(session: Session, request_id: int) -> set[int]:
    """Helpers this request was offered to already (any round)."""
    return set(session.scalars(select(Offer.helper_id).where(Offer.request_id == request_id)))


def find(session: Session, request: HelpRequest, now: datetime, default_cap: int) -> list[Candidate]:
    """Every helper who could take the request now, with what ranking needs."""
    exclude = already_offered(session, request.id) | {request.resident_id, request.created_by_id}
    slot = slot_for(request.when, request.time_of_day)
    pivot = random.Random(request.id).randint(1, session.scalar(select(func.max(HelperProfile.id))) or 1)
    found: dict[int, tuple[Row, bool, float]] = {}
    for district_id, same in ring(session, request.district_id) if request.district_id else []:
        for row in rows_for(session, request, district_id, exclude | set(found), pivot):
            score = fit(row, request)
            if score > 0 and available(row.availability, slot):
                found[row.resident_id] = (row, same, score)
    return _with_history(session, found, now, default_cap)


def _with_history(session: Session, found: dict[int, tuple[Row, bool, float]], now: datetime,
                  default_cap: int) -> list[Candidate]:
    ids = list(found)
    week = dict(_count(session, Task.helper_id, ids, Task.accepted_at >= now - timedelta(days=7)))
    last = {helper_id: at for helper_id, at in session.execute(
        select(Task.helper_id, func.max(Task.accepted_at)).where(Task.helper_id.in_(ids))
        .group_by(Task.helper_id))}
    received = dict(_count(session, Offer.helper_id, ids, Offer.status != "withdrawn"))
    answered = dict(_count(session, Offer.helper_id, ids, Offer.status.in_(("accepted", "declined"))))
    return [
        Candidate(resident_id=rid, fit=score, same_district=same, tasks_this_week=week.get(rid, 0),
                  weekly_cap=row.weekly_cap or default_cap,
                  days_since_last_task=(now - last[rid]).total_seconds() / 86400 if rid in last else None,
                  offers_received=received.get(rid, 0), offers_answered=answered.get(rid, 0))
        for rid, (row, same, score) in found.items()
    ]


def _count(session: Session, column, ids: Iterable[int], condition) -> list[tuple[int, int]]:
    return [(key, n) for key, n in session.execute(
        select(column, func.count()).where(and_(column.in_(ids), condition)).group_by(column))]
