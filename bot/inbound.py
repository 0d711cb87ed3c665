"""Storing webhook events once: the unique (platform, event_id) makes a redelivery a no-op.

A quarantined event (bot.events.QUARANTINED) is kept with status "quarantined" and never
handled; so is any event whose id or type could not be stored as they are.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.events import QUARANTINED, quarantined
from db.models import InboundEvent

log = logging.getLogger(__name__)

ID_LENGTH, TYPE_LENGTH = 100, 50  # the columns of InboundEvent
REDRIVE_AFTER = timedelta(seconds=20)  # as bot.reconcile.GRACE
_INSERTS: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def store(session: Session, platform: str, events: list[tuple[str, str, dict]], now: datetime) -> list[int]:
    """Store (event_id, event_type, payload) triples received at `now`; return the ids of those to handle now.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING for the whole body: a known event (or one
    stored by a concurrent delivery) is skipped by the unique key, with no look-up before it.
    Only when some were known does a look-up follow, to re-drive those whose job was lost.
    """
    if not events:
        return []
    rows = [_row(platform, *storable(platform, *event), now) for event in events]
    result = session.connection().execute(_statement(session.get_bind().dialect.name), rows)
    stored = result.all()
    new_ids = [row.id for row in stored if row.status == "received"]
    if len(stored) < len(rows):
        new_ids += _stalled(session, platform, {row["event_id"] for row in rows} - {r.event_id for r in stored}, now)
    return sorted(new_ids)  # ids are given in the body's order


def _row(platform: str, event_id: str, event_type: str, payload: dict, now: datetime) -> dict:
    status = "quarantined" if event_type == QUARANTINED else "received"
    return {
        "platform": platform,
        "event_id": event_id,
        "event_type": event_type,
        "payload": payload,
        "received_at": now,
        "status": status,
    }


@cache
def _statement(dialect: str) -> Any:
    """The insert, built once per dialect so that SQLAlchemy compiles it once."""
    table = cast(Table, InboundEvent.__table__)
    return (
        _INSERTS[dialect](table)
        .on_conflict_do_nothing(index_elements=["platform", "event_id"])
        .returning(table.c.id, table.c.event_id, table.c.status)
    )


def _stalled(session: Session, platform: str, event_ids: set[str], now: datetime) -> list[int]:
    """Known events that still wait for their job long after they came (the job was lost): a
    redelivery re-drives them. A duplicate arriving at once is not one: its job is on its way."""
    return list(
        session.scalars(
            select(InboundEvent.id).where(
                InboundEvent.platform == platform,
                InboundEvent.event_id.in_(event_ids),
                InboundEvent.status == "received",
                InboundEvent.received_at < now - REDRIVE_AFTER,
            )
        )
    )


def fits(value: str, longest: int) -> bool:
    """Whether a string can be stored in a column of that length (PostgreSQL refuses NUL)."""
    return 0 < len(value) <= longest and "\x00" not in value


def storable(platform: str, event_id: object, event_type: object, payload: dict) -> tuple[str, str, dict]:
    """The triple itself, or its quarantined form when its id or type would not fit the table."""
    if (
        isinstance(event_id, str)
        and isinstance(event_type, str)
        and fits(event_id, ID_LENGTH)
        and fits(event_type, TYPE_LENGTH)
    ):
        return event_id, event_type, payload
    raw = json.dumps([event_id, event_type, payload], ensure_ascii=False, default=str)
    log.warning("%s webhook event quarantined: an id or type that cannot be stored: %.300s", platform, raw)
    return quarantined("an id or type that cannot be stored", raw)
