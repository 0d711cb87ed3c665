"""Storing webhook events once: the unique (platform, event_id) makes a redelivery a no-op.

A quarantined event (bot.events.QUARANTINED) is kept with status "quarantined" and never
handled; so is any event whose id or type could not be stored as they are.
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.events import QUARANTINED, quarantined
from db.models import InboundEvent, local_now

log = logging.getLogger(__name__)

ID_LENGTH, TYPE_LENGTH = 100, 50  # the columns of InboundEvent
REDRIVE_AFTER = timedelta(seconds=20)  # as bot.reconcile.GRACE


def store(session: Session, platform: str, events: list[tuple[str, str, dict]]) -> list[int]:
    """Store (event_id, event_type, payload) triples; return the ids of those new to us to handle."""
    new_ids = []
    for event in events:
        event_id, event_type, payload = storable(platform, *event)
        known = session.execute(select(InboundEvent.id, InboundEvent.status, InboundEvent.received_at)
                                .where(InboundEvent.platform == platform,
                                       InboundEvent.event_id == event_id)).first()
        if known is not None:
            if stalled(known.status, known.received_at):
                new_ids.append(known.id)  # stored, but its job was lost: a redelivery re-drives it
            continue
        status = "quarantined" if event_type == QUARANTINED else "received"
        try:
            with session.begin_nested():
                row = InboundEvent(platform=platform, event_id=event_id, event_type=event_type,
                                   payload=payload, status=status)
                session.add(row)
        except IntegrityError:  # the same event, stored by a concurrent delivery
            continue
        if status == "received":
            new_ids.append(row.id)
    return new_ids


def stalled(status: str, received_at: datetime) -> bool:
    """Whether a stored event still waits for its job long after it came (the job was lost);
    a duplicate arriving at once is not a redelivery, its job is still on its way."""
    return status == "received" and received_at < local_now() - REDRIVE_AFTER


def fits(value: str, longest: int) -> bool:
    """Whether a string can be stored in a column of that length (PostgreSQL refuses NUL)."""
    return 0 < len(value) <= longest and "\x00" not in value


def storable(platform: str, event_id: object, event_type: object, payload: dict) -> tuple[str, str, dict]:
    """The triple itself, or its quarantined form when its id or type would not fit the table."""
    if isinstance(event_id, str) and isinstance(event_type, str) \
            and fits(event_id, ID_LENGTH) and fits(event_type, TYPE_LENGTH):
        return event_id, event_type, payload
    raw = json.dumps([event_id, event_type, payload], ensure_ascii=False, default=str)
    log.warning("%s webhook event quarantined: an id or type that cannot be stored: %.300s",
                platform, raw)
    return quarantined("an id or type that cannot be stored", raw)
