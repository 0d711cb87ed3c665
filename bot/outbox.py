"""Outgoing messages: written in a job's transaction, sent after its commit."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.channel import Channels
from bot.errors import ChannelError
from bot.events import Outbox, message_from_dict, message_to_dict
from db.models import OutboundMessage, Resident

log = logging.getLogger(__name__)

RETRY_NAMESPACE = uuid.UUID("6f1f7a52-3c0e-4c55-9a43-0b7f2b6c1e11")
# LINE accepts a reply token once, within a minute of the webhook; keep a margin.
REPLY_TOKEN_LIFETIME = timedelta(seconds=50)
# A message that cannot be sent is tried again with backoff for hours (LINE outages are
# usually minutes), then marked failed for the admin pages.
RETRY_FIRST, RETRY_LONGEST = timedelta(seconds=30), timedelta(minutes=30)
RETRY_FOR = timedelta(hours=6)


def retry_key(*parts: object) -> str:
    """A stable key for one push, so a retried job never sends it twice."""
    return str(uuid.uuid5(RETRY_NAMESPACE, ":".join(str(p) for p in parts)))


def recipient(session: Session, resident_id: int) -> Resident | None:
    """Who reads messages meant for this resident: themself, or their proxy; None if gone."""
    resident = session.get(Resident, resident_id)
    if resident is not None and resident.proxy_id and resident.platform == "none":
        resident = session.get(Resident, resident.proxy_id)
    if resident is None or not resident.active or resident.platform == "none":
        return None
    return resident


def store(
    session: Session,
    outbox: Outbox,
    *,
    reply_to: int | None = None,
    reply_token: str | None = None,
    received_at: datetime | None = None,
    inbound_event_id: int | None = None,
) -> list[int]:
    """Write the outbox as rows to send after commit, one per person who reads them (a proxy
    reading for two gets one); the sender's row may use the reply token, for a while after the
    event that brought it was `received_at`."""
    rows: dict[int, OutboundMessage] = {}
    for envelope in outbox.envelopes:
        person = recipient(session, envelope.resident_id)
        if person is None or not envelope.messages:
            continue
        messages = [message_to_dict(m) for m in envelope.messages]
        if person.id in rows:
            rows[person.id].messages = rows[person.id].messages + messages
            continue
        use_reply = reply_token is not None and received_at is not None and person.id == reply_to
        rows[person.id] = OutboundMessage(
            resident_id=person.id,
            inbound_event_id=inbound_event_id,
            platform=person.platform,
            user_id=person.platform_user_id,
            messages=messages,
            reply_token=reply_token if use_reply else None,
            reply_deadline=received_at + REPLY_TOKEN_LIFETIME if use_reply and received_at else None,
            retry_key=envelope.retry_key or str(uuid.uuid4()),
        )
    session.add_all(rows.values())
    session.flush()
    return [row.id for row in rows.values()]


def deliver(channels: Channels, ids: list[int], now: datetime, *, retry_job: bool = True) -> None:
    """Send the given pending rows, each person's in the order they were decided (by id), across
    jobs: an earlier row for the same person still pending is sent first, whichever job wrote it,
    and while one cannot be sent the later ones wait for it (see `in_order`). A row that fails
    waits for its next try (backoff, picked up by bot.reconcile) for RETRY_FOR, then it has failed,
    for an admin to see. With `retry_job`, ChannelError at the end if some are still to send, so
    that the job's own quick retries (bot.queue.RETRY_INTERVALS) come first. `now` is the
    time the job (or page) started: due rows, backoffs and reply tokens are judged by it."""
    broken: set[str] = set()  # platforms that just failed: their other rows wait for the next try
    blocked: dict[int, datetime | None] = {}  # person -> when their earliest unsent row is tried again
    for row_id, person, asked in in_order(ids):
        if person in blocked:
            _hold(row_id, blocked[person])
            continue
        outcome = _deliver_one(channels, row_id, now, broken, asked)
        if outcome is None:
            continue
        platform, next_try = outcome
        blocked[person] = next_try
        if platform:
            broken.add(platform)
    if broken and retry_job:
        raise ChannelError(f"sending to {', '.join(sorted(broken))} failed: tried again later")


def in_order(ids: list[int]) -> list[tuple[int, int, bool]]:
    """(row, person, asked for) to try, in id order: the given rows and every other pending row
    of the same people (an earlier one goes first, a later one right after; one that failed
    lately and is not asked for keeps its backoff, and holds back the later ones)."""
    from db.session import Session as SessionFactory

    if not ids:
        return []
    asked = set(ids)
    with SessionFactory() as session:
        people = select(OutboundMessage.resident_id).where(
            OutboundMessage.id.in_(ids), OutboundMessage.status == "pending"
        )
        rows = session.execute(
            select(OutboundMessage.id, OutboundMessage.resident_id)
            .where(OutboundMessage.status == "pending", OutboundMessage.resident_id.in_(people))
            .order_by(OutboundMessage.id)
        ).all()
    return [(row_id, person, row_id in asked) for row_id, person in rows]


def _hold(row_id: int, until: datetime | None) -> None:
    """A row waits for an earlier one to the same person: it is tried again with it, not before."""
    from db.session import Session as SessionFactory
    from db.session import locked

    with SessionFactory.begin() as session:
        row = locked(session, OutboundMessage, row_id)
        if (
            row is not None
            and row.status == "pending"
            and until is not None
            and (row.next_attempt_at is None or row.next_attempt_at < until)
        ):
            row.next_attempt_at = until


def _deliver_one(
    channels: Channels, row_id: int, now: datetime, broken: set[str], asked: bool = True
) -> tuple[str | None, datetime | None] | None:
    """Send one row. None when it is done with (sent, given up, or gone); else it is still to
    send: (the platform's name when it just failed, when it is tried next)."""
    from db.session import Session as SessionFactory
    from db.session import locked

    with SessionFactory.begin() as session:
        row = locked(session, OutboundMessage, row_id)
        if row is None or row.status != "pending":
            return None
        if row.platform in broken:
            return None, row.next_attempt_at
        if not asked and row.attempts and row.next_attempt_at is not None and row.next_attempt_at > now:
            return None, row.next_attempt_at  # failed lately and not due: it keeps its backoff
        channel = channels.get(row.platform)
        if channel is None:
            log.warning("no channel for platform %s: outbound %s dropped", row.platform, row.id)
            row.status = "dropped"
            return None
        fresh = row.reply_deadline is not None and now < row.reply_deadline
        token = row.reply_token if fresh and row.attempts == 0 else None
        row.attempts += 1
        try:
            channel.send(
                row.user_id, [message_from_dict(m) for m in row.messages], reply_token=token, retry_key=row.retry_key
            )
        except OperationalError:
            raise  # the database is away: the whole job is tried again
        except Exception as error:  # noqa: BLE001  (whatever it was, the row must not be lost)
            _failed(row, error, now)
            if row.status != "pending":
                return None
            return row.platform, row.next_attempt_at
        row.status, row.sent_at, row.next_attempt_at = "sent", now, None
        return None


def _failed(row: OutboundMessage, error: Exception, now: datetime) -> None:
    """Schedule the next try, or give up: after RETRY_FOR, at once when retrying cannot help."""
    row.last_error = f"{type(error).__name__}: {error}"[:300]
    permanent = not isinstance(error, ChannelError) or error.permanent
    if permanent or now - row.created_at >= RETRY_FOR:
        row.status, row.next_attempt_at = "failed", None
        log.error(
            "outbound %s to %s given up after %d attempts: %s",
            row.id,
            row.platform,
            row.attempts,
            row.last_error,
            exc_info=not isinstance(error, ChannelError),
        )
        return
    row.next_attempt_at = now + backoff(row.attempts)
    log.warning(
        "outbound %s to %s failed (attempt %d), next try at %s: %s",
        row.id,
        row.platform,
        row.attempts,
        row.next_attempt_at,
        row.last_error,
    )


def backoff(attempts: int) -> timedelta:
    """The wait after a failed attempt: doubling from half a minute, at most half an hour."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_LONGEST)


def pending_for_event(session: Session, inbound_event_id: int) -> list[int]:
    """The rows of an inbound event that are still to be sent (a retried job finishes them)."""
    return list(
        session.scalars(
            select(OutboundMessage.id)
            .where(
                OutboundMessage.inbound_event_id == inbound_event_id,
                OutboundMessage.status == "pending",
            )
            .order_by(OutboundMessage.id)
        )
    )
