"""Who a resident can give hours to, and whose classes an admin can record."""

from __future__ import annotations

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from db.models import HelperProfile, HelpRequest, Resident, Task, helper_districts

MAX_PEOPLE = 10


def gift_candidates(session: Session, resident: Resident) -> list[Resident]:
    """Recent helpers and helped neighbours, the person's proxy and those they represent."""
    helped_me = (
        select(Task.helper_id.label("person_id"), Task.accepted_at.label("at"))
        .join(HelpRequest)
        .where(HelpRequest.resident_id == resident.id)
    )
    i_helped = (
        select(HelpRequest.resident_id.label("person_id"), Task.accepted_at.label("at"))
        .join(Task)
        .where(Task.helper_id == resident.id)
    )
    both = union_all(helped_me, i_helped).subquery()
    ids = list(session.scalars(select(both.c.person_id).order_by(both.c.at.desc()).limit(MAX_PEOPLE * 3)))
    ids += [resident.proxy_id] if resident.proxy_id else []
    ids += session.scalars(select(Resident.id).where(Resident.proxy_id == resident.id)).all()
    return _active(session, _unique([i for i in ids if i != resident.id]))[:MAX_PEOPLE]


def _unique(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def _active(session: Session, ids: list[int]) -> list[Resident]:
    people = {
        p.id: p
        for p in session.scalars(
            select(Resident).where(Resident.id.in_(ids), Resident.active.is_(True), Resident.erased.is_(False))
        )
    }
    return [people[i] for i in ids if i in people]


def experience_masters(session: Session, district_ids: list[int]) -> list[tuple[int, Resident]]:
    """(district id, master) for approved helpers with a registered experience in these districts."""
    rows = session.execute(
        select(helper_districts.c.district_id, Resident)
        .join(HelperProfile, HelperProfile.id == helper_districts.c.helper_id)
        .join(Resident, Resident.id == HelperProfile.resident_id)
        .where(
            helper_districts.c.district_id.in_(district_ids),
            HelperProfile.experience.is_not(None),
            HelperProfile.approved.is_(True),
            Resident.active.is_(True),
        )
        .order_by(Resident.id)
        .limit(MAX_PEOPLE)
    ).all()
    return [(district_id, master) for district_id, master in rows]
