"""Storing webhook events once: the unique (platform, event_id) makes a redelivery a no-op."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import InboundEvent


def store(session: Session, platform: str, events: list[tuple[str, str, dict]]) -> list[int]:
    """Store (event_id, event_type, payload) triples; return the ids of those new to us."""
    new_ids = []
    for event_id, event_type, payload in events:
        known = session.scalar(select(InboundEvent.id).where(
            InboundEvent.platform == platform, InboundEvent.event_id == event_id))
        if known is not None:
            continue
        try:
            with session.begin_nested():
                row = InboundEvent(platform=platform, event_id=event_id,
                                   event_type=event_type, payload=payload)
                session.add(row)
        except IntegrityError:  # the same event, stored by a concurrent delivery
            continue
        new_ids.append(row.id)
    return new_ids
