"""The fan-out job: a circular to every follower, in batches, resumable after a crash.

Each batch of at most 500 followers is planned (a DeliveryBatch row holding their ids) before it
is sent, and marked sent after; a multicast's retry key is derived from the circular, the batch
and the group, so a batch re-sent after a crash is answered 409 by LINE and nobody gets it twice.
A person without a phone (platform "none") gets theirs through their proxy: a push of its own,
keyed by circular and person, that says whom it is for; its buttons answer for that person.
"""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from typing import cast as cast_type

from sqlalchemy import Engine, Integer, Row, Select, Table, and_, bindparam, cast, func, insert, select, true, update
from sqlalchemy.orm import Session as OrmSession

from bot.channel import Channel, Channels
from bot.clock import Clock
from bot.circulars import deliveries, render, subscriptions
from bot.queue import Job, Jobs, enqueue_after_commit
from db.models import Circular, DeliveryBatch, Resident, Subscription
from db.session import Session, locked

BATCH_SIZE = deliveries.BATCH_SIZE
LANES = 4  # lane jobs per circular (bot/circulars/lanes.py): up to four workers send it at once
PLAN_BATCHES = 8  # batches planned at a time, in one statement, while the circular's row is locked
RETRY_NAMESPACE = uuid.UUID("6f1c1f0e-2b1a-4c55-9d4e-6b7973686f6a")
# Every lane renews the circular's lease before each batch; when all of them die, the lease runs
# out after this and bot.reconcile (every 10 s) starts the fan-out again: resumed within 30 s.
LEASE = timedelta(seconds=15)
RENEW_EVERY = 3.0  # seconds between a lane's renewals of that lease (well within LEASE)
_BATCHES = cast_type(Table, DeliveryBatch.__table__)


class Recipient(NamedTuple):
    """One person a batch is for (a tuple: 500 are made a batch, and a frozen dataclass's
    fields each cost a call to object.__setattr__)."""

    resident_id: int
    platform: str
    user_id: str
    language: str
    following: bool
    on_behalf: str | None = None  # the represented person's name: this goes to their proxy


def retry_key(circular_id: int, *parts: object) -> str:
    """The same key for the same circular, batch and group, however often it is retried."""
    name = ":".join(["circular", str(circular_id), *(str(p) for p in parts)])
    return str(uuid.uuid5(RETRY_NAMESPACE, name))


def send_circular(circular_id: int, jobs: Jobs, now: datetime) -> None:
    """Send a launched circular to all followers of its district, in lanes that workers run side
    by side (bot/circulars/lanes.py); safe to run twice, and while its lanes are alive (their
    lease is renewed), it does nothing."""
    if not take_lease(circular_id, now):
        return
    lanes = LANES if jobs.mode == "rq" else 1  # jobs in this process: nothing to share out
    jobs.enqueue_all(Job.SEND_LANE, [(circular_id, lane) for lane in range(lanes)])


def take_lease(circular_id: int, now: datetime) -> bool:
    """Start sending (a scheduled circular, or one whose lease ran out): False when there is
    nothing to send or live lanes are sending it."""
    with Session.begin() as session:
        circular = locked(session, Circular, circular_id)
        if circular is None or circular.status not in ("scheduled", "sending"):
            return False
        if circular.lease_owner and circular.lease_until and circular.lease_until > now:
            return False
        circular.status = "sending"
        circular.sent_at = circular.sent_at or now
        circular.lease_owner, circular.lease_until = str(uuid.uuid4()), now + LEASE
        return True


def release_lease(circular_id: int) -> None:
    """Give the lease up, so that the next run need not wait for it to run out."""
    with Session.begin() as session:
        session.execute(update(Circular).where(Circular.id == circular_id).values(lease_owner=None, lease_until=None))


def renew_lease(circular_id: int, now: datetime) -> None:
    """Keep the fan-out's lease for another LEASE from `now` (a lane's heartbeat)."""
    with Session.begin() as session:
        session.execute(
            update(Circular)
            .where(Circular.id == circular_id, Circular.status == "sending")
            .values(lease_until=now + LEASE)
        )


def plan_batches(session: OrmSession, circular: Circular, count: int = PLAN_BATCHES) -> list[int]:
    """Write DeliveryBatch rows for the next `count` batches of followers (keyset on resident id),
    one row per batch; the batch numbers planned (none: all are planned). The caller holds the
    circular's row lock, so that two lanes never plan the same followers."""
    last = session.execute(
        select(DeliveryBatch.number, DeliveryBatch.last_resident_id)
        .where(DeliveryBatch.circular_id == circular.id)
        .order_by(DeliveryBatch.number.desc())
        .limit(1)
    ).first()
    first, after = (0, 0) if last is None else (last[0] + 1, last[1])
    ids = subscriptions.follower_ids_after(circular.district_id, after, count * BATCH_SIZE)
    found = list(session.connection().scalars(select(ids.c.resident_id)))  # not through the ORM: 4,000 rows
    parts = [found[start : start + BATCH_SIZE] for start in range(0, len(found), BATCH_SIZE)]
    if parts:
        session.connection().execute(
            insert(_BATCHES),
            [
                {
                    "circular_id": circular.id,
                    "number": first + n,
                    "first_resident_id": part[0],
                    "last_resident_id": part[-1],
                    "resident_ids": part,
                    "skipped_ids": [],
                    "size": len(part),
                    "status": "pending",
                    "sent": 0,
                }
                for n, part in enumerate(parts)
            ],
        )
    return list(range(first, first + len(parts)))


# What to_recipient reads of a resident after their id (a row found in Subscription: a follower).
_PERSON = (
    Resident.platform,
    Resident.platform_user_id,
    Resident.language,
    Resident.active,
    Subscription.id,
    Resident.district_id,
    Resident.display_name,
    Resident.proxy_id,
)


def recipients(session: OrmSession, circular: Circular, resident_ids: list[int]) -> list[Recipient]:
    """These residents (of one batch), and whether they still follow the district (a represented
    person: whether their proxy can still get it)."""
    # Every table is reached through the batch's ids or their range (an index each): joined on
    # the resident alone, PostgreSQL hashed all the district's subscriptions and every resident
    # per batch. Only active subscriptions are joined: a row found is a follower.
    rows = session.execute(
        select(Resident.id, *_PERSON)
        .outerjoin(
            Subscription,
            and_(
                Subscription.resident_id == Resident.id,
                Subscription.district_id == circular.district_id,
                Subscription.active.is_(True),
                Subscription.resident_id.between(min(resident_ids), max(resident_ids)),
            ),
        )
        .where(deliveries.among(session, Resident.id, resident_ids))
        .order_by(Resident.id)
    ).all()
    proxies = _proxies(session, [row[-1] for row in rows if row[1] == "none" and row[-1] is not None])
    return [to_recipient(row, proxies.get(row[-1] or 0), circular.district_id) for row in rows]


def _proxies(session: OrmSession, ids: list[int]) -> dict[int, Row]:
    """The proxies of represented people (few, if any), by id."""
    if not ids:
        return {}
    rows = session.execute(
        select(Resident.id, Resident.platform, Resident.platform_user_id, Resident.language, Resident.active).where(
            deliveries.among(session, Resident.id, ids)
        )
    )
    return {row[0]: row for row in rows}


def to_recipient(row: Sequence[Any], proxy: Row | None, district_id: int) -> Recipient:
    """Who reads one delivery: the follower, or for a person without a phone their proxy."""
    resident_id, platform, user_id, language, active, subscribed, home, name, _ = row
    if platform != "none":
        return Recipient(resident_id, platform, user_id, language, bool(active and subscribed is not None))
    _, proxy_platform, proxy_user_id, proxy_language, proxy_active = proxy or (None, None, None, None, None)
    reachable = proxy_platform not in (None, "none") and bool(proxy_active)
    following = bool(active and reachable and (subscribed is not None or home == district_id))
    return Recipient(
        resident_id,
        proxy_platform or "none",
        proxy_user_id or "",
        proxy_language or language,
        following,
        name or "",
    )


@dataclass(frozen=True)
class Sending:
    """A circular being sent, read once for all its batches (its text does not change then)."""

    circular: Circular
    district_name: str


def sending(circular_id: int) -> Sending:
    """The circular, detached from its session, and its district's name."""
    with Session() as session:
        circular = session.get_one(Circular, circular_id)
        district_name = circular.district.name
        session.expunge(circular)
    return Sending(circular, district_name)


@dataclass(frozen=True)
class Prepared:
    """One pending batch, read and ready to send."""

    number: int
    batch_id: int
    resident_ids: list[int]
    people: list[Recipient]


def send_batch(this: Sending, batch: int, channels: Channels, clock: Clock) -> None:
    """Send one batch: one multicast per platform and language, or one by one; then mark the
    batch in one transaction, at the time it was sent. A crash before the mark leaves the batch
    pending: it is sent again with the same retry keys, which LINE answers 409, so nobody gets
    it twice."""
    prepared = prepare(this, batch)
    if prepared is not None:
        deliver(this, prepared, channels, clock)


def prepare(this: Sending, batch: int) -> Prepared | None:
    """Read a batch and its people; None when it is not pending (already marked)."""
    with Session() as session:
        # One statement on PostgreSQL: its own transaction, not a BEGIN and a ROLLBACK around it
        # (each a round trip, waited for on a busy machine).
        bind = session.get_bind()
        dialect = bind.dialect.name
        alone = dialect == "postgresql" and isinstance(bind, Engine)  # (not a test's connection, in its transaction)
        connection = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"} if alone else None)
        rows = connection.execute(
            _batch_people(dialect),
            {"circular_id": this.circular.id, "number": batch, "district_id": this.circular.district_id},
        ).all()
        if not rows:
            return None
        proxies = _proxies(session, [row[-1] for row in rows if row[2] == "none" and row[-1] is not None])
    district_id = this.circular.district_id
    people = [
        # to_recipient's first case, made here: nearly everyone (a call each cost a tenth of the batch's CPU)
        Recipient(row[1], platform, row[3], row[4], bool(row[5] and row[6] is not None))
        if (platform := row[2]) != "none"
        else to_recipient(row[1:], proxies.get(row[-1] or 0), district_id)
        for row in rows
        if row[2] is not None  # (a resident who is gone)
    ]
    return Prepared(batch, rows[0][0], [row[1] for row in rows], people)


@functools.cache
def _batch_people(dialect: str) -> Select:
    """A pending batch's id and, for each id planned in it, the resident's columns `recipients`
    reads (None where the resident is gone), in one statement: the ids are unpacked from the
    batch's JSON by the database, not sent back to it (reading them and passing 500 ids as a
    parameter again cost a worker about a third of its CPU a batch)."""
    unpack = func.json_array_elements_text if dialect == "postgresql" else func.json_each
    planned = unpack(DeliveryBatch.resident_ids).table_valued("value").alias("planned")
    planned_id = cast(planned.c.value, Integer)
    return (
        select(DeliveryBatch.id, planned_id, *_PERSON)
        .select_from(DeliveryBatch)
        .join(planned, true())
        .outerjoin(Resident, Resident.id == planned_id)
        .outerjoin(
            Subscription,
            and_(
                Subscription.resident_id == Resident.id,
                Subscription.district_id == bindparam("district_id"),
                Subscription.active.is_(True),
            ),
        )
        .where(
            DeliveryBatch.circular_id == bindparam("circular_id"),
            DeliveryBatch.number == bindparam("number"),
            DeliveryBatch.status == "pending",
        )
        .order_by(planned_id)
    )


def deliver(this: Sending, prepared: Prepared, channels: Channels, clock: Clock) -> None:
    """Send a prepared batch and mark it."""
    circular, district_name, people = this.circular, this.district_name, prepared.people
    sent: list[Recipient] = []
    for (platform, language), group in group_recipients(people).items():
        messages = render.messages_for(circular, district_name, language)
        channel = channels.get(platform)
        if channel is not None:
            send_group(channel, circular.id, (prepared.number, platform, language), group, messages)
            sent += group
    sent += send_on_behalf(channels, circular, district_name, represented(people), ("proxy",))
    _mark(this, prepared, sent, clock.now())


def group_recipients(people: list[Recipient]) -> dict[tuple[str, str], list[Recipient]]:
    """Followers grouped by platform and language (one multicast each); not the represented."""
    groups: dict[tuple[str, str], list[Recipient]] = defaultdict(list)
    for person in people:
        if person.following and person.on_behalf is None:
            groups[(person.platform, person.language)].append(person)
    return dict(groups)


def represented(people: list[Recipient]) -> list[Recipient]:
    """The people without a phone among them whose proxy can get it."""
    return [p for p in people if p.following and p.on_behalf is not None]


def send_on_behalf(
    channels: Channels,
    circular: Circular,
    district_name: str,
    people: list[Recipient],
    key: tuple,
    *,
    reminder: bool = False,
) -> list[Recipient]:
    """A push to each proxy saying whom it is for, keyed by circular and person; those sent."""
    sent = []
    for person in people:
        channel = channels.get(person.platform)
        if channel is None:
            continue
        messages = render.on_behalf(
            circular, district_name, person.language, person.on_behalf, person.resident_id, reminder=reminder
        )
        channel.send(
            person.user_id,
            messages,
            reply_token=None,
            retry_key=retry_key(circular.id, *key, "resident", person.resident_id),
        )
        sent.append(person)
    return sent


def multicasts(channel: Channel) -> bool:
    """Whether a channel sends to many at once (LINE); others get one message each."""
    return channel.multicasts_natively


def send_group(channel: Channel, circular_id: int, key: tuple, group: list[Recipient], messages: list) -> None:
    """One multicast for the group (LINE, which paces it), else one push each; every call keyed."""
    if multicasts(channel):
        channel.multicast([p.user_id for p in group], messages, retry_key=retry_key(circular_id, *key))
        return
    for person in group:
        channel.send(
            person.user_id,
            messages,
            reply_token=None,
            retry_key=retry_key(circular_id, *key, "resident", person.resident_id),
        )


_MARK = (
    update(_BATCHES)
    .where(_BATCHES.c.id == bindparam("batch_id"), _BATCHES.c.status == "pending")
    .values(status="sent", sent=bindparam("reached"), skipped_ids=bindparam("skipped"), sent_at=bindparam("at"))
)
# Not waiting for the disk at the commit: a mark lost in a database crash only re-sends the
# batch, with the same retry keys, which LINE answers 409. Set by the UPDATE itself (SET LOCAL
# was a round trip of its own on the sending thread, between two batches).
_MARK_NO_WAIT = _MARK.returning(func.set_config("synchronous_commit", "off", true()))


def _mark(this: Sending, prepared: Prepared, sent: list[Recipient], now: datetime) -> None:
    """Mark the batch sent (everyone else in it skipped: left, unreachable), in one transaction."""
    circular, reached = this.circular, {p.resident_id for p in sent}
    with Session.begin() as session:
        connection = session.connection()
        connection.execute(
            _MARK_NO_WAIT if connection.dialect.name == "postgresql" else _MARK,
            {
                "batch_id": prepared.batch_id,
                "reached": len(reached),
                "skipped": [r for r in prepared.resident_ids if r not in reached],
                "at": now,
            },
        )
        # A proxy answers for someone by button, never in words.
        render.ask_reply(session, circular, [p.resident_id for p in sent if p.on_behalf is None], now)


def finish(circular_id: int) -> None:
    """Mark a circular sent (once, whichever lane gets here first) and schedule its reminder."""
    with Session.begin() as session:
        circular = locked(session, Circular, circular_id)
        if circular is None or circular.status != "sending":
            return
        circular.status = "sent"
        circular.lease_owner = circular.lease_until = None
        if circular.kind == "safety_check" and circular.remind_after_minutes:
            enqueue_after_commit(
                session,
                Job.REMIND_SAFETY,
                circular.id,
                delay=timedelta(minutes=circular.remind_after_minutes),
                job_id=f"safety-remind-{circular.id}",
            )
