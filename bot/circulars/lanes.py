"""Fan-out lanes: several workers send one circular's batches side by side.

send_circular starts fanout.LANES lane jobs. A lane claims a batch (one still pending that no live
lane holds, else the next one it plans), sends it and marks it, and goes on until every
follower is planned. A claim is a lease in Redis naming the lane: the same lane, retried after
a crash, takes its own batch back at once; anyone may take it when the lease runs out. Planning
holds the circular's row lock, so two lanes never plan the same followers; a batch sent twice
is answered 409 by LINE (its retry key), so nobody gets it twice and nobody is skipped.
"""
from __future__ import annotations

from sqlalchemy import select

from bot import runtime
from bot.circulars import fanout
from db.models import Circular, Delivery
from db.session import Session

LEASE_SECONDS = 15  # a dead lane's batch is free again after this (as fanout.LEASE)


class Claims:
    """The batches a lane holds, as leases in Redis (in-process jobs: every claim succeeds)."""

    def __init__(self, circular_id: int, lane: int) -> None:
        jobs = runtime.current().jobs
        self.redis = jobs.redis if jobs.mode == "rq" else None
        self.prefix, self.lane = f"kyojo:fanout:{circular_id}:", str(lane).encode()

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


def send_lane(circular_id: int, lane: int) -> None:
    """Job: send batches of a circular until none is left to claim; the last lane finishes it."""
    claims, batch = Claims(circular_id, lane), -1
    try:
        while (batch := claim(circular_id, claims, batch + 1)) is not None:
            fanout.renew_lease(circular_id)
            fanout.send_batch(circular_id, batch)
            claims.release(batch)
    except Exception:
        fanout.release_lease(circular_id)  # a failed job's retry may go on at once
        raise
    if not _pending(circular_id):
        fanout.finish(circular_id)


def claim(circular_id: int, claims: Claims, first: int = 0) -> int | None:
    """A pending batch from `first` on that no live lane holds, else a newly planned one; None
    when all are planned. Batches before `first` are done or held by other lanes: skipping them
    keeps each look-up as cheap at batch 200 as at batch 1."""
    with Session.begin() as session:
        circular = session.get(Circular, circular_id, with_for_update=True)  # one lane plans at a time
        if circular is None or circular.status != "sending":
            return None
        for batch in session.scalars(select(Delivery.batch).distinct().where(
                Delivery.circular_id == circular_id, Delivery.batch >= first,
                Delivery.status == "pending").order_by(Delivery.batch)
                .limit(2 * fanout.LANES)):
            if claims.take(batch):
                return batch
        batch = fanout.plan_batch(session, circular)
        return batch if batch is not None and claims.take(batch) else None


def _pending(circular_id: int) -> bool:
    with Session() as session:
        return session.scalar(select(Delivery.id).where(
            Delivery.circular_id == circular_id, Delivery.status == "pending").limit(1)) is not None
