"""Nobody could take a request: tell the requester honestly, ask the district admins to pick someone."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import runtime
from bot.errors import NotAllowedError
from bot.events import Envelope, Outbox, Text
from bot.handlers import button
from bot.i18n import t
from bot.matching import describe
from db.models import DistrictAdmin, HelperProfile, HelpRequest, Offer, Resident, helper_districts

SHORT_LIST = 5


def admins(session: Session, district_id: int | None) -> list[Resident]:
    """The active admins of a district."""
    return list(session.scalars(
        select(Resident).join(DistrictAdmin, DistrictAdmin.resident_id == Resident.id)
        .where(DistrictAdmin.district_id == district_id, Resident.active.is_(True))
        .order_by(Resident.id)))


def round_keys(session: Session, request: HelpRequest, round: int) -> list[str]:
    """The retry keys of the unmet notices of a round (a retried job finds them)."""
    from bot.matching.offers import retry_key

    people = [request.resident_id] + [a.id for a in admins(session, request.district_id)]
    return [retry_key("unmet", request.id, round, person) for person in people]


def short_list(session: Session, request: HelpRequest) -> list[Resident]:
    """A few helpers of the district an admin could ask in person, whatever their kinds."""
    return list(session.scalars(
        select(Resident).join(HelperProfile, HelperProfile.resident_id == Resident.id)
        .join(helper_districts, helper_districts.c.helper_id == HelperProfile.id)
        .where(helper_districts.c.district_id == request.district_id, HelperProfile.paused.is_(False),
               Resident.active.is_(True), Resident.id != request.resident_id)
        .order_by(Resident.id).limit(SHORT_LIST)))


def unmet(session: Session, request: HelpRequest, round: int) -> Outbox:
    """Mark the request unmet; messages for the requester and the admins (keyed for retries)."""
    from bot.matching.offers import retry_key

    request.status = "unmet"
    requester = request.resident
    box = Outbox(envelopes=[Envelope(requester.id, [Text(t("offer.unmet_requester", requester.language))],
                                     retry_key=retry_key("unmet", request.id, round, requester.id))])
    helpers = short_list(session, request)
    for admin in admins(session, request.district_id):
        locale = admin.language
        text = t("offer.unmet_admin", locale, district=describe.district_name(request),
                 kind=describe.kind(request.category, locale), when=describe.when(request, locale),
                 summary=request.summary or "")
        choices = tuple(button(h.display_name or str(h.id), "request.assign", request.id, h.id)
                        for h in helpers)
        box.envelopes.append(Envelope(admin.id, [Text(text, choices)],
                                      retry_key=retry_key("unmet", request.id, round, admin.id)))
    return box


def assign(session: Session, request_id: int, helper_id: int, admin: Resident, now: datetime) -> Outbox:
    """An admin picked a helper for an unmet request: offer it to that helper directly, and tell
    the person who asked."""
    from bot.matching.offers import send_offer
    from bot.queue import enqueue_after_commit

    request = session.get(HelpRequest, request_id)
    helper = session.get(Resident, helper_id)
    if request is None or not is_admin(session, admin.id, request.district_id):
        raise NotAllowedError(f"{admin.id} is not an admin of request {request_id}'s district")
    if request.status not in ("unmet", "open") or helper is None or not helper.active:
        return Outbox().to(admin.id, Text(t("offer.assign_closed", admin.language)))
    request.status, request.offer_round = "open", request.offer_round + 1
    offer = session.scalar(select(Offer).where(Offer.request_id == request.id, Offer.helper_id == helper.id))
    if offer is None:
        offer = Offer(request_id=request.id, helper_id=helper.id)
        session.add(offer)
    offer.status, offer.round, offer.sent_at, offer.answered_at = "sent", request.offer_round, now, None
    session.flush()
    enqueue_after_commit(session, "bot.matching.offers.offer_timeout", request.id, request.offer_round,
                 delay=timedelta(minutes=runtime.current().config.offer_timeout_minutes))
    requester = request.resident
    box = Outbox(envelopes=[send_offer(session, request, offer, helper, now)])
    box.to(requester.id, Text(t("offer.assign_requester", requester.language, name=helper.display_name or "")))
    return box.to(admin.id, Text(t("offer.assign_sent", admin.language, name=helper.display_name or "")))


def is_admin(session: Session, resident_id: int, district_id: int | None) -> bool:
    """Whether the resident administers the district."""
    return session.get(DistrictAdmin, (resident_id, district_id)) is not None
