"""The ring of districts a request is offered in: its own district first, then its neighbours."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Integer, bindparam, func, literal_column, or_, select, union
from sqlalchemy.orm import Session

from db.models import District, district_neighbours


def ring(session: Session, district_id: int) -> list[tuple[int, bool, bool]]:
    """The district first, then its neighbours: (id, same district, requires approval)."""
    rows = session.execute(_ring(), {"district": district_id})
    return [(d, d == district_id, bool(strict)) for d, strict in rows]


def _order(home) -> tuple:
    return (District.id != home, District.id)


@cache
def _ring():
    home = bindparam("district")
    near = select(district_neighbours.c.neighbour_id).where(district_neighbours.c.district_id == home)
    return (
        select(District.id, District.requires_approval)
        .where(or_(District.id == home, District.id.in_(near)))
        .order_by(*_order(home))
    )


def ring_cte():
    """The ring of the district bound to `district` inside a statement, as ring() lists it: each
    district with its place (from 0) and whether it asks only approved helpers (it does, or the
    request's own district does). A UNION rather than ring()'s OR: PostgreSQL then expects a few
    districts, not fifty, keeps one generic plan for the statement instead of planning it at every
    execution, and probes the index for each helper instead of hashing whole districts."""
    home = bindparam("district", type_=Integer())
    home_strict = select(District.requires_approval).where(District.id == home).scalar_subquery()
    near = select(district_neighbours.c.neighbour_id).where(district_neighbours.c.district_id == home)
    members = union(select(home.label("id")), near).subquery()
    return (
        select(
            District.id.label("district_id"),
            or_(District.requires_approval.is_(True), home_strict.is_(True)).label("strict"),
            (func.row_number().over(order_by=_order(home)) - literal_column("1")).label("place"),
        )
        .join(members, members.c.id == District.id)
        .cte("ring")
    )
