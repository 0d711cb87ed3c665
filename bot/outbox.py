"""Outgoing messages: written in a job's transaction, sent after its commit."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot import runtime
from bot.errors import ChannelError
from bot.events import Outbox, message_from_dict, message_to_dict
from db.models import OutboundMessage, Resident, local_now

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


def store(session: Session, outbox: Outbox, *, reply_to: int | None = None,
          reply_token: str | None = None, received_at: datetime | None = None,
          inbound_event_id: int | None = None) -> list[int]:
    """Write the outbox as rows to send after commit, one per person who reads them (a proxy
    reading for two gets one); the sender's row may use the reply token."""
    rows: dict[int, OutboundMessage] = {}
    for envelope in outbox.envelopes:
        person = recipient(session, envelope.resident_id)
        if person is None or not envelope.messages:
            continue
        messages = [message_to_dict(m) for m in envelope.messages]
        if person.id in rows:
            rows[person.id].messages = rows[person.id].messages + messages
            continue
        use_reply = reply_token is not None and person.id == reply_to
        rows[person.id] = OutboundMessage(
            resident_id=person.id,
            inbound_event_id=inbound_event_id,
            platform=person.platform,
            user_id=person.platform_user_id,
            messages=messages,
            reply_token=reply_token if use_reply else None,
            reply_deadline=(received_at or local_now()) + REPLY_TOKEN_LIFETIME if use_reply else None,
            retry_key=envelope.retry_key or str(uuid.uuid4()),
        )
    session.add_all(rows.values())
    session.flush()
    return [row.id for row in rows.values()]


def deliver(ids: list[int], now: datetime | None = None, *, retry_job: bool = True) -> None:
    """Send the given pending rows. One that fails waits for its next try (backoff, picked up by
    bot.reconcile) for RETRY_FOR, then it has failed, for an admin to see. With `retry_job`,
    ChannelError at the end if some are still to send, so that the job's own quick retries
    (bot.queue.RETRY_INTERVALS) come first."""
    broken: set[str] = set()  # platforms that just failed: their other rows wait for the next try
    for row_id in ids:
        platform = _deliver_one(row_id, now or local_now(), broken)
        if platform:
            broken.add(platform)
    if broken and retry_job:
        raise ChannelError(f"sending to {', '.join(sorted(broken))} failed: tried again later")


def _deliver_one(row_id: int, now: datetime, broken: set[str]) -> str | None:
    """Send one row; the platform's name when it failed and will be tried again."""
    from db.session import Session as SessionFactory

    with SessionFactory.begin() as session:
        row = session.get(OutboundMessage, row_id, with_for_update=True)
        if row is None or row.status != "pending" or row.platform in broken:
            return None
        channel = runtime.current().channels.get(row.platform)
        if channel is None:
            log.warning("no channel for platform %s: outbound %s dropped", row.platform, row.id)
            row.status = "dropped"
            return None
        fresh = row.reply_deadline is not None and now < row.reply_deadline
        token = row.reply_token if fresh and row.attempts == 0 else None
        row.attempts += 1
        try:
            channel.send(row.user_id, [message_from_dict(m) for m in row.messages],
                         reply_token=token, retry_key=row.retry_key)
        except OperationalError:
            raise  # the database is away: the whole job is tried again
        except Exception as error:  # noqa: BLE001  (whatever it was, the row must not be lost)
            _failed(row, error, now)
            return row.platform if row.status == "pending" else None
        row.status, row.sent_at, row.next_attempt_at = "sent", now, None
        return None


def _failed(row: OutboundMessage, error: Exception, now: datetime) -> None:
    """Schedule the next try, or give up: after RETRY_FOR, at once when retrying cannot help."""
    row.last_error = f"{type(error).__name__}: {error}"[:300]
    permanent = not isinstance(error, ChannelError) or error.permanent
    if permanent or now - row.created_at >= RETRY_FOR:
        row.status, row.next_attempt_at = "failed", None
        log.error("outbound %s to %s given up after %d attempts: %s", row.id, row.platform,
                  row.attempts, row.last_error, exc_info=not isinstance(error, ChannelError))
        return
    row.next_attempt_at = now + backoff(row.attempts)
    log.warning("outbound %s to %s failed (attempt %d), next try at %s: %s", row.id, row.platform,
                row.attempts, row.next_attempt_at, row.last_error)


def backoff(attempts: int) -> timedelta:
    """The wait after a failed attempt: doubling from half a minute, at most half an hour."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_LONGEST)


def pending_for_event(session: Session, inbound_event_id: int) -> list[int]:
    """The rows of an inbound event that are still to be sent (a retried job finishes them)."""
    return list(session.scalars(
        select(OutboundMessage.id).where(
            OutboundMessage.inbound_event_id == inbound_event_id,
            OutboundMessage.status == "pending",
        ).order_by(OutboundMessage.id)
    ))
