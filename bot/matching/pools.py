"""A district's pool of helpers, read from the helper_kinds index: the request's kind (or a
master's experience), offerable now, in id order from a pivot, a bounded window whatever the
district's size; every district of the ring in one round trip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, all_, any_, bindparam, case, literal, literal_column, or_, select, true, union_all
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, aliased

from db.matching_index import EXPERIENCE
from db.models import District, HelperKind, HelperProfile, HelpRequest, Resident, helper_districts

# Helpers read per district and per way of fitting: an index range, whatever the district's size.
POOL_PER_DISTRICT = 30
# Experience masters whose kinds do not list the request's: each costs an NLP comparison.
MASTERS_PER_DISTRICT = 10
SKILL, MASTER = 0, 1  # the two ways of fitting, as read from the index
POOL = {SKILL: POOL_PER_DISTRICT, MASTER: MASTERS_PER_DISTRICT}
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


def among(column, name: str, dialect: str, inside: bool = True):
    """`column` is (or is not) one of the ids bound to `name`: on PostgreSQL one array parameter, so
    that the statement's text is the same for every request and psycopg prepares it (no planning per
    request, which cost more than running it); SQLite lists them (it plans in microseconds)."""
    if dialect == "postgresql":
        ids = bindparam(name, type_=postgresql.ARRAY(Integer))
        return column == any_(ids) if inside else column != all_(ids)
    ids = bindparam(name, expanding=True)
    return column.in_(ids) if inside else column.not_in(ids)


def _kind(fits_by: int, any_kind: bool):
    """Which helper_kinds rows a leg reads: the request's kind, a master's experience, or (for a
    kind any helper can do, ANY_HELPER) every row of the district. Each is a statement of its own,
    not a boolean parameter: PostgreSQL's generic plan for `kind = $1 OR $2` cannot use the index
    on (district, kind, helper) and read every helper of the city instead."""
    if fits_by == MASTER:
        return HelperKind.kind == literal_column(f"'{EXPERIENCE}'")
    return true() if any_kind else HelperKind.kind == bindparam("category")


def _leg(place: int, fits_by: int, upward: bool, needs_approval: bool, any_kind: bool, dialect: str):
    """Helpers of the ring's `place`-th district who list the kind (SKILL) or are masters who do
    not (MASTER) and may be asked now, from the pivot up (or below it), in id order: one index
    range of helper_kinds, read until a pool's worth is found."""
    order = HelperKind.helper_id
    query = (
        select(
            literal(place).label("place"),
            literal(0 if upward else 1).label("leg"),
            literal(fits_by).label("fits_by"),
            HelperKind.helper_id,
        )
        .where(
            HelperKind.district_id == bindparam(f"district_{place}"),
            _kind(fits_by, any_kind),
            or_(HelperKind.paused.is_(False), HelperKind.paused_until < bindparam("now")),
            order >= bindparam("pivot") if upward else order < bindparam("pivot"),
            among(HelperKind.resident_id, "exclude", dialect, inside=False),
        )
        .order_by(order)
        .limit(POOL[fits_by])
    )
    if needs_approval:
        query = query.where(HelperKind.approved.is_(True))
    if fits_by == MASTER:  # those who list the kind are read by the other leg
        listed = aliased(HelperKind)
        query = query.where(
            ~select(listed.helper_id)
            .where(
                listed.district_id == HelperKind.district_id,
                listed.kind == bindparam("category"),
                listed.helper_id == HelperKind.helper_id,
            )
            .exists()
        )
    return select(query.subquery())


def _pool(place: int, fits_by: int, needs_approval: bool, any_kind: bool, dialect: str):
    """One district's pool for one way of fitting: from the pivot up, wrapping round to the lowest
    ids only when that is short. PostgreSQL and SQLite run a UNION ALL's legs in turn and stop at
    the LIMIT, so the lower leg is read only when the upper one falls short (whichever legs they
    read, the pool holds only helpers who may be asked)."""
    legs = union_all(*(_leg(place, fits_by, up, needs_approval, any_kind, dialect) for up in (True, False)))
    return select(select(legs.subquery()).limit(POOL[fits_by]).subquery())


def _not_waiting_for_approval():
    """Approved, or serving no district that asks for approval (承認待ち helpers get nothing)."""
    strict = (
        select(helper_districts.c.helper_id)
        .join(District, District.id == helper_districts.c.district_id)
        .where(helper_districts.c.helper_id == HelperProfile.id, District.requires_approval.is_(True))
    )
    return or_(HelperProfile.approved.is_(True), ~strict.exists())


@cache
def _statement(strictness: tuple[bool, ...], any_kind: bool, dialect: str):
    """Every pool of the ring's districts in one round trip (built once per shape, then bound);
    `strictness` says, district by district, whether only approved helpers may be asked.

    The pools are read from helper_kinds alone, then joined to the profiles they name: what is
    left to check there (an active resident with a phone, approved if another district asks for
    it) leaves a pool a little short in rare cases, never lets someone through."""
    pools = union_all(
        *(
            _pool(place, fits_by, needs_approval, any_kind, dialect)
            for place, needs_approval in enumerate(strictness)
            for fits_by in (SKILL, MASTER)
        )
    ).subquery()
    master = pools.c.fits_by == MASTER  # only a master's experience is read (JSON costs time to decode)
    experience = [HelperProfile.experience, HelperProfile.experience_skills, HelperProfile.experience_terms]
    return (
        select(
            pools.c.place,
            pools.c.leg,
            pools.c.fits_by,
            HelperProfile.resident_id,
            HelperProfile.id,
            HelperProfile.availability,
            HelperProfile.weekly_cap,
            *(case((master, column)).label(column.key) for column in experience),
        )
        .join(HelperProfile, HelperProfile.id == pools.c.helper_id)
        .join(Resident, Resident.id == HelperProfile.resident_id)
        .where(
            Resident.active.is_(True),
            Resident.platform != literal_column("'none'"),
            _not_waiting_for_approval(),
        )
    )


def read(
    session: Session,
    request: HelpRequest,
    districts: list[tuple[int, bool]],
    exclude: set[int],
    pivot: int,
    now: datetime,
) -> list[tuple[int, Row]]:
    """(place in the ring, helper) for each district of the ring, given as (id, approval needed):
    helpers who list the kind, then experience masters who might fit.

    Each way of fitting is read from helper_kinds in id order from `pivot`, wrapping round to the
    lowest ids only when it is short, and stops at its pool size: the cost does not grow with the
    district; a different pivot per request spreads the offers.
    """
    if not districts:
        return []
    params = {
        "category": request.category,
        "pivot": pivot,
        "exclude": sorted(exclude),
        "now": now,
        **{f"district_{place}": district_id for place, (district_id, _) in enumerate(districts)},
    }
    strictness = tuple(strict for _, strict in districts)
    statement = _statement(strictness, request.category in ANY_HELPER, session.get_bind().dialect.name)
    # A UNION ALL promises no order itself: the rows are put in the order they were read in.
    rows = sorted(session.execute(statement, params), key=lambda row: (row.place, row.fits_by, row.leg, row.id))
    return [(row.place, Row(*row[2:])) for row in rows]
