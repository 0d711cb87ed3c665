"""Offers: rounds of offers to the best helpers, the first accept wins, re-offers on timeout."""

from __future__ import annotations

import logging
from typing import cast
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot import outbox as outboxes
from bot.channel import Channels
from bot.config import Config
from bot.errors import NotAllowedError
from bot.events import Envelope, Outbox, Text
from bot.i18n import t
from bot.matching import candidates, describe
from bot.matching.rank import explain, rank
from bot.outbox import retry_key
from bot.queue import Job, enqueue_after_commit
from db.models import HelperProfile, HelpRequest, Offer, OutboundMessage, Resident, Task

log = logging.getLogger(__name__)

OPEN_OFFER = ("sent", "expired", "declined")  # a helper may still say yes to these
PENDING_QUESTION_MINUTES = 24 * 60  # a late 引き受けます still reaches its offer
# Kinds of request whose accept another domain answers (bot.watch's visits): category -> function.
ON_ACCEPT: dict = {}


def open_request(session: Session, request: HelpRequest) -> None:
    """The request is out: offers go out after the commit (in the same job, when a message sent it)."""
    request.status = "open"
    enqueue_after_commit(session, Job.OFFER_REQUEST, request.id, here=True)


# -- jobs ------------------------------------------------------------------------------------


def offer_request(request_id: int, round: int, now: datetime, config: Config, channels: Channels) -> None:
    """Send the first round of offers (run twice, it sends nothing new)."""
    _send_round(request_id, round, None, now, config, channels)


def offer_timeout(request_id: int, round: int, now: datetime, config: Config, channels: Channels) -> None:
    """Nobody accepted round `round` in time: offer the next helpers."""
    _send_round(request_id, round + 1, round, now, config, channels)


def _send_round(
    request_id: int, round: int, expire_round: int | None, now: datetime, config: Config, channels: Channels
) -> None:
    from db.session import Session as SessionFactory
    from db.session import keep_loaded, locked

    with SessionFactory.begin() as session:
        keep_loaded(session)  # the helpers next_round read: their rows are written with them loaded
        request = locked(session, HelpRequest, request_id)
        if request is None:
            return
        if request.status == "open" and request.offer_round == round - 1:
            if expire_round is not None:
                _expire(session, request.id, expire_round)
            # Every row of this round is written now (a category's own notices too): nothing
            # of it can be left from before, since the round was not out.
            ids = outboxes.store(session, next_round(session, request, round, now, config))
        else:  # done before: what a retried run left unsent
            ids = _pending_rows(session, request, round)
    outboxes.deliver(channels, sorted(ids), now)


def _expire(session: Session, request_id: int, round: int) -> None:
    session.execute(
        update(Offer)
        .where(Offer.request_id == request_id, Offer.round == round, Offer.status == "sent")
        .values(status="expired")
    )


def _pending_rows(session: Session, request: HelpRequest, round: int) -> list[int]:
    """Rows of this round not sent yet: what a retried job still has to deliver."""
    from bot.matching.unmet import round_keys

    offers = session.scalars(select(Offer.id).where(Offer.request_id == request.id, Offer.round == round))
    keys = [retry_key("offer", offer_id, round) for offer_id in offers] + round_keys(session, request, round)
    return list(
        session.scalars(
            select(OutboundMessage.id)
            .where(OutboundMessage.retry_key.in_(keys), OutboundMessage.status == "pending")
            .order_by(OutboundMessage.id)
        )
    )


def next_round(session: Session, request: HelpRequest, round: int, now: datetime, config: Config) -> Outbox:
    """Offer the request to the next best helpers; nobody left: it is unmet."""
    from bot.matching.unmet import unmet

    request.offer_round = round
    ranked = rank(candidates.find(session, request, now, config.helper_weekly_cap))
    log.info(explain(request.id, ranked))
    chosen = ranked[: config.offer_batch_size]
    if not chosen:
        still_out = session.scalar(
            select(Offer.id).where(Offer.request_id == request.id, Offer.status == "sent").limit(1)
        )
        return Outbox() if still_out else unmet(session, request, round)
    # The helpers in one query, the offers in one INSERT, their questions in one more.
    helpers = _residents(session, [candidate.resident_id for candidate, _ in chosen])
    offers = [
        Offer(request_id=request.id, helper_id=candidate.resident_id, round=round, score=score, sent_at=now)
        for candidate, score in chosen
    ]
    session.add_all(offers)
    session.flush()
    conversations.ask_each(
        session,
        [(helpers[offer.helper_id], {"offer_id": offer.id}) for offer in offers],
        "offer_pending",
        now=now,
        minutes=PENDING_QUESTION_MINUTES,
    )
    box = Outbox(envelopes=[_offer_envelope(request, offer, helpers[offer.helper_id]) for offer in offers])
    enqueue_after_commit(
        session, Job.OFFER_TIMEOUT, request.id, round, delay=timedelta(minutes=config.offer_timeout_minutes)
    )
    return box


def send_offer(session: Session, request: HelpRequest, offer: Offer, helper: Resident, now: datetime) -> Envelope:
    """The offer card for one helper, who may also answer it by writing."""
    conversations.ask(
        session, helper, "offer_pending", {"offer_id": offer.id}, now=now, minutes=PENDING_QUESTION_MINUTES
    )
    return _offer_envelope(request, offer, helper)


def _offer_envelope(request: HelpRequest, offer: Offer, helper: Resident) -> Envelope:
    card = describe.offer_card(request, offer, helper.language)
    return Envelope(helper.id, [card], retry_key=retry_key("offer", offer.id, offer.round))


def _residents(session: Session, ids: list[int]) -> dict[int, Resident]:
    """Residents by id, read in one query."""
    return {resident.id: resident for resident in session.scalars(select(Resident).where(Resident.id.in_(ids)))}


def assign(session: Session, request_id: int, helper_id: int, admin: Resident, now: datetime, config: Config) -> Outbox:
    """An admin picked a helper for an unmet request: offer it to that helper directly, and tell
    the person who asked."""
    from bot.matching.unmet import is_admin

    request = session.get(HelpRequest, request_id)
    helper = session.get(Resident, helper_id)
    if request is None or not is_admin(session, admin.id, request.district_id):
        raise NotAllowedError(f"{admin.id} is not an admin of request {request_id}'s district")
    if request.status not in ("unmet", "open") or helper is None or not helper.active:
        return Outbox().to(admin.id, Text(t("offer.assign_closed", admin.language)))
    offer = session.scalar(select(Offer).where(Offer.request_id == request.id, Offer.helper_id == helper.id))
    if request.status == "open" and offer is not None and offer.status == "sent":
        # The same choice pressed again (an old button): the helper has it already.
        return Outbox().to(admin.id, Text(t("offer.assign_already", admin.language, name=helper.display_name or "")))
    request.status, request.offer_round = "open", request.offer_round + 1
    if offer is None:
        offer = Offer(request_id=request.id, helper_id=helper.id)
        session.add(offer)
    offer.status, offer.round, offer.sent_at, offer.answered_at = "sent", request.offer_round, now, None
    session.flush()
    enqueue_after_commit(
        session,
        Job.OFFER_TIMEOUT,
        request.id,
        request.offer_round,
        delay=timedelta(minutes=config.offer_timeout_minutes),
    )
    requester = request.resident
    box = Outbox(envelopes=[send_offer(session, request, offer, helper, now)])
    box.to(requester.id, Text(t("offer.assign_requester", requester.language, name=helper.display_name or "")))
    return box.to(admin.id, Text(t("offer.assign_sent", admin.language, name=helper.display_name or "")))


# -- answers ---------------------------------------------------------------------------------


def accept(session: Session, offer_id: int, helper: Resident, now: datetime) -> Outbox:
    """The helper says yes: the first accept wins the request, in the database."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.helper_id != helper.id:
        return Outbox().to(helper.id, Text(t("offer.gone", helper.language)))
    _forget_question(session, helper, offer.id, now)
    if offer.status == "accepted" and offer.request.status == "assigned":
        return Outbox().to(
            helper.id, Text(describe.meeting_details(offer.request, offer.request.resident, helper.language))
        )
    if offer.status == "accepted":  # an old button on a finished task: the address is not sent again
        return Outbox().to(helper.id, Text(t("offer.gone", helper.language)))
    if _waiting_for_approval(session, helper):
        return Outbox().to(helper.id, Text(t("helper.registered_pending", helper.language)))
    if offer.status not in OPEN_OFFER or not _win(session, offer, now):
        return _too_late(session, offer, helper, now)
    return _accepted(session, offer, helper, now)


def _waiting_for_approval(session: Session, helper: Resident) -> bool:
    from bot.matching.approvals import needs_approval

    profile = session.scalar(select(HelperProfile).where(HelperProfile.resident_id == helper.id))
    return profile is not None and needs_approval(profile)


def _win(session: Session, offer: Offer, now: datetime) -> bool:
    """Move the request open -> assigned; only one transaction can (the row is locked meanwhile)."""
    result = session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == offer.request_id, HelpRequest.status == "open")
        .values(status="assigned")
        .execution_options(synchronize_session=False)
    )
    won = cast(CursorResult, result).rowcount == 1
    if not won:
        return False
    try:
        with session.begin_nested():  # the unique request_id is the last word
            session.add(Task(request_id=offer.request_id, helper_id=offer.helper_id, accepted_at=now))
    except IntegrityError:
        return False
    return True


def _too_late(session: Session, offer: Offer, helper: Resident, now: datetime) -> Outbox:
    if offer.status in OPEN_OFFER:
        offer.status, offer.answered_at = "taken", now
    session.refresh(offer.request)
    key = "offer.taken" if offer.request.status in ("assigned", "done") else "offer.gone"
    return Outbox().to(helper.id, Text(t(key, helper.language)))


def _accepted(session: Session, offer: Offer, helper: Resident, now: datetime) -> Outbox:
    offer.status, offer.answered_at = "accepted", now
    session.refresh(offer.request)
    request = offer.request
    if request.category in ON_ACCEPT:
        box = ON_ACCEPT[request.category](session, offer, helper, now)
        return box.extend(close_offers(session, request, now, "taken", "offer.taken"))
    requester = request.resident
    box = Outbox().to(
        helper.id,
        Text(t("offer.accepted_helper", helper.language)),
        Text(describe.meeting_details(request, requester, helper.language)),
    )
    box.to(
        requester.id,
        Text(
            t(
                "offer.accepted_requester",
                requester.language,
                helper=helper.display_name or "",
                kind=describe.kind(request.category, requester.language),
                when=describe.when(request, requester.language),
            )
        ),
    )
    return box.extend(close_offers(session, request, now, "taken", "offer.taken"))


def close_offers(session: Session, request: HelpRequest, now: datetime, status: str, key: str | None) -> Outbox:
    """Withdraw the request's other open offers, telling those helpers with `key` (if any)."""
    box = Outbox()
    others = session.scalars(select(Offer).where(Offer.request_id == request.id, Offer.status.in_(("sent", "expired"))))
    for other in others:
        other.status, other.answered_at = status, now
        _forget_question(session, other.helper, other.id, now)
        if key and other.helper.active:
            box.to(other.helper_id, Text(t(key, other.helper.language)))
    return box


def decline(session: Session, offer_id: int, helper: Resident, now: datetime) -> Outbox:
    """The helper says no: thanks; when the whole round said no, the next round goes at once."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.helper_id != helper.id:
        return Outbox().to(helper.id, Text(t("offer.gone", helper.language)))
    _forget_question(session, helper, offer.id, now)
    if offer.status in ("sent", "expired"):
        offer.status, offer.answered_at = "declined", now
        _next_if_all_answered(session, offer.request)
    return Outbox().to(helper.id, Text(t("offer.declined", helper.language)))


def _next_if_all_answered(session: Session, request: HelpRequest) -> None:
    session.flush()
    waiting = session.scalar(select(Offer.id).where(Offer.request_id == request.id, Offer.status == "sent").limit(1))
    if request.status == "open" and waiting is None:
        enqueue_after_commit(session, Job.OFFER_TIMEOUT, request.id, request.offer_round)


def _forget_question(session: Session, helper: Resident, offer_id: int, now: datetime) -> None:
    conversation = conversations.current(session, helper, now)
    if conversation is not None and conversation.data.get("offer_id") == offer_id:
        conversations.finish(session, helper)
