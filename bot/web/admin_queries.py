"""What the district admin pages show, read from the database for one district."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from bot.circulars.circulars import Progress, progress, silent
from db.models import (
    Circular,
    Delivery,
    HelperProfile,
    HelpRequest,
    OutboundMessage,
    Resident,
    Subscription,
    Task,
    helper_districts,
)

STATUSES = ("open", "assigned", "done", "unmet")
LIST_LIMIT = 100


def request_counts(session: Session, district_id: int) -> dict[str, int]:
    """How many requests of the district are in each status."""
    rows = session.execute(
        select(HelpRequest.status, func.count())
        .where(HelpRequest.district_id == district_id)
        .group_by(HelpRequest.status)
    )
    counts = dict(rows.all())
    return {status: counts.get(status, 0) for status in STATUSES}


def first_tab(counts: dict[str, int]) -> str:
    """The status a district's requests page opens on: the first that has requests."""
    return next((status for status, count in counts.items() if count), STATUSES[0])


def requests(session: Session, district_id: int, status: str) -> list[HelpRequest]:
    """The district's latest requests in one status, with who asked and who took them."""
    return list(
        session.scalars(
            select(HelpRequest)
            .options(selectinload(HelpRequest.resident), selectinload(HelpRequest.task).selectinload(Task.helper))
            .where(HelpRequest.district_id == district_id, HelpRequest.status == status)
            .order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())
            .limit(LIST_LIMIT)
        )
    )


def helpers(session: Session, district_id: int) -> list[HelperProfile]:
    """Every helper and experience master registered for the district, newest first."""
    return list(
        session.scalars(
            select(HelperProfile)
            .options(selectinload(HelperProfile.resident))
            .join(helper_districts, helper_districts.c.helper_id == HelperProfile.id)
            .where(helper_districts.c.district_id == district_id)
            .order_by(HelperProfile.created_at.desc(), HelperProfile.id.desc())
        )
    )


def matches(profile: HelperProfile, words: list[str], skills: list[str]) -> bool:
    """Whether a helper fits a search: a named kind of help, or every word in their name or experience."""
    if not words:
        return True
    if skills and set(skills) & set(profile.skills + profile.experience_skills):
        return True
    haystack = f"{profile.resident.display_name} {profile.experience or ''}".lower()
    return all(word.lower() in haystack for word in words)


def circulars(session: Session, district_id: int) -> list[tuple[Circular, Progress]]:
    """The district's circulars and safety checks with their counts, newest first."""
    rows = session.scalars(
        select(Circular)
        .where(Circular.district_id == district_id)
        .order_by(Circular.created_at.desc(), Circular.id.desc())
        .limit(LIST_LIMIT)
    )
    return [(circular, progress(session, circular.id)) for circular in rows]


def waiting(session: Session, circular: Circular) -> list[tuple[Resident, None]]:
    """Who received it and has not answered (a safety check) or confirmed it (a circular)."""
    column = "answer" if circular.kind == "safety_check" else "confirmed_at"
    return [(resident, None) for resident in silent(session, circular.id, column, limit=LIST_LIMIT)]


def need_help(session: Session, circular: Circular) -> list[tuple[Resident, datetime | None, HelpRequest | None]]:
    """Who answered a safety check that they need help, when, and the urgent request that answer
    opened (its words, 「祖母が歩けない」, and whether someone has taken it): made at the moment of
    the answer (bot.circulars.safety.answer), for the resident, urgent."""
    opened = and_(
        HelpRequest.resident_id == Resident.id,
        HelpRequest.urgent.is_(True),
        HelpRequest.created_at == Delivery.answered_at,
    )
    rows = session.execute(
        select(Resident, Delivery.answered_at, HelpRequest)
        .join(Delivery, Delivery.resident_id == Resident.id)
        .outerjoin(HelpRequest, opened)
        .where(Delivery.circular_id == circular.id, Delivery.answer == "need_help")
        .order_by(Delivery.answered_at, HelpRequest.id)
    )
    seen: dict[int, tuple[Resident, datetime | None, HelpRequest | None]] = {}
    for resident, answered_at, request in rows:
        seen.setdefault(resident.id, (resident, answered_at, request))
    return list(seen.values())


# -- the district chart (地域カルテ) -------------------------------------------------------------


def per_month(moments: list[datetime], labels: list[str]) -> list[tuple[str, int]]:
    """How many moments fall in each month."""
    counts = Counter(f"{m:%Y-%m}" for m in moments)
    return [(label, counts.get(label, 0)) for label in labels]


def skill_counts(profiles: list[HelperProfile]) -> Counter:
    """How many active helpers offer each kind of help."""
    return Counter(
        skill
        for p in profiles
        if not p.paused and p.resident.active
        for skill in dict.fromkeys(p.skills + p.experience_skills)
    )


def follower_dates(session: Session, district_id: int) -> list[datetime]:
    """When each active follower of the district subscribed."""
    return list(
        session.scalars(
            select(Subscription.created_at).where(
                Subscription.district_id == district_id, Subscription.active.is_(True)
            )
        )
    )


def cumulative(counts: list[tuple[str, int]], before: int) -> list[tuple[str, int]]:
    """Running totals of monthly counts, starting from `before`."""
    running, totals = before, []
    for label, count in counts:
        running += count
        totals.append((label, running))
    return totals


# -- people of the district ---------------------------------------------------------------------


def residents(session: Session, district_id: int) -> list[Resident]:
    """Active residents of the district on a chat platform (who could be someone's proxy)."""
    return list(
        session.scalars(
            select(Resident)
            .where(Resident.district_id == district_id, Resident.active.is_(True), Resident.platform != "none")
            .order_by(Resident.display_name, Resident.id)
            .limit(LIST_LIMIT * 5)
        )
    )


def represented(session: Session, district_id: int) -> list[Resident]:
    """People of the district without a phone, with their proxy."""
    return list(
        session.scalars(
            select(Resident)
            .options(selectinload(Resident.proxy))
            .where(Resident.district_id == district_id, Resident.platform == "none", Resident.active.is_(True))
            .order_by(Resident.id.desc())
            .limit(LIST_LIMIT)
        )
    )


UNDELIVERED_DAYS = 30


def undelivered(session: Session, district_id: int, now: datetime) -> list[tuple[OutboundMessage, Resident]]:
    """Messages to people of the district that could not be sent for hours and were given up
    (newest first, the last 30 days): an admin can pass them on by phone or in person."""
    return list(
        session.execute(
            select(OutboundMessage, Resident)
            .join(Resident, Resident.id == OutboundMessage.resident_id)
            .where(
                Resident.district_id == district_id,
                OutboundMessage.status == "failed",
                OutboundMessage.created_at >= now - timedelta(days=UNDELIVERED_DAYS),
            )
            .order_by(OutboundMessage.id.desc())
            .limit(LIST_LIMIT)
        ).all()
    )


def message_text(row: OutboundMessage) -> str:
    """What the undelivered messages said, as one text."""
    return "\n\n".join(m.get("text") or f"{m.get('title', '')}\n{m.get('body', '')}".strip() for m in row.messages)
