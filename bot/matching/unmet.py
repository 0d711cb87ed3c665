"""Nobody could take a request: tell the requester honestly, ask the district admins to pick someone."""

from __future__ import annotations

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from bot.events import Envelope, Outbox, Text, button
from bot.i18n import t
from bot.kinds import NEAR
from bot.matching import describe
from bot.outbox import recipient, retry_key
from db.models import DistrictAdmin, HelperKind, HelperProfile, HelpRequest, Offer, Resident, helper_districts

SHORT_LIST = 5


def admins(session: Session, district_id: int | None) -> list[Resident]:
    """The active admins of a district."""
    return list(
        session.scalars(
            select(Resident)
            .join(DistrictAdmin, DistrictAdmin.resident_id == Resident.id)
            .where(DistrictAdmin.district_id == district_id, Resident.active.is_(True))
            .order_by(Resident.id)
        )
    )


def round_keys(session: Session, request: HelpRequest, round: int) -> list[str]:
    """The retry keys of the unmet notices of a round (a retried job finds them)."""
    people = [request.resident_id] + [a.id for a in admins(session, request.district_id)]
    return [retry_key("unmet", request.id, round, person) for person in people]


def short_list(session: Session, request: HelpRequest) -> list[Resident]:
    """A few helpers of the district an admin could ask in person, whatever their kinds: those
    who registered the request's kind first, then those of a kind near it (a carpenter for a
    wardrobe to move), those who declined it last."""
    of_kind, of_near_kind = (
        select(HelperKind.helper_id)
        .where(
            HelperKind.helper_id == HelperProfile.id,
            HelperKind.district_id == request.district_id,
            HelperKind.kind.in_(kinds),
        )
        .exists()
        for kinds in ((request.category,), NEAR.get(request.category, ()) or ("",))
    )
    declined = (
        select(Offer.id)
        .where(Offer.request_id == request.id, Offer.helper_id == Resident.id, Offer.status == "declined")
        .exists()
    )
    return list(
        session.scalars(
            select(Resident)
            .join(HelperProfile, HelperProfile.resident_id == Resident.id)
            .join(helper_districts, helper_districts.c.helper_id == HelperProfile.id)
            .where(
                helper_districts.c.district_id == request.district_id,
                HelperProfile.paused.is_(False),
                Resident.active.is_(True),
                Resident.id != request.resident_id,
            )
            .order_by(
                case((of_kind, 0), else_=1), case((declined, 1), else_=0), case((of_near_kind, 0), else_=1), Resident.id
            )
            .limit(SHORT_LIST)
        )
    )


# Request categories whose requester is not the one to tell (a 見守り visit: the silent person's
# watchers are), by category: (session, request, round, admins_told) -> their envelopes.
ON_UNMET: dict = {}


def unmet(session: Session, request: HelpRequest, round: int) -> Outbox:
    """Mark the request unmet; messages for the requester and the admins (keyed for retries).
    The requester hears that the district's contact was told only when one can be told."""
    request.status = "unmet"
    box = Outbox(envelopes=_to_admins(session, request, round))
    told = any(e.resident_id != request.resident_id for e in box.envelopes)  # someone else knows
    if request.category in ON_UNMET:
        return box.extend(Outbox(ON_UNMET[request.category](session, request, round, told)))
    requester = request.resident
    said = "offer.unmet_requester" if told else "offer.unmet_requester_alone"
    locale = requester.language  # which request it was: a message may have made two
    box.envelopes.insert(
        0,
        Envelope(
            requester.id,
            [Text(t(said, locale, which=_which(request, locale)))],
            retry_key=retry_key("unmet", request.id, round, requester.id),
        ),
    )
    return box


def _which(request: HelpRequest, locale: str) -> str:
    """Which request 'nobody found' is about (one message may have made two); nothing for an
    urgent one, whose only context is the answer or the alarm the person just sent."""
    if request.urgent:
        return ""
    return t(
        "offer.unmet_which", locale, kind=describe.kind(request.category, locale), when=describe.when(request, locale)
    )


def _to_admins(session: Session, request: HelpRequest, round: int) -> list[Envelope]:
    """The admins who can be told hear of it, with a few helpers they could ask in person."""
    helpers = short_list(session, request)
    envelopes = []
    reachable = [admin for admin in admins(session, request.district_id) if recipient(session, admin.id) is not None]
    for admin in reachable:
        locale = admin.language
        text = t(
            "offer.unmet_admin",
            locale,
            district=describe.district_name(request, locale),
            kind=describe.kind(request.category, locale),
            when=describe.when(request, locale),
            summary=request.summary or "",
        )
        choices = tuple(button(h.display_name or str(h.id), "request.assign", request.id, h.id) for h in helpers)
        # The choice stays on the message (other messages, such as 【至急】 alerts, come after it).
        envelopes.append(
            Envelope(
                admin.id, [Text(text, choices, lasting=True)], retry_key=retry_key("unmet", request.id, round, admin.id)
            )
        )
    return envelopes


def is_admin(session: Session, resident_id: int, district_id: int | None) -> bool:
    """Whether the resident administers the district."""
    return session.get(DistrictAdmin, (resident_id, district_id)) is not None
