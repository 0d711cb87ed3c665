"""Small factories with sequences (as redash's tests/factories.py)."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from db.models import District, DistrictAdmin, HelperProfile, HelpRequest, Resident, Task

_seq = itertools.count(1)


def district(session: Session, name: str | None = None, **fields) -> District:
    row = District(name=name or f"地区{next(_seq)}", city=fields.pop("city", "荒尾市"), **fields)
    session.add(row)
    session.flush()
    return row


def resident(
    session: Session, *, platform: str = "fake", user_id: str | None = None, district: District | None = None, **fields
) -> Resident:
    n = next(_seq)
    row = Resident(
        platform=platform,
        platform_user_id=user_id or f"U{n:032x}",
        display_name=fields.pop("display_name", f"住民{n}"),
        district_id=district.id if district else None,
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def helper(
    session: Session,
    *,
    skills=("garbage",),
    district: District | None = None,
    availability=("weekday_morning", "weekday_afternoon", "weekday_evening", "weekend"),
    experience: str | None = None,
    approved: bool = True,
    **fields,
) -> Resident:
    person = resident(session, district=district, **fields)
    profile = HelperProfile(
        resident_id=person.id,
        skills=list(skills),
        availability=list(availability),
        experience=experience,
        approved=approved,
    )
    if district is not None:
        profile.districts.append(district)
    session.add(profile)
    session.flush()
    return person


def admin(session: Session, district: District, **fields) -> Resident:
    person = resident(session, district=district, **fields)
    session.add(DistrictAdmin(resident_id=person.id, district_id=district.id))
    session.flush()
    return person


def help_request(
    session: Session, resident: Resident, category: str = "garbage", *, status: str = "open", **fields
) -> HelpRequest:
    """A request of `resident` in their district."""
    row = HelpRequest(
        resident_id=resident.id,
        created_by_id=fields.pop("created_by_id", resident.id),
        district_id=fields.pop("district_id", resident.district_id),
        category=category,
        status=status,
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def task(session: Session, helped: Resident, helper: Resident, category: str = "garbage", **fields) -> Task:
    """A request of `helped`, accepted by `helper` and done."""
    request = help_request(session, helped, category, status="done")
    row = Task(request_id=request.id, helper_id=helper.id, **fields)
    session.add(row)
    session.flush()
    return row
