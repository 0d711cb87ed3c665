"""Who a circular reached, read from its batches (DeliveryBatch, a row per multicast), and what
each person did with it (Delivery, a row made when they first confirm, answer or are reminded)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ARRAY, ColumnElement, Integer, Table, any_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import Circular, Delivery, DeliveryBatch

BATCH_SIZE = 500  # LINE's multicast takes at most 500 user ids (fanout.BATCH_SIZE)
_INSERTS: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def among(session: Session, column: Any, ids: list[int]) -> ColumnElement[bool]:
    """`column` is one of `ids`: on PostgreSQL one array parameter (`= ANY`), not one parameter
    per id, which SQLAlchemy and psycopg would render and parse again for every batch."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("ids", ids, type_=ARRAY(Integer), unique=True))
    return column.in_(ids)


def reached(batch: DeliveryBatch | None, resident_id: int) -> bool:
    """Whether the resident is one of the batch's people and was not skipped."""
    return batch is not None and resident_id in batch.resident_ids and resident_id not in batch.skipped_ids


def batch_of(session: Session, circular_id: int, resident_id: int) -> DeliveryBatch | None:
    """The batch of a circular planned for the resident, sent or not; None when none was."""
    batch = session.scalar(
        select(DeliveryBatch)
        .where(DeliveryBatch.circular_id == circular_id, DeliveryBatch.first_resident_id <= resident_id)
        .order_by(DeliveryBatch.first_resident_id.desc())
        .limit(1)
    )
    return batch if reached(batch, resident_id) else None


def delivery(session: Session, circular_id: int, resident_id: int) -> Delivery | None:
    """One resident's delivery of a circular, its row made on first use; None when the circular
    was not for them."""
    row = _row(session, circular_id, resident_id)
    if row is not None:
        return row
    batch = batch_of(session, circular_id, resident_id)
    if batch is None:
        return None
    add(session, batch, [resident_id])
    return _row(session, circular_id, resident_id)


def _row(session: Session, circular_id: int, resident_id: int) -> Delivery | None:
    return session.scalar(
        select(Delivery).where(Delivery.circular_id == circular_id, Delivery.resident_id == resident_id)
    )


def add(session: Session, batch: DeliveryBatch, resident_ids: list[int]) -> None:
    """Rows for these people of the batch, unless they have one (another worker may be making it)."""
    if not resident_ids:
        return
    table = cast(Table, Delivery.__table__)
    rows = [
        {
            "circular_id": batch.circular_id,
            "resident_id": r,
            "batch": batch.number,
            "status": "sent",
            "sent_at": batch.sent_at,
        }
        for r in resident_ids
    ]
    statement = _INSERTS[session.get_bind().dialect.name](table).on_conflict_do_nothing(
        index_elements=["circular_id", "resident_id"]
    )
    session.execute(statement, rows)


def mark_reminded(session: Session, batch: DeliveryBatch, resident_ids: list[int], now: datetime) -> None:
    """These people of the batch were reminded at `now`."""
    add(session, batch, resident_ids)
    session.execute(
        update(Delivery)
        .where(Delivery.circular_id == batch.circular_id, Delivery.resident_id.in_(resident_ids))
        .values(reminded_at=now)
    )


def sent_batches(session: Session, circular_id: int) -> list[DeliveryBatch]:
    """A circular's batches that were sent, in order."""
    return list(
        session.scalars(
            select(DeliveryBatch)
            .where(DeliveryBatch.circular_id == circular_id, DeliveryBatch.status == "sent")
            .order_by(DeliveryBatch.number)
        )
    )


def reached_ids(batch: DeliveryBatch) -> list[int]:
    """The people a sent batch reached, in id order."""
    skipped = set(batch.skipped_ids)
    return [r for r in batch.resident_ids if r not in skipped]


def done_by(session: Session, circular_id: int, *done: ColumnElement[bool]) -> set[int]:
    """The residents whose delivery of the circular meets any of `done` (confirmed, answered...)."""
    return set(session.scalars(select(Delivery.resident_id).where(Delivery.circular_id == circular_id, or_(*done))))


def counts(session: Session, circular_id: int) -> tuple[int, int, int]:
    """(planned, sent, skipped) people of a circular, from its batches."""
    row = session.execute(
        select(
            func.coalesce(func.sum(DeliveryBatch.size), 0),
            func.coalesce(func.sum(DeliveryBatch.sent), 0),
            func.coalesce(func.sum(DeliveryBatch.size - DeliveryBatch.sent).filter(DeliveryBatch.status == "sent"), 0),
        ).where(DeliveryBatch.circular_id == circular_id)
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def sent_count(circular_id: Any) -> Any:
    """A scalar subquery: how many people the circular (a column) reached."""
    return (
        select(func.coalesce(func.sum(DeliveryBatch.sent), 0))
        .where(DeliveryBatch.circular_id == circular_id)
        .scalar_subquery()
    )


def checks_reaching(session: Session, resident_id: int, *conditions: ColumnElement[bool]) -> Iterator[int]:
    """Safety checks (meeting `conditions`) whose batches reached the resident, latest first."""
    rows = session.execute(
        select(DeliveryBatch.circular_id, DeliveryBatch.resident_ids, DeliveryBatch.skipped_ids)
        .join(Circular, Circular.id == DeliveryBatch.circular_id)
        .where(
            Circular.kind == "safety_check",
            DeliveryBatch.first_resident_id <= resident_id,
            DeliveryBatch.last_resident_id >= resident_id,
            *conditions,
        )
        .order_by(DeliveryBatch.circular_id.desc())
    )
    for circular_id, ids, skipped in rows:
        if resident_id in ids and resident_id not in skipped:
            yield circular_id


def answered(session: Session, resident_id: int) -> set[int]:
    """The circulars the resident answered (safe or need help)."""
    return set(
        session.scalars(
            select(Delivery.circular_id).where(Delivery.resident_id == resident_id, Delivery.answer.is_not(None))
        )
    )


def record_sent(session: Session, circular_id: int, resident_ids: list[int], at: datetime) -> None:
    """A circular as sent to these people at `at`, in batches of 500 (demo data: no fan-out)."""
    ids = sorted(resident_ids)
    for number, start in enumerate(range(0, len(ids), BATCH_SIZE)):
        part = ids[start : start + BATCH_SIZE]
        session.add(
            DeliveryBatch(
                circular_id=circular_id,
                number=number,
                first_resident_id=part[0],
                last_resident_id=part[-1],
                resident_ids=part,
                skipped_ids=[],
                size=len(part),
                status="sent",
                sent=len(part),
                sent_at=at,
            )
        )
    session.flush()
