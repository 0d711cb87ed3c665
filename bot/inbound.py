"""Storing webhook events once: the unique (platform, event_id) makes a redelivery a no-op."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import InboundEvent, local_now

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def store(session: Session, platform: str, events: list[tuple[str, str, dict]]) -> list[int]:
    """Store (event_id, event_type, payload) triples; return the ids of those new to us.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING for the whole body: a known event (or one
    stored by a concurrent delivery) is skipped by the unique key, with no look-up before it.
    """
    if not events:
        return []
    now = local_now()
    rows = [{"platform": platform, "event_id": event_id, "event_type": event_type, "payload": payload,
             "received_at": now, "status": "received"} for event_id, event_type, payload in events]
    insert = _INSERTS[session.get_bind().dialect.name](InboundEvent)
    statement = (insert.values(rows).on_conflict_do_nothing(index_elements=["platform", "event_id"])
                 .returning(InboundEvent.id))
    return sorted(session.scalars(statement))  # ids are given in the body's order
