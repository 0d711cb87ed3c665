"""Outgoing messages: written in a job's transaction, sent after its commit."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
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


_TABLE = cast(Table, OutboundMessage.__table__)
_INSERT = insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True)


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
    rows: dict[int, dict] = {}
    for envelope in outbox.envelopes:
        person = recipient(session, envelope.resident_id)
        if person is None or not envelope.messages:
            continue
        messages = [message_to_dict(m) for m in envelope.messages]
        if person.id in rows:
            rows[person.id]["messages"] = rows[person.id]["messages"] + messages
            continue
        use_reply = reply_token is not None and received_at is not None and person.id == reply_to
        rows[person.id] = {
            "resident_id": person.id,
            "inbound_event_id": inbound_event_id,
            "platform": person.platform,
            "user_id": person.platform_user_id,
            "messages": messages,
            "reply_token": reply_token if use_reply else None,
            "reply_deadline": received_at + REPLY_TOKEN_LIFETIME if use_reply and received_at else None,
            "retry_key": envelope.retry_key or str(uuid.uuid4()),
        }
    if not rows:
        return []
    session.flush()  # what the rows refer to is written first
    # A Core INSERT ... RETURNING of all the rows: nothing reads them as ORM objects afterwards.
    return list(session.connection().scalars(_INSERT, list(rows.values())))


def deliver(channels: Channels, ids: list[int], now: datetime, *, retry_job: bool = True) -> None:
    """Send the given pending rows, each person's in the order they were decided (by id), across
    jobs: an earlier row for the same person still pending is sent first, whichever job wrote it,
    and while one cannot be sent the later ones wait for it (see `_pending_of_people`). A row that
    fails waits for its next try (backoff, picked up by bot.reconcile) for RETRY_FOR, then it has
    failed, for an admin to see. With `retry_job`, ChannelError at the end if some are still to
    send, so that the job's own quick retries (bot.queue.RETRY_INTERVALS) come first. `now` is the
    time the job (or page) started: due rows, backoffs and reply tokens are judged by it.

    The rows are locked together, in one transaction, and each is sent under its lock, so two jobs
    never send one row twice. A push carries its retry key, so the platform takes it once even if
    this transaction is lost after it was sent; a reply by token has no key, so a row answered by
    token is committed as soon as it is sent, and the rest are locked again in a new transaction."""
    if not ids:
        return
    sending = _Sending(channels, now, set(ids))
    left = sorted(ids)
    while left:
        left = sending.one_transaction(left)
    if sending.broken and retry_job:
        raise ChannelError(f"sending to {', '.join(sorted(sending.broken))} failed: tried again later")


@dataclass
class _Row:
    """An outbound row as the sending reads and changes it (no ORM object: this is the hot path)."""

    id: int
    resident_id: int
    platform: str
    user_id: str
    messages: list
    reply_token: str | None
    reply_deadline: datetime | None
    retry_key: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None = None
    last_error: str | None = None


_READ = [_TABLE.c[f.name] for f in fields(_Row) if f.name not in ("sent_at", "last_error")]
_WRITTEN = ("status", "attempts", "sent_at", "next_attempt_at", "last_error")
_WRITE = update(_TABLE).where(_TABLE.c.id == bindparam("row_id")).values({name: bindparam(name) for name in _WRITTEN})


class _Sending:
    """One delivery: what failed so far carries from one transaction to the next."""

    def __init__(self, channels: Channels, now: datetime, asked: set[int]) -> None:
        self.channels, self.now, self.asked = channels, now, asked
        self.broken: set[str] = set()  # platforms that just failed: their other rows wait for the next try
        self.blocked: dict[int, datetime | None] = {}  # person -> when their earliest unsent row is tried again

    def one_transaction(self, ids: list[int]) -> list[int]:
        """Lock the pending rows of these rows' people and send them in order; the rows still to
        look at when a reply by token ended the transaction early (else none)."""
        from db.session import Session as SessionFactory

        with SessionFactory.begin() as session:
            rows = _pending_of_people(session, ids)
            changed: list[_Row] = []
            for index, row in enumerate(rows):
                if self._send(row, changed) and row.status == "sent" and row.reply_token is not None:
                    _write(session, changed)
                    return [later.id for later in rows[index + 1 :]]
            _write(session, changed)
        return []

    def _send(self, row: _Row, changed: list[_Row]) -> bool:
        """Send one row, or hold it back; whether it was tried (it is in `changed` when it changed)."""
        person = row.resident_id
        if person in self.blocked:
            until = self.blocked[person]  # an earlier row waits: this one is tried with it, not before
            if until is not None and (row.next_attempt_at is None or row.next_attempt_at < until):
                row.next_attempt_at = until
                changed.append(row)
            return False
        if row.platform in self.broken:
            self.blocked[person] = row.next_attempt_at
            return False
        if (
            row.id not in self.asked
            and row.attempts
            and row.next_attempt_at is not None
            and row.next_attempt_at > self.now
        ):
            self.blocked[person] = row.next_attempt_at  # failed lately and not due: it keeps its backoff
            return False
        changed.append(row)
        channel = self.channels.get(row.platform)
        if channel is None:
            log.warning("no channel for platform %s: outbound %s dropped", row.platform, row.id)
            row.status = "dropped"
            return False
        fresh = row.reply_deadline is not None and self.now < row.reply_deadline
        token = row.reply_token if fresh and row.attempts == 0 else None
        row.reply_token = token  # (only read below: whether this row was answered by token)
        row.attempts += 1
        try:
            channel.send(
                row.user_id, [message_from_dict(m) for m in row.messages], reply_token=token, retry_key=row.retry_key
            )
        except OperationalError:
            raise  # the database is away: the whole job is tried again
        except Exception as error:  # noqa: BLE001  (whatever it was, the row must not be lost)
            _failed(row, error, self.now)
            if row.status == "pending":
                self.blocked[person] = row.next_attempt_at
                self.broken.add(row.platform)
            return True
        row.status, row.sent_at, row.next_attempt_at = "sent", self.now, None
        return True


# Built once (every message sent runs it): one built per call cost SQLAlchemy its construction
# and cache key again, a third of the sending's CPU besides the platform's call.
_PEOPLE = select(_TABLE.c.resident_id).where(
    _TABLE.c.id.in_(bindparam("ids", expanding=True)), _TABLE.c.status == "pending"
)
_OF_PEOPLE = (_TABLE.c.status == "pending") & _TABLE.c.resident_id.in_(_PEOPLE)
_PENDING = select(*_READ).where(_OF_PEOPLE).order_by(_TABLE.c.id).with_for_update()
_HELD = select(_TABLE.c.id).where(_OF_PEOPLE).order_by(_TABLE.c.id)
_PENDING_HELD = (
    select(*_READ).where(_OF_PEOPLE, _TABLE.c.id.in_(bindparam("held", expanding=True))).order_by(_TABLE.c.id)
)


def _pending_of_people(session: Session, ids: list[int]) -> list[_Row]:
    """The pending rows of the people the given rows are for, by id, locked for this transaction:
    an earlier one goes first, a later one right after (see deliver)."""
    from db.session import hold

    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return [_Row(*found) for found in connection.execute(_PENDING, {"ids": ids})]
    held = list(connection.scalars(_HELD, {"ids": ids}))  # no FOR UPDATE: hold the rows first, then read them
    for row_id in held:
        hold(session, "outbound_messages", row_id)
    return [_Row(*found) for found in connection.execute(_PENDING_HELD, {"ids": ids, "held": held})]


def _write(session: Session, changed: list[_Row]) -> None:
    """The rows' new state, in one statement."""
    if changed:
        session.connection().execute(
            _WRITE, [{"row_id": row.id, **{name: getattr(row, name) for name in _WRITTEN}} for row in changed]
        )


def _failed(row: _Row, error: Exception, now: datetime) -> None:
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
