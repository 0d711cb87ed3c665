"""The worker's job runner: RQ's SimpleWorker without its per-job chatter with Redis.

RQ's worker says it is alive (a heartbeat: three commands, each a round trip of its own) three
times around every job, looks for `rq suspend` with another, and sets its state to idle twice:
11 of the 20 round trips to Redis a job costs it (tests/core/test_runner.py counts them). Its key
lives for minutes (worker_ttl + 60 s), so a heartbeat every few seconds, in one round trip, keeps
it as alive; `rq suspend` is heeded within a second; a state already set is not set again.
Everything that makes a job safe is RQ's own and unchanged: the job's hash, its registries
(started, finished, failed), its retries, its timeout, the scheduler for delayed jobs.
"""

from __future__ import annotations

import time

from rq import SimpleWorker

HEARTBEAT_EVERY = 5.0  # seconds between two heartbeats of the worker's own (not a job's)
SUSPENSION_EVERY = 1.0  # seconds between two looks at whether `rq suspend` was asked


class JobRunner(SimpleWorker):
    """A SimpleWorker whose heartbeat is sent at most every HEARTBEAT_EVERY seconds, in one round
    trip, that looks for a suspension at most every SUSPENSION_EVERY seconds, and whose state is
    written only when it changes."""

    _beaten_at = _looked_at = float("-inf")

    def heartbeat(self, timeout: int | None = None, pipeline=None) -> None:
        """RQ's heartbeat, skipped when one went within HEARTBEAT_EVERY; its commands in one
        round trip (or in the caller's pipeline, which carries it anyway)."""
        if pipeline is not None:
            # A job's heartbeat gives the key only the job's monitoring time (90 s): no heartbeat
            # then comes for HEARTBEAT_EVERY, and an idle runner blocks on the queue for up to
            # dequeue_timeout (405 s), so the key is kept as long as an idle worker's.
            super().heartbeat(max(timeout or 0, self.worker_ttl + 60), pipeline=pipeline)
            self._beaten_at = time.monotonic()
            return
        if time.monotonic() - self._beaten_at < HEARTBEAT_EVERY:
            return
        with self.connection.pipeline(transaction=False) as batch:
            super().heartbeat(timeout, pipeline=batch)
            batch.execute()
        self._beaten_at = time.monotonic()

    def set_state(self, state: str, pipeline=None) -> None:
        """RQ's state of the worker, written only when it changes (or in the caller's pipeline)."""
        if pipeline is None and state == getattr(self, "_state", None):
            return
        super().set_state(state, pipeline=pipeline)

    def check_for_suspension(self, burst: bool) -> None:
        """RQ's look at `rq suspend` (which waits while it holds), at most every SUSPENSION_EVERY."""
        if time.monotonic() - self._looked_at < SUSPENSION_EVERY:
            return
        super().check_for_suspension(burst)
        self._looked_at = time.monotonic()
