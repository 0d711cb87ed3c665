"""Who follows which district, and who administers it."""

from __future__ import annotations


from sqlalchemy import Select, Subquery, exists, func, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from bot.errors import NotAllowedError
from bot.i18n import supported
from db.models import District, DistrictAdmin, Resident, Subscription

# One alias for the process: a new one per query would be a new statement to SQLAlchemy's
# compiled cache each batch (compiled again, and the cache grows with the fan-out).
PROXY = aliased(Resident, name="proxy")


def subscribe(session: Session, resident: Resident, district: District) -> bool:
    """Follow a district's circulars; False when already following."""
    row = session.scalar(
        select(Subscription).where(Subscription.resident_id == resident.id, Subscription.district_id == district.id)
    )
    if row is None:
        session.add(Subscription(resident_id=resident.id, district_id=district.id))
    elif row.active:
        return False
    else:
        row.active = True
    session.flush()
    return True


def unsubscribe(session: Session, resident: Resident, district: District) -> bool:
    """Stop following a district; False when not following it."""
    row = session.scalar(
        select(Subscription).where(
            Subscription.resident_id == resident.id,
            Subscription.district_id == district.id,
            Subscription.active.is_(True),
        )
    )
    if row is None:
        return False
    row.active = False
    session.flush()
    return True


def followed(session: Session, resident: Resident) -> list[District]:
    """The districts a resident follows."""
    return list(
        session.scalars(
            select(District)
            .join(Subscription, Subscription.district_id == District.id)
            .where(Subscription.resident_id == resident.id, Subscription.active.is_(True))
            .order_by(District.id)
        )
    )


def _followers_query(district_id: int) -> Select:
    return (
        select(Resident.id, Resident.platform, Resident.platform_user_id, Resident.language)
        .join(Subscription, Subscription.resident_id == Resident.id)
        .where(
            Subscription.district_id == district_id,
            Subscription.active.is_(True),
            Resident.active.is_(True),
            Resident.platform != "none",
        )
    )


def _represented_query(district_id: int) -> Select:
    """People without a phone living in (or following) the district, whose proxy reads for them.

    Their columns are the proxy's platform, user id and language: the message goes there.
    """
    proxy = PROXY
    # EXISTS probes the (resident, district) key per person; IN would list every follower.
    follows = exists().where(
        Subscription.resident_id == Resident.id, Subscription.district_id == district_id, Subscription.active.is_(True)
    )
    return (
        select(Resident.id, proxy.platform, proxy.platform_user_id, proxy.language)
        .join(proxy, proxy.id == Resident.proxy_id)
        .where(
            Resident.platform == "none",
            Resident.active.is_(True),
            proxy.active.is_(True),
            proxy.platform != "none",
            or_(Resident.district_id == district_id, follows),
        )
    )


def _everyone(district_id: int) -> Subquery:
    return union_all(_followers_query(district_id), _represented_query(district_id)).subquery()


def follower_count(session: Session, district_id: int) -> int:
    """How many active residents follow the district (those served by a proxy included)."""
    return session.scalar(select(func.count()).select_from(_everyone(district_id))) or 0


def follower_languages(session: Session, district_id: int) -> set[str]:
    """The catalogs the district's followers read (a represented person's is their proxy's)."""
    query = _everyone(district_id)
    return {supported(language) for language in session.scalars(select(query.c[3]).distinct())}


def follower_counts_by_platform(session: Session, district_id: int) -> dict[str, int]:
    """Followers per platform, a represented person on their proxy's (LINE counts against the quota)."""
    query = _everyone(district_id)
    platform = query.c[1]
    rows = session.execute(select(platform, func.count()).group_by(platform))
    return {name: count for name, count in rows}


def follower_ids_after(district_id: int, after_id: int, limit: int) -> Subquery:
    """A subquery of the next `limit` followers' resident ids above `after_id` (keyset
    pagination), in order: followers and represented people, each read page by page in resident
    id order from its own index, then merged."""
    # Keyset on the subscription's resident id: the (district, active, resident) index serves
    # both the filter and the order, so every page costs the same however deep it is.
    # The same bound on the residents' side: else PostgreSQL merge-joins them from the first id,
    # and each page costs more the deeper it is (a 100k fan-out took 24 s instead of 4).
    own = (
        _followers_query(district_id)
        .where(Subscription.resident_id > after_id, Resident.id > after_id)
        .order_by(Subscription.resident_id)
        .limit(limit)
    )
    represented = _represented_query(district_id).where(Resident.id > after_id).order_by(Resident.id).limit(limit)
    both = union_all(*(select(part.subquery().c[0].label("resident_id")) for part in (own, represented)))
    merged = both.subquery()
    return select(merged.c.resident_id).order_by(merged.c.resident_id).limit(limit).subquery()


def admin_districts(session: Session, resident: Resident) -> list[District]:
    """The districts this resident administers."""
    return list(
        session.scalars(
            select(District)
            .join(DistrictAdmin, DistrictAdmin.district_id == District.id)
            .where(DistrictAdmin.resident_id == resident.id)
            .order_by(District.id)
        )
    )


def require_admin(session: Session, resident_id: int, district_id: int) -> None:
    """Raise NotAllowedError unless the resident administers the district."""
    if session.get(DistrictAdmin, (resident_id, district_id)) is None:
        raise NotAllowedError(f"resident {resident_id} is not an admin of district {district_id}")


def admins_of(session: Session, district_id: int) -> list[int]:
    """The resident ids of a district's admins."""
    return list(session.scalars(select(DistrictAdmin.resident_id).where(DistrictAdmin.district_id == district_id)))
