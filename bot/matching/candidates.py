"""Finding the helpers who could take a request: database queries, ranking left to rank.py."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from datetime import datetime, timedelta

from sqlalchemy import Boolean, Integer, String, all_, bindparam, cast, func, literal, null, or_, select, union_all
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from bot.matching.rank import EXPERIENCE_THRESHOLD, Candidate, available, slot_for
from db.matching_index import EXPERIENCE, fresh
from db.models import (
    District,
    HelperKind,
    HelperProfile,
    HelpRequest,
    Offer,
    Resident,
    Task,
    district_neighbours,
    helper_districts,
)

# Helpers read per district and per way of fitting: an index range, whatever the district's size.
POOL_PER_DISTRICT = 30
# Experience masters whose kinds do not list the request's: each costs an NLP comparison.
MASTERS_PER_DISTRICT = 10
SKILL, MASTER = 0, 1  # the two ways of fitting, as read from the index
# Kinds any helper of the district can do, whatever they registered (go and see a neighbour).
ANY_HELPER = ("watch_visit",)


@dataclass(frozen=True)
class Row:
    """One helper as read from the database, before scoring (a master's experience included)."""

    fits_by: int  # SKILL: lists the request's kind; MASTER: may fit by experience
    resident_id: int
    profile_id: int
    availability: list
    weekly_cap: int | None
    experience: str | None = None
    experience_skills: list | None = None
    experience_terms: dict | None = None


def ring(session: Session, district_id: int) -> list[tuple[int, bool, bool]]:
    """The request's district first, then its neighbours: (id, same district, requires approval)."""
    near = select(district_neighbours.c.neighbour_id).where(district_neighbours.c.district_id == district_id)
    rows = session.execute(
        select(District.id, District.requires_approval)
        .where(or_(District.id == district_id, District.id.in_(near)))
        .order_by(District.id != district_id, District.id)
    )
    return [(d, d == district_id, bool(strict)) for d, strict in rows]


def _not_excluded(dialect: str):
    """The helper is not among the excluded residents: on PostgreSQL one array parameter, so that the
    statement's text is the same for every request and psycopg prepares it (no planning per request,
    which cost more than running it); SQLite lists them (it plans in microseconds)."""
    if dialect == "postgresql":
        return HelperProfile.resident_id != all_(bindparam("exclude", type_=postgresql.ARRAY(Integer)))
    return HelperProfile.resident_id.not_in(bindparam("exclude", expanding=True))


def _part(fits_by: int, upward: bool, limit: int, needs_approval: bool, dialect: str):
    """Up to `limit` offerable helpers of a district who list the kind (SKILL) or are masters
    who do not (MASTER), from the pivot up (or below it), in id order."""
    order = HelperKind.helper_id
    master = fits_by == MASTER  # only a master's experience is read (JSON costs time to decode)
    experience = [HelperProfile.experience, HelperProfile.experience_skills, HelperProfile.experience_terms]
    # A kind any helper can do (ANY_HELPER) takes every helper of the district, whatever they listed.
    kind = (
        HelperKind.kind == EXPERIENCE
        if master
        else or_(HelperKind.kind == bindparam("category"), bindparam("any_kind", type_=Boolean))
    )
    query = (
        select(
            literal(fits_by).label("fits_by"),
            HelperProfile.resident_id,
            HelperProfile.id,
            HelperProfile.availability,
            HelperProfile.weekly_cap,
            *(column if master else cast(null(), column.type).label(column.key) for column in experience),
        )
        .select_from(HelperKind)
        .join(HelperProfile, HelperProfile.id == HelperKind.helper_id)
        .join(Resident, Resident.id == HelperProfile.resident_id)
        .where(
            HelperKind.district_id == bindparam("district_id"),
            kind,
            or_(HelperKind.paused.is_(False), HelperProfile.paused_until < bindparam("now")),
            order >= bindparam("pivot") if upward else order < bindparam("pivot"),
            Resident.active.is_(True),
            Resident.platform != "none",
            _not_excluded(dialect),
        )
        .order_by(order)
        .limit(limit)
    )
    query = query.where(_not_waiting_for_approval())
    if needs_approval:
        query = query.where(HelperKind.approved.is_(True))
    if master:  # those who list the kind are read by the other part
        query = query.where(~cast(HelperProfile.skills, String).like(bindparam("listed")))
    return select(query.subquery())


def _not_waiting_for_approval():
    """Approved, or serving no district that asks for approval (承認待ち helpers get nothing)."""
    strict = (
        select(helper_districts.c.helper_id)
        .join(District, District.id == helper_districts.c.district_id)
        .where(helper_districts.c.helper_id == HelperProfile.id, District.requires_approval.is_(True))
    )
    return or_(HelperProfile.approved.is_(True), ~strict.exists())


@cache
def _statement(needs_approval: bool, upward: bool, dialect: str):
    """Both ways of fitting in one direction from the pivot, one round trip (built once, then bound)."""
    return union_all(
        *(
            _part(fits_by, upward, limit, needs_approval, dialect)
            for fits_by, limit in ((SKILL, POOL_PER_DISTRICT), (MASTER, MASTERS_PER_DISTRICT))
        )
    )


def rows_for(
    session: Session,
    request: HelpRequest,
    district_id: int,
    exclude: set[int],
    pivot: int,
    needs_approval: bool,
    now: datetime,
) -> list[Row]:
    """Helpers of one district who list the kind, then experience masters who might fit.

    Each way of fitting is read from helper_kinds in id order from `pivot`, wrapping round to the
    lowest ids only when it is short, and stops at its pool size: the cost does not grow with the
    district; a different pivot per request spreads the offers.
    """
    # JSON lists are stored as text on SQLite and as json on PostgreSQL: a quoted word matches both.
    params = {
        "district_id": district_id,
        "category": request.category,
        "pivot": pivot,
        "exclude": sorted(exclude),
        "listed": f'%"{request.category}"%',
        "now": now,
        "any_kind": request.category in ANY_HELPER,
    }
    read: dict[int, list[Row]] = {SKILL: [], MASTER: []}
    for upward in (True, False):
        # A UNION ALL promises no order itself: each way's rows are put in id order here.
        statement = _statement(needs_approval, upward, session.get_bind().dialect.name)
        for row in sorted(session.execute(statement, params), key=lambda row: row[2]):
            read[row[0]].append(Row(*row))
        if len(read[SKILL]) >= POOL_PER_DISTRICT and len(read[MASTER]) >= MASTERS_PER_DISTRICT:
            break
    return read[SKILL][:POOL_PER_DISTRICT] + read[MASTER][:MASTERS_PER_DISTRICT]


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
    lowest, highest = session.execute(select(func.min(HelperProfile.id), func.max(HelperProfile.id))).one()
    pivot = random.Random(request.id).randint(lowest or 1, highest or 1)
    # The request is read once, and only when an experience master needs comparing.
    request_terms = cache(lambda: experience_terms(" ".join(p for p in (request.text, request.summary) if p)))
    districts = ring(session, request.district_id) if request.district_id else []
    home_strict = any(strict for _, same, strict in districts if same)
    found: dict[int, tuple[Row, bool, float]] = {}
    for district_id, same, strict in districts:
        for row in rows_for(
            session, request, district_id, exclude | set(found), pivot, needs_approval=strict or home_strict, now=now
        ):
            score = fit(row, request, request_terms)
            if score > 0 and available(row.availability, slot):
                found[row.resident_id] = (row, same, score)
    return _with_history(session, found, now, default_cap)


def _with_history(
    session: Session, found: dict[int, tuple[Row, bool, float]], now: datetime, default_cap: int
) -> list[Candidate]:
    ids = list(found)
    tasks = {
        helper_id: (week, last)
        for helper_id, week, last in session.execute(
            select(
                Task.helper_id,
                func.count().filter(Task.accepted_at >= now - timedelta(days=7)),
                func.max(Task.accepted_at),
            )
            .where(Task.helper_id.in_(ids))
            .group_by(Task.helper_id)
        )
    }
    offers = {
        helper_id: (received, answered)
        for helper_id, received, answered in session.execute(
            select(
                Offer.helper_id,
                func.count().filter(Offer.status != "withdrawn"),
                func.count().filter(Offer.status.in_(("accepted", "declined"))),
            )
            .where(Offer.helper_id.in_(ids))
            .group_by(Offer.helper_id)
        )
    }
    return [
        _candidate(rid, row, same, score, tasks.get(rid, (0, None)), offers.get(rid, (0, 0)), now, default_cap)
        for rid, (row, same, score) in found.items()
    ]


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
