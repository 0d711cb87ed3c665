"""Storing webhook events once: the unique (platform, event_id) makes a redelivery a no-op."""
from __future__ import annotations

from functools import cache
from typing import cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import InboundEvent, local_now



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
    result = session.connection().execute(_statement(session.get_bind().dialect.name), rows)
    return sorted(result.scalars())  # ids are given in the body's order


@cache
def _statement(dialect: str):
    """The insert, built once per dialect so that SQLAlchemy compiles it once."""
    table = cast(Table, InboundEvent.__table__)
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return insert.on_conflict_do_nothing(index_elements=["platform", "event_id"]).returning(table.c.id)
