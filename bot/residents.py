"""Residents: found or created from a platform user, leaving, erasure."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.i18n import supported
from db.models import Conversation, District, HelperProfile, HelpRequest, Offer, Resident, Subscription


# Built once (every message looks its sender up): SQLAlchemy builds no statement and no cache key.
_BY_USER = select(Resident).where(
    Resident.platform == bindparam("platform"), Resident.platform_user_id == bindparam("user_id")
)


def find(session: Session, platform: str, user_id: str) -> Resident | None:
    """The resident behind a platform user id, if known."""
    return session.scalar(_BY_USER, {"platform": platform, "user_id": user_id})


def upsert(
    session: Session, platform: str, user_id: str, *, display_name: str | None = None, language: str | None = None
) -> Resident:
    """The resident for this platform user, created on first contact."""
    return settle(
        session, find(session, platform, user_id), platform, user_id, display_name=display_name, language=language
    )


def settle(
    session: Session,
    resident: Resident | None,
    platform: str,
    user_id: str,
    *,
    display_name: str | None = None,
    language: str | None = None,
) -> Resident:
    """The resident `find` found for this platform user, or one created now (first contact)."""
    if resident is None:
        resident = Resident(
            platform=platform, platform_user_id=user_id, display_name=display_name or "", language=supported(language)
        )
        session.add(resident)
        session.flush()
    elif display_name and not resident.display_name:
        resident.display_name = display_name
    return resident


def deactivate(session: Session, resident: Resident, now: datetime) -> None:
    """Stop everything to this person at once: offers, deliveries, pending questions."""
    resident.active = False
    resident.left_at = now
    session.execute(
        update(Offer)
        .where(Offer.helper_id == resident.id, Offer.status == "sent")
        .values(status="withdrawn", answered_at=now)
    )
    session.execute(update(Subscription).where(Subscription.resident_id == resident.id).values(active=False))
    session.query(Conversation).filter(Conversation.resident_id == resident.id).delete()
    if resident.helper_profile is not None:
        resident.helper_profile.paused = True
    session.flush()


def erase(session: Session, resident: Resident, now: datetime) -> None:
    """退会: leave, and erase personal data; ledger and statistics keep an anonymous row."""
    deactivate(session, resident, now)
    resident.display_name = ""
    resident.address = None
    resident.phone = None
    resident.platform_user_id = f"erased-{resident.id}"
    resident.erased = True
    profile = session.scalar(select(HelperProfile).where(HelperProfile.resident_id == resident.id))
    if profile is not None:
        profile.experience = None
    session.execute(
        update(HelpRequest)
        .where(HelpRequest.resident_id == resident.id)
        .values(text="", summary="", landmark=None, meeting_point=None, note=None)
    )
    session.flush()


def district_in(text: str, districts: list[District]) -> District | None:
    """Which of these districts a text names: by its name, else by the reading an admin gave it
    (小倉 read コクラ, so "Kokura" is found, where the dictionary reads オグラ)."""
    from bot.nlp import find_district

    name = find_district(text, [d.name for d in districts])
    found = next((d for d in districts if d.name == name), None)
    readings = {d.reading: d for d in districts if d.reading}
    if found is None and readings:
        found = readings.get(find_district(text, list(readings)) or "")
    return found
