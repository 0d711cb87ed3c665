"""Safety checks (安否確認): answers, urgent requests from need_help, reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session as OrmSession

from bot.channel import Channels
from bot.circulars import circulars, deliveries, fanout, render
from bot.clock import Clock
from bot.queue import Job, enqueue_after_commit
from bot.i18n import t
from db.models import Circular, Delivery, DeliveryBatch, HelpRequest, Resident
from db.session import Session

ANSWERS = ("safe", "need_help")


@dataclass(frozen=True)
class Answered:
    """What an answer changed: the circular, and the urgent request it opened, if any."""

    circular: Circular
    request: HelpRequest | None


def answer(
    session: OrmSession,
    resident: Resident,
    circular_id: int,
    said: str,
    now: datetime,
    *,
    text: str = "",
    category: str | None = None,
    by: Resident | None = None,
) -> Answered | None:
    """Record safe / need_help for a safety check; None when the resident was not asked.

    `by` is who answered when it is not the resident themself (their proxy).
    """
    circular = session.get(Circular, circular_id)
    row = circulars.delivery(session, circular_id, resident.id)
    if circular is None or circular.kind != "safety_check" or row is None or said not in ANSWERS:
        return None
    first_call_for_help = said == "need_help" and row.answer != "need_help"
    if row.answer != said:  # the same answer again keeps the time it was first given (and its request's)
        row.answer, row.answered_at = said, now
    request = None
    if first_call_for_help:
        request = open_urgent_request(session, resident, circular, text, category or "other", now, by or resident)
    return Answered(circular, request)


def open_urgent_request(
    session: OrmSession, resident: Resident, circular: Circular, text: str, category: str, now: datetime, by: Resident
) -> HelpRequest:
    """An urgent request for someone who needs help (asked by them or their proxy), matched at once."""
    summary = text[:200] or t("safety.request_summary", by.language, title=circular.title)
    request = HelpRequest(
        resident_id=resident.id,
        created_by_id=by.id,
        district_id=resident.district_id or circular.district_id,
        category=category,
        text=text,
        summary=summary,
        status="open",
        urgent=True,
        created_at=now,
    )
    session.add(request)
    session.flush()
    enqueue_after_commit(session, Job.OFFER_REQUEST, request.id, here=True)
    return request


def remind(circular_id: int, channels: Channels, clock: Clock) -> None:
    """Remind the followers who have not answered a safety check; safe to run twice. It runs
    for minutes on a large district: `clock` tells when each batch was reminded."""
    with Session() as session:
        circular = session.get(Circular, circular_id)
        if circular is None or circular.kind != "safety_check":
            return
        district_name = circular.district.name
        batches = deliveries.sent_batches(session, circular_id)
        session.expunge_all()
    for batch in batches:
        remind_batch(circular, district_name, batch, channels, clock)


def remind_batch(
    circular: Circular, district_name: str, batch: DeliveryBatch, channels: Channels, clock: Clock
) -> None:
    """Remind one batch's silent followers; the retry key makes a re-run send nothing twice."""
    with Session() as session:
        done = deliveries.done_by(session, circular.id, Delivery.answer.is_not(None), Delivery.reminded_at.is_not(None))
        silent = [r for r in deliveries.reached_ids(batch) if r not in done]
        people = fanout.recipients(session, circular, silent) if silent else []
    for (platform, language), group in fanout.group_recipients(people).items():
        channel = channels.get(platform)
        if channel is not None:
            messages = render.reminder_for(circular, district_name, language)
            fanout.send_group(channel, circular.id, ("remind", batch.number, platform, language), group, messages)
        _reminded(circular, batch, group, clock.now())
    proxies = fanout.represented(people)
    fanout.send_on_behalf(channels, circular, district_name, proxies, ("remind", "proxy"), reminder=True)
    _reminded(circular, batch, proxies, clock.now())
    # Those it reached who no longer follow (or whose proxy cannot be reached) get no reminder, and
    # their turn is over: left silent, the reconciler found the check unreminded at every pass.
    gone = [p.resident_id for p in people if not p.following]
    if gone:
        with Session.begin() as session:
            deliveries.mark_reminded(session, batch, gone, clock.now())


def _reminded(circular: Circular, batch: DeliveryBatch, group: list[fanout.Recipient], now: datetime) -> None:
    if not group:
        return
    with Session.begin() as session:
        deliveries.mark_reminded(session, batch, [p.resident_id for p in group], now)
        render.ask_reply(session, circular, [p.resident_id for p in group if p.on_behalf is None], now)
