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

import psycopg
from psycopg import pq
from sqlalchemy import Connection, Table, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.events import QUARANTINED, quarantined, utf8
from db.models import InboundEvent

log = logging.getLogger(__name__)

ID_LENGTH, TYPE_LENGTH = 100, 50  # the columns of InboundEvent
REDRIVE_AFTER = timedelta(seconds=20)  # as bot.reconcile.GRACE
_INSERTS: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# On PostgreSQL the rows go as one JSON parameter: the statement's text is the same for any number
# of rows, so it is prepared once a connection (with a parameter per value, psycopg parsed the
# statement again on every call past 50 values). Each payload is JSON text inside it: read as json
# there, a \u0000 in it would have to become text, which PostgreSQL refuses.
_PG_INSERT = (
    "INSERT INTO inbound_events (platform, event_id, event_type, payload, received_at, status, job_id) "
    "SELECT platform, event_id, event_type, payload::json, received_at, status, $1::text "
    "FROM json_to_recordset($2::json) "
    "AS given(platform text, event_id text, event_type text, payload text, received_at timestamp, status text) "
    "ON CONFLICT (platform, event_id) DO NOTHING RETURNING id, platform, event_id, status"
)
_PG_INSERT_CURSOR = _PG_INSERT.replace("$1", "%s").replace("$2", "%s")  # the same through psycopg's cursor
_PG_INSERT_NAME = b"kyojo_store_inbound"  # its name as a prepared statement, in Connection.info once prepared
# The prepared statement is gone (another user of the pooled connection rolled back after psycopg
# had prepared statements of its own: psycopg then deallocates them all), or a migration changed
# the types it returns: it is prepared again, and the group stored.
_UNPREPARED = (b"26000", b"0A000")  # invalid_sql_statement_name, feature_not_supported


def store(session: Session, platform: str, events: list[tuple[str, str, dict]], now: datetime) -> list[int]:
    """Store (event_id, event_type, payload) triples received at `now`; return the ids of those to handle now."""
    return store_bodies(session.connection(), [rows(platform, events, now)], now)[0]


def rows(platform: str, events: list[tuple[str, str, dict]], now: datetime) -> list[dict]:
    """The rows to insert for one body's triples received at `now` (those that cannot be stored as
    they are, quarantined)."""
    return [_row(platform, *storable(platform, *event), now) for event in events]


def store_bodies(
    connection: Connection, bodies: list[list[dict]], now: datetime, job_id: str | None = None
) -> list[list[int]]:
    """Store the rows of several bodies, each naming the job that is to handle it (`job_id`); for
    each body, the ids of its events to handle now.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING for all of them: a known event (or one stored
    by a concurrent delivery, or by another body of the same group) is skipped by the unique key,
    with no look-up before it. Only when some were known does a look-up follow, to re-drive those
    whose job was lost. An event twice in the group is handled for the first body that has it.
    """
    everything = [row for body in bodies for row in body]
    if not everything:
        return [[] for _ in bodies]
    fresh = {
        (platform, event_id): (row_id, status)
        for row_id, platform, event_id, status in _insert(connection, everything, job_id)
    }
    found: list[list[int]] = []
    known: dict[tuple[str, str], int] = {}  # (platform, event_id) -> the first body that has it
    stored_now: set[tuple[str, str]] = set()  # by this INSERT: given to the first body that has it
    for index, body in enumerate(bodies):
        ids = []
        for row in body:
            key = (row["platform"], row["event_id"])
            hit = fresh.pop(key, None)
            if hit is None:
                if key not in stored_now:  # not a second body of this group with the same event
                    known.setdefault(key, index)
            else:
                stored_now.add(key)
                if hit[1] == "received":
                    ids.append(hit[0])
        found.append(ids)
    for key, event_id in _stalled(connection, list(known), now, job_id):
        found[known[key]].append(event_id)
    return [sorted(ids) for ids in found]  # ids are given in the body's order


def _insert(connection: Connection, rows: list[dict], job_id: str | None) -> list[tuple[int, str, str, str]]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING (id, platform, event_id, status) of those stored.
    On PostgreSQL, a prepared statement run by libpq itself, which waits for the answer with the
    interpreter let go: through psycopg's cursor (or SQLAlchemy's, twice that again) the same
    statement cost a webhook group about three times the CPU, most of it after the wait for the
    commit, when the interpreter's caches are cold. Elsewhere through SQLAlchemy."""
    if connection.dialect.name != "postgresql":
        named = [dict(row, job_id=job_id) for row in rows]
        return [tuple(row) for row in connection.execute(_statement(connection.dialect.name), named)]
    given = json.dumps(
        [dict(row, payload=json.dumps(row["payload"]), received_at=row["received_at"].isoformat()) for row in rows]
    )
    driver: Any = connection.connection.driver_connection  # a psycopg connection
    if not driver.autocommit:  # psycopg opens the transaction the statement belongs in
        return driver.execute(_PG_INSERT_CURSOR, (job_id, given)).fetchall()
    pgconn, values = driver.pgconn, [job_id and job_id.encode(), given.encode()]
    if _PG_INSERT_NAME in connection.info:
        result = pgconn.exec_prepared(_PG_INSERT_NAME, values)
        if result.error_field(pq.DiagnosticField.SQLSTATE) in _UNPREPARED:
            pgconn.exec_(b"DEALLOCATE " + _PG_INSERT_NAME)  # refused if it is gone already: no matter
            del connection.info[_PG_INSERT_NAME]
    if _PG_INSERT_NAME not in connection.info:
        _answer(pgconn, pgconn.prepare(_PG_INSERT_NAME, _PG_INSERT.encode()))
        connection.info[_PG_INSERT_NAME] = True
        result = pgconn.exec_prepared(_PG_INSERT_NAME, values)
    result = _answer(pgconn, result)
    return [
        (int(result.get_value(n, 0)), *(result.get_value(n, column).decode() for column in (1, 2, 3)))
        for n in range(result.ntuples)
    ]


def _answer(pgconn: Any, result: Any) -> Any:
    """A libpq result that succeeded; else psycopg's error for it (OperationalError for a connection lost)."""
    if result.status in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK):
        return result
    if pgconn.status != pq.ConnStatus.OK:
        raise psycopg.OperationalError(result.get_error_message() or "the connection to PostgreSQL was lost")
    raise psycopg.errors.error_from_result(result)


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
        .returning(table.c.id, table.c.platform, table.c.event_id, table.c.status)
    )


def _stalled(
    connection: Connection, keys: list[tuple[str, str]], now: datetime, job_id: str | None = None
) -> list[tuple[tuple[str, str], int]]:
    """Known events that still wait for their job long after they came (the job was lost): a
    redelivery re-drives them. A duplicate arriving at once is not one: its job is on its way.
    Those that name `job_id` are this group's own, stored by a try whose answer was lost with its
    connection (bot.intake tries once more): their job was never sent."""
    if not keys:
        return []
    waiting = InboundEvent.received_at < now - REDRIVE_AFTER
    found = connection.execute(
        select(InboundEvent.platform, InboundEvent.event_id, InboundEvent.id).where(
            tuple_(InboundEvent.platform, InboundEvent.event_id).in_(keys),
            InboundEvent.status == "received",
            or_(waiting, InboundEvent.job_id == job_id) if job_id is not None else waiting,
        )
    )
    return [((platform, event_id), row_id) for platform, event_id, row_id in found]


def fits(value: str, longest: int) -> bool:
    """Whether a string can be stored in a column of that length (PostgreSQL refuses NUL, and no
    driver writes a lone surrogate)."""
    return 0 < len(value) <= longest and "\x00" not in value and utf8(value)


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
