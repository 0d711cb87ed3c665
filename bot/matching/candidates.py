"""Finding the helpers who could take a request: database queries, ranking left to rank.py."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import DateTime, bindparam, cast, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from bot.matching import pools
from bot.matching.pools import ANY_HELPER, MASTERS_PER_DISTRICT, POOL_PER_DISTRICT, SKILL, Row
from bot.matching.rank import EXPERIENCE_THRESHOLD, Candidate, available, slot_for
from db.matching_index import fresh
from db.models import District, HelperProfile, HelpRequest, Offer, Task, district_neighbours

__all__ = ["MASTERS_PER_DISTRICT", "POOL_PER_DISTRICT", "find"]


def ring(session: Session, district_id: int) -> list[tuple[int, bool, bool]]:
    """The request's district first, then its neighbours: (id, same district, requires approval)."""
    near = select(district_neighbours.c.neighbour_id).where(district_neighbours.c.district_id == district_id)
    rows = session.execute(
        select(District.id, District.requires_approval)
        .where(or_(District.id == district_id, District.id.in_(near)))
        .order_by(District.id != district_id, District.id)
    )
    return [(d, d == district_id, bool(strict)) for d, strict in rows]


def fit(row: Row, request: HelpRequest, request_terms: Callable[[], dict]) -> float:
    """1.0 for a registered kind, else how well the experience matches the request's words."""
    from bot.nlp import experience_terms, terms_score

    if row.fits_by == SKILL or request.category in ANY_HELPER or request.category in (row.experience_skills or ()):
        return 1.0
    if not row.experience:
        return 0.0
    stored = row.experience_terms
    terms = stored if stored is not None and fresh(stored, row.experience) else experience_terms(row.experience)
    value = terms_score(terms, request_terms())
    return value if value >= EXPERIENCE_THRESHOLD else 0.0


def already_offered(session: Session, request_id: int) -> set[int]:
    """Helpers this request was offered to already (any round)."""
    return set(session.scalars(select(Offer.helper_id).where(Offer.request_id == request_id)))


def find(session: Session, request: HelpRequest, now: datetime, default_cap: int) -> list[Candidate]:
    """Every helper who could take the request now, with what ranking needs."""
    from bot.nlp import experience_terms

    exclude = already_offered(session, request.id) | {request.resident_id, request.created_by_id}
    slot = slot_for(request.when, request.time_of_day)
    # Where in the helpers' ids this request starts reading: anywhere between the lowest and the
    # highest, so that requests spread over everyone (ids need not start near 1).
    lowest, highest = session.execute(_id_bounds()).one()
    pivot = random.Random(request.id).randint(lowest or 1, highest or 1)
    # The request is read once, and only when an experience master needs comparing.
    request_terms = cache(lambda: experience_terms(" ".join(p for p in (request.text, request.summary) if p)))
    districts = ring(session, request.district_id) if request.district_id else []
    home_strict = any(strict for _, same, strict in districts if same)
    read = pools.read(session, request, [(d, strict or home_strict) for d, _, strict in districts], exclude, pivot, now)
    found: dict[int, tuple[Row, bool, float]] = {}
    for place, row in read:
        if row.resident_id in found:  # serves two districts of the ring: the nearer counts
            continue
        score = fit(row, request, request_terms)
        if score > 0 and available(row.availability, slot):
            found[row.resident_id] = (row, districts[place][1], score)
    return _with_history(session, found, now, default_cap)


@cache
def _id_bounds():
    """The lowest and highest helper id, each its own look-up at one end of the index (SQLite reads
    the whole table for min() and max() in one select)."""
    return select(*(select(end(HelperProfile.id)).scalar_subquery() for end in (func.min, func.max)))


def _with_history(
    session: Session, found: dict[int, tuple[Row, bool, float]], now: datetime, default_cap: int
) -> list[Candidate]:
    """The candidates, with their tasks this week, last task, offers received and answered."""
    tasks: dict[int, tuple] = {}
    offers: dict[int, tuple] = {}
    rows = session.execute(
        _history(session.get_bind().dialect.name), {"ids": list(found), "week_ago": now - timedelta(days=7)}
    )
    for source, helper_id, first, second, last in rows:
        if source == TASKS:
            tasks[helper_id] = (first, last)
        else:
            offers[helper_id] = (first, second)
    return [
        _candidate(rid, row, same, score, tasks.get(rid, (0, None)), offers.get(rid, (0, 0)), now, default_cap)
        for rid, (row, same, score) in found.items()
    ]


TASKS, OFFERS = 0, 1


@cache
def _history(dialect: str):
    """Per helper: tasks accepted this week and the last one's time; offers received (not withdrawn)
    and answered. One round trip, the same text whatever the number of helpers."""
    tasks = (
        select(
            literal(TASKS),
            Task.helper_id,
            func.count().filter(Task.accepted_at >= bindparam("week_ago")),
            literal(0),
            func.max(Task.accepted_at),
        )
        .where(pools.among(Task.helper_id, "ids", dialect))
        .group_by(Task.helper_id)
    )
    offers = (
        select(
            literal(OFFERS),
            Offer.helper_id,
            func.count().filter(Offer.status != "withdrawn"),
            func.count().filter(Offer.status.in_(("accepted", "declined"))),
            cast(null(), DateTime),
        )
        .where(pools.among(Offer.helper_id, "ids", dialect))
        .group_by(Offer.helper_id)
    )
    return union_all(tasks, offers)


def _candidate(
    rid: int, row: Row, same: bool, score: float, tasks: tuple, offers: tuple, now: datetime, default_cap: int
) -> Candidate:
    (week, last), (received, answered) = tasks, offers
    return Candidate(
        resident_id=rid,
        fit=score,
        same_district=same,
        tasks_this_week=week,
        weekly_cap=row.weekly_cap or default_cap,
        days_since_last_task=(now - last).total_seconds() / 86400 if last else None,
        offers_received=received,
        offers_answered=answered,
    )
