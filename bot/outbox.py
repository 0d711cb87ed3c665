"""Outgoing messages: written in a job's transaction, sent after its commit."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import runtime
from bot.events import Outbox, message_from_dict, message_to_dict
from db.models import OutboundMessage, Resident, local_now

log = logging.getLogger(__name__)

RETRY_NAMESPACE = uuid.UUID("6f1f7a52-3c0e-4c55-9a43-0b7f2b6c1e11")
# LINE accepts a reply token once, within a minute of the webhook; keep a margin.
REPLY_TOKEN_LIFETIME = timedelta(seconds=50)


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


def deliver(ids: list[int]) -> None:
    """Send the given pending rows; raises on a failure worth retrying (the job is retried)."""
    from db.session import Session as SessionFactory

    channels = runtime.current().channels
    for row_id in ids:
        with SessionFactory.begin() as session:
            row = session.get(OutboundMessage, row_id, with_for_update=True)
            if row is None or row.status != "pending":
                continue
            fresh = row.reply_deadline is not None and local_now() < row.reply_deadline
            token = row.reply_token if fresh and row.attempts == 0 else None
            row.attempts += 1
            messages = [message_from_dict(m) for m in row.messages]
            channel = channels.get(row.platform)
            if channel is None:
                log.warning("no channel for platform %s: outbound %s dropped", row.platform, row.id)
                row.status = "dropped"
                continue
            channel.send(row.user_id, messages, reply_token=token, retry_key=row.retry_key)
            row.status, row.sent_at = "sent", local_now()


def pending_for_event(session: Session, inbound_event_id: int) -> list[int]:
    """The rows of an inbound event that are still to be sent (a retried job finishes them)."""
    return list(session.scalars(
        select(OutboundMessage.id).where(
            OutboundMessage.inbound_event_id == inbound_event_id,
            OutboundMessage.status == "pending",
        ).order_by(OutboundMessage.id)
    ))
