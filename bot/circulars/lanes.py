"""Fan-out lanes: several workers send one circular's batches side by side.

send_circular starts fanout.LANES lane jobs. Batches are numbered from 0 as they are planned
(fanout.plan_batches, several at a time, holding the circular's row lock so that two lanes never
plan the same followers). A lane takes the next number from a counter in Redis, plans more when
the number is beyond what is planned, and claims the batch with a lease naming the lane; it sends
it, marks it, and goes on until every follower is planned. A number whose lane died is picked up
at the end from the database (any batch still pending that no live lane holds; a lane that finds
only batches other lanes hold waits for them, so a dead lane's batch is sent again as soon as its
lease runs out; the same lane, retried after a crash, takes its own back at once). A batch sent
twice is answered 409 by LINE (its retry key), so nobody gets it twice, and nobody is skipped: the
database, not Redis, says what is left.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import cast

from sqlalchemy import CursorResult, Engine, select, update
from sqlalchemy.pool import StaticPool

from bot.channel import Channels
from bot.circulars import fanout
from bot.clock import Clock
from bot.queue import Jobs
from db.models import Circular, DeliveryBatch
from db.session import Session

LEASE_SECONDS = 15  # a dead lane's batch is free again after this (as fanout.LEASE)
WAIT_SECONDS = 0.05  # between looks at batches other lanes hold
KEEP_SECONDS = 24 * 3600  # how long a circular's counters stay in Redis


class Claims:
    """Batch numbers handed out to the lanes and the batches they hold, in Redis (jobs in this
    process: one lane, a counter of its own, and every claim succeeds)."""

    def __init__(self, circular_id: int, lane: int, jobs: Jobs) -> None:
        self.redis = jobs.redis if jobs.mode == "rq" else None
        self.prefix, self.lane = f"kyojo:fanout:{circular_id}:", str(lane).encode()
        self._local = itertools.count()
        self.planned = 0  # batches known to be planned (numbers below this exist)

    def next(self) -> int:
        """The next batch number no lane was given yet (and what is known to be planned)."""
        if self.redis is None:
            return next(self._local)
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.incr(self.prefix + "next")
            pipe.expire(self.prefix + "next", KEEP_SECONDS)
            pipe.get(self.prefix + "planned")
            number, _, planned = pipe.execute()
        self.planned = max(self.planned, int(planned or 0))
        return int(number) - 1

    def mark_planned(self, count: int) -> None:
        """Batches 0 .. count-1 exist: tell every lane."""
        self.planned = max(self.planned, count)
        if self.redis is not None:
            self.redis.set(self.prefix + "planned", count, ex=KEEP_SECONDS)

    def take(self, batch: int) -> bool:
        """Lease the batch for this lane; True when it is ours (new, or ours from before a crash)."""
        if self.redis is None:
            return True
        key = self.prefix + str(batch)
        return bool(self.redis.set(key, self.lane, nx=True, ex=LEASE_SECONDS)) or self.redis.get(key) == self.lane

    def release(self, batch: int) -> None:
        """The batch is marked: let the lease go."""
        if self.redis is not None:
            self.redis.delete(self.prefix + str(batch))


class Heartbeat:
    """Renews the circular's lease (fanout.LEASE) every fanout.RENEW_EVERY seconds, not per batch."""

    def __init__(self, circular_id: int, clock: Clock) -> None:
        self.circular_id, self.clock, self.last = circular_id, clock, float("-inf")

    def beat(self) -> None:
        if time.monotonic() - self.last >= fanout.RENEW_EVERY:
            fanout.renew_lease(self.circular_id, self.clock.now())
            self.last = time.monotonic()


def send_lane(circular_id: int, lane: int, jobs: Jobs, channels: Channels, clock: Clock) -> None:
    """Send batches of a circular until none is left to claim; the last lane finishes it. It runs
    for minutes on a large district: `clock` tells the time of each lease and mark. With workers
    (jobs on RQ), the next batch is claimed and read while the current one is being sent."""
    claims, heartbeat = Claims(circular_id, lane, jobs), Heartbeat(circular_id, clock)
    held: list[int] = []  # claimed, not yet marked
    try:
        if jobs.mode == "rq" and _connection_per_session():
            _pipelined(circular_id, claims, heartbeat, channels, clock, held)
        else:
            _one_by_one(circular_id, claims, heartbeat, channels, clock, held)
    except Exception:
        # Another lane (or this job's retry) may go on at once, with these batches too.
        for batch in held:
            claims.release(batch)
        fanout.release_lease(circular_id)
        raise
    if not _pending(circular_id):
        fanout.finish(circular_id)


def _connection_per_session() -> bool:
    """Whether each session has a connection of its own, as the sending thread needs (not an
    in-memory SQLite's one connection, nor a test's single connection)."""
    with Session() as session:
        bind = session.get_bind()
    return isinstance(bind, Engine) and not isinstance(bind.pool, StaticPool)


def _one_by_one(
    circular_id: int, claims: Claims, heartbeat: Heartbeat, channels: Channels, clock: Clock, held: list[int]
) -> None:
    this: fanout.Sending | None = None
    while (batch := claim(circular_id, claims, clock, heartbeat, held)) is not None:
        held.append(batch)
        heartbeat.beat()
        this = this or fanout.sending(circular_id)
        fanout.send_batch(this, batch, channels, clock)
        claims.release(held.pop())


def _pipelined(
    circular_id: int, claims: Claims, heartbeat: Heartbeat, channels: Channels, clock: Clock, held: list[int]
) -> None:
    """Claim and read batch n+1 here while a thread sends and marks batch n; n+1 is queued
    behind n, so that the thread goes on to it without waiting for this one to wake up (one at a
    time, in order: the pace and the order of the marks are as one by one)."""
    this = fanout.sending(circular_id)
    queued: deque[tuple[int, Future]] = deque()  # batches handed to the thread, in order

    def settle_first() -> None:
        batch, sending = queued.popleft()
        sending.result()  # raises what the send raised
        held.remove(batch)
        claims.release(batch)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fanout-send") as sender:
        try:
            while (batch := claim(circular_id, claims, clock, heartbeat, held)) is not None:
                held.append(batch)
                heartbeat.beat()
                prepared = fanout.prepare(this, batch)
                if prepared is None:
                    held.remove(batch)
                    claims.release(batch)
                else:
                    queued.append((batch, sender.submit(fanout.deliver, this, prepared, channels, clock)))
                while len(queued) > 1:
                    settle_first()
            while queued:
                settle_first()
        except BaseException:
            for _, sending in queued:
                sending.cancel()  # a batch not sent yet is not sent now (its claim is let go)
            raise


def claim(circular_id: int, claims: Claims, clock: Clock, heartbeat: Heartbeat, held: list[int]) -> int | None:
    """The next batch for this lane: a new number (planning more when it is not planned yet),
    else a pending batch that no live lane holds (nor this one: `held`); None when nothing is left."""
    while True:
        number = claims.next()
        if number >= claims.planned and not _plan_up_to(circular_id, number, claims, clock):
            return _left_over(circular_id, claims, heartbeat, held)
        if claims.take(number):
            return number


def _plan_up_to(circular_id: int, number: int, claims: Claims, clock: Clock) -> bool:
    """Plan batches until `number` exists (another lane may have planned it meanwhile); False
    when every follower is planned before it (or the circular is no longer sending)."""
    with Session.begin() as session:
        # The lease is renewed first (planning is a heartbeat too): that write takes the row lock on
        # PostgreSQL and the database's write lock on SQLite, so one lane plans at a time.
        renewal = session.execute(
            update(Circular)
            .where(Circular.id == circular_id, Circular.status == "sending")
            .values(lease_until=clock.now() + fanout.LEASE)
        )
        renewed = cast(CursorResult, renewal).rowcount
        circular = session.get(Circular, circular_id)
        if not renewed or circular is None:
            return False
        top = session.scalar(
            select(DeliveryBatch.number)
            .where(DeliveryBatch.circular_id == circular_id)
            .order_by(DeliveryBatch.number.desc())
            .limit(1)
        )
        count = 0 if top is None else top + 1
        while count <= number:
            planned = fanout.plan_batches(session, circular)
            if not planned:
                break
            count = planned[-1] + 1
    claims.mark_planned(count)
    return number < count


def _left_over(circular_id: int, claims: Claims, heartbeat: Heartbeat, held: list[int]) -> int | None:
    """A pending batch no live lane holds (its lane died, or its number was lost); None when none
    is pending. While other lanes hold the pending ones, wait: they are marked, or free once a
    dead lane's lease runs out (within LEASE_SECONDS of a kill, not after the reconciler's turn)."""
    while batches := [batch for batch in _pending_batches(circular_id) if batch not in held]:
        found = next((batch for batch in batches if claims.take(batch)), None)
        if found is not None:
            return found
        heartbeat.beat()
        time.sleep(WAIT_SECONDS)
    return None


def _pending_batches(circular_id: int) -> list[int]:
    with Session() as session:
        return list(
            session.scalars(
                select(DeliveryBatch.number)
                .where(DeliveryBatch.circular_id == circular_id, DeliveryBatch.status == "pending")
                .order_by(DeliveryBatch.number)
            )
        )


def _pending(circular_id: int) -> bool:
    with Session() as session:
        return (
            session.scalar(
                select(DeliveryBatch.id)
                .where(DeliveryBatch.circular_id == circular_id, DeliveryBatch.status == "pending")
                .limit(1)
            )
            is not None
        )
