"""A district's pool of helpers, read from the helper_kinds index: the request's kind (or a
master's experience), offerable now, in id order from a pivot, a bounded window whatever the
district's size; every district of the ring, with each helper's profile and history, in one
statement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import (
    BigInteger,
    Integer,
    Row,
    Text,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from bot.matching.ring import ring, ring_cte
from db.matching_index import EXPERIENCE
from db.models import (
    HelperKind,
    HelperProfile,
    HelpRequest,
    Offer,
    Task,
)

# Helpers read per district and per way of fitting: an index range, whatever the district's size.
# 12 a district of the ring (36 in all) is a dozen times the offers of a round (offer_batch_size,
# 3), enough left free at the request's time to rank, and the window moves with each request's
# pivot and round; 30 read ~2.5 times the rows at 100k helpers to choose three
# (bench.matching: x1.77 of 1k helpers with 30 and 10, x1.33 with 12 and 4).
POOL_PER_DISTRICT = 12
# Experience masters whose kinds do not list the request's: each costs an NLP comparison.
MASTERS_PER_DISTRICT = 4
SKILL, MASTER = 0, 1  # the two ways of fitting, as read from the index
POOL = {SKILL: POOL_PER_DISTRICT, MASTER: MASTERS_PER_DISTRICT}
# Kinds any helper of the district can do, whatever they registered (go and see a neighbour).
ANY_HELPER = ("watch_visit",)
SPREAD = 2**31  # a request's pivot is its share of this along the helpers' ids
ANSWERED = ("accepted", "declined")  # an offer's states once the helper answered it
# Short names keep the statement's text short: psycopg parses a text over 4 kB again at every
# execution (12 kB of it cost a quarter of the client's time per request).
K = aliased(HelperKind, name="k")
P = aliased(HelperProfile, name="p")


def _kind(fits_by: int, any_kind: bool):
    """Which helper_kinds rows a leg reads: the request's kind, a master's experience, or (for a
    kind any helper can do, ANY_HELPER) every row of the district. Each is a statement of its own,
    not a boolean parameter: PostgreSQL's generic plan for `kind = $1 OR $2` cannot use the index
    on (district, kind, helper) and read every helper of the city instead."""
    if fits_by == MASTER:
        return K.kind == literal_column(f"'{EXPERIENCE}'")
    return true() if any_kind else K.kind == bindparam("category")


def _leg(fits_by: int, upward: bool, district, approval, place, gone, pivot):
    """Helpers of one district who list the kind (SKILL) or are masters who do not (MASTER) and
    may be asked now (offerable, not paused or back from a break, not `gone`, and `approval` if the
    district asks for it), from the pivot up (or below it), in id order: one index range of
    helper_kinds, read until a pool's worth is found, with their free time and weekly cap."""
    order = K.helper_id
    query = (
        select(
            place.label("place"),
            literal_column("0" if upward else "1").label("leg"),
            literal_column(str(fits_by)).label("fits_by"),
            K.district_id,
            K.helper_id,
            K.resident_id,
            K.availability,
            K.weekly_cap,
            # The profile is looked up for a master only (for the experience text to compare):
            # a NULL key finds nothing at once.
            (K.helper_id if fits_by == MASTER else null().cast(Integer())).label("profile_id"),
        )
        .where(
            K.district_id == district,
            order >= pivot if upward else order < pivot,
            K.offerable.is_(True),
            or_(K.paused.is_(False), K.paused_until < bindparam("now")),
            ~select(gone.c.id).where(gone.c.id == K.resident_id).exists(),
        )
        .order_by(order)
        .limit(literal_column(str(POOL[fits_by])))
    )
    if approval is not None:
        query = query.where(approval)
    if fits_by == MASTER:  # those who list the kind are read by the other leg
        listed = aliased(HelperKind, name="l")
        # A count, not NOT EXISTS: PostgreSQL would turn that into an anti-join reading every
        # helper of the kind in the district; a count is looked up in the index for each master.
        lists = (
            select(func.count())
            .where(
                listed.district_id == K.district_id,
                listed.kind == bindparam("category"),
                listed.helper_id == K.helper_id,
            )
            .scalar_subquery()
        )
        # `< 1`, not `= 0`: PostgreSQL guesses that an equality on a subquery's value holds for 1
        # row in 200 and would read every master of the district (a bitmap scan, then a sort)
        # rather than the index in order until the pool is full; an inequality it guesses at 1 in 3.
        query = query.where(lists < literal_column("1"))
    return query


def _gone():
    """Who is not asked: the person asking, who made the request, and those offered it already."""
    integer = Integer()
    return (
        select(Offer.helper_id.label("id"))
        .where(Offer.request_id == bindparam("request"))
        .union_all(select(bindparam("requester", type_=integer)), select(bindparam("creator", type_=integer)))
        .cte("gone")
    )


def _pivot():
    """Where this request starts reading the helpers' ids: anywhere between the lowest and the
    highest, as `spread` (0 to SPREAD) says, so that requests spread over everyone (ids need not
    start near 1). Each end is its own look-up at one end of the index (SQLite reads the whole
    table for min() and max() in one select)."""
    lowest, highest = (
        func.coalesce(select(end(HelperProfile.id)).scalar_subquery(), literal_column("1"), type_=Integer())
        for end in (func.min, func.max)
    )
    bounds = select(lowest.label("lowest"), highest.label("highest")).cte("bounds")
    span = bounds.c.highest - bounds.c.lowest + literal_column("1", Integer())
    spread = bindparam("spread", type_=BigInteger())
    return select(bounds.c.lowest + spread * span // literal_column(str(SPREAD), BigInteger())).scalar_subquery()


def _pools_by_place(strictness: tuple[bool, ...], any_kind: bool, gone, pivot):
    """Every pool of the ring: per district (`district_<place>`) and way of fitting, from the pivot
    up, wrapping round to the lowest ids only when that is short. SQLite runs a UNION ALL's legs in
    turn and stops at the LIMIT, so the lower leg is read only when the upper one falls short; it
    takes no LIMIT on a member of a UNION, so each leg is a query of its own. The shape of the
    statement follows the ring's (SQLite has no LATERAL; it plans in microseconds)."""
    pools = []
    for place, strict in enumerate(strictness):
        for fits_by in (SKILL, MASTER):
            legs = (
                _leg(
                    fits_by,
                    up,
                    bindparam(f"district_{place}"),
                    K.approved.is_(True) if strict else None,
                    literal_column(str(place)),
                    gone,
                    pivot,
                ).where(_kind(fits_by, any_kind))
                for up in (True, False)
            )
            pool = select(union_all(*(select(leg.subquery()) for leg in legs)).subquery())
            pools.append(select(pool.limit(literal_column(str(POOL[fits_by]))).subquery()))
    return union_all(*pools)


def _pools_lateral(any_kind: bool, gone, pivot):
    """Every pool of the ring as PostgreSQL reads it: each way of fitting read LATERAL to the
    ring, the lower leg only when the upper one falls short. One statement whatever the ring, so
    the server prepares it once."""
    ring = ring_cte()
    approval = or_(K.approved.is_(True), ~ring.c.strict)
    pools = [
        union_all(
            *(
                _leg(fits_by, up, ring.c.district_id, approval, ring.c.place, gone, pivot)
                .where(_kind(fits_by, any_kind))
                .correlate(ring)
                for up in (True, False)
            )
        )
        .limit(literal_column(str(POOL[fits_by])))
        .lateral(f"pool_{fits_by}")
        for fits_by in (SKILL, MASTER)
    ]
    return union_all(*(select(pool).select_from(ring).join(pool, true()) for pool in pools))


def _history(pool):
    """Per helper of the pool: tasks accepted this week and the last one's time; offers received
    (not withdrawn) and answered."""
    tasks = (
        select(
            Task.helper_id,
            func.count().filter(Task.accepted_at >= bindparam("week_ago")).label("week"),
            func.max(Task.accepted_at).label("last"),
        )
        .where(Task.helper_id.in_(select(pool.c.resident_id)))
        .group_by(Task.helper_id)
        .subquery("t")
    )
    offers = (
        select(
            Offer.helper_id,
            func.count().filter(Offer.status != literal_column("'withdrawn'")).label("received"),
            func.count().filter(Offer.status.in_([literal_column(f"'{s}'") for s in ANSWERED])).label("answered"),
        )
        .where(Offer.helper_id.in_(select(pool.c.resident_id)))
        .group_by(Offer.helper_id)
        .subquery("o")
    )
    return tasks, offers


@cache
def _statement(strictness: tuple[bool, ...] | None, any_kind: bool):
    """Every pool of the ring's districts, each helper with their profile and history, in the order
    read (built once per shape, then bound); `strictness` says, district by district, whether only
    approved helpers may be asked (None: the statement reads the ring, on PostgreSQL).

    The pools are read from helper_kinds alone, which holds every flag they are filtered on and
    the free time and cap ranking needs: only an experience master's row looks up the profile (for
    the text to compare). JSON comes back as its text, decoded by the caller once per distinct
    value (most helpers share a few)."""
    gone, pivot = _gone(), _pivot()
    if strictness is None:
        pools = _pools_lateral(any_kind, gone, pivot)
    else:
        pools = _pools_by_place(strictness, any_kind, gone, pivot)
    pool = pools.cte("pool")
    tasks, offers = _history(pool)
    return (
        select(
            pool.c.district_id,
            pool.c.fits_by,
            pool.c.resident_id,
            pool.c.availability,
            pool.c.weekly_cap,
            P.experience,
            cast(P.experience_skills, Text),
            cast(P.experience_terms, Text),
            tasks.c.week,
            tasks.c.last,
            offers.c.received,
            offers.c.answered,
        )
        .select_from(pool)
        .outerjoin(P, P.id == pool.c.profile_id)
        .outerjoin(tasks, tasks.c.helper_id == pool.c.resident_id)
        .outerjoin(offers, offers.c.helper_id == pool.c.resident_id)
        .order_by(pool.c.place, pool.c.fits_by, pool.c.leg, pool.c.helper_id)  # a UNION promises no order
    )


def read(session: Session, request: HelpRequest, spread: int, now: datetime) -> Sequence[Row]:
    """For each district of the ring, helpers who list the request's kind then experience masters
    who might fit, nearest district first: (district, fits_by, resident_id, availability,
    weekly_cap, experience, experience_skills, experience_terms, tasks this week, last task, offers
    received, offers answered), JSON as its text.

    Each way of fitting is read from helper_kinds in id order from a pivot (`spread`, 0 to SPREAD,
    along the helpers' ids), wrapping round to the lowest ids only when it is short, and stops at
    its pool size: the cost does not grow with the district; a different pivot per request spreads
    the offers. One round trip on PostgreSQL, two on SQLite (the ring first: its statement has the
    ring's shape).
    """
    params: dict = {
        "district": request.district_id,
        "category": request.category,
        "spread": spread,
        "request": request.id,
        "requester": request.resident_id,
        "creator": request.created_by_id,
        "now": now,
        "week_ago": now - timedelta(days=7),
    }
    strictness: tuple[bool, ...] | None = None
    if session.get_bind().dialect.name == "postgresql":
        if session.autoflush:  # as session.execute would: the Core connection below does not
            session.flush()
    else:
        districts = ring(session, params.pop("district"))
        home_strict = any(strict for _, same, strict in districts if same)
        strictness = tuple(strict or home_strict for _, _, strict in districts)
        params |= {f"district_{place}": district_id for place, (district_id, _, _) in enumerate(districts)}
    if strictness == ():
        return []
    statement = _statement(strictness, request.category in ANY_HELPER)
    return session.connection().execute(statement, params).all()
