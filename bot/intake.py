"""The webhook's group commit: bodies that arrive while the writers are busy are stored together
by the next free one, in one INSERT (autocommitted on PostgreSQL: one WAL flush for all), and
their new events queued as one job (bot.jobs.process_events) in one Redis round trip; each row
names that job, so that the reconciler leaves the events to it while it waits. Each request
waits for its own group before it answers, so a 200 means stored durably and its job sent to
Redis: Redis's answer is read when the writer sends the next group's job (bot.queue.Sender), and
a job Redis lost after all is re-driven from the stored rows by bot.reconcile, as one lost in a
Redis restart is.

One writer thread a process (WRITERS), started by the first body (after gunicorn forked) and
ended when none came for a while. A writer never waits on purpose: its group is whatever came
while it was busy, so a lone body is written at once.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from redis.exceptions import RedisError
from sqlalchemy import Connection, Engine, delete
from sqlalchemy.exc import OperationalError

from bot import inbound
from bot.queue import Job, Jobs, events_job_id
from db.models import InboundEvent

log = logging.getLogger(__name__)

MOST_ROWS = 500  # events a group at most (one INSERT)
IDLE_SECONDS = 5.0  # a writer thread ends after this long without a body
# Groups written at once a process. One: the bodies that come while its group waits for the
# commit all make the next group. A second writer halved the groups (2.3 bodies a group against
# 2.7, bench.webhook's load): each group costs PostgreSQL about 200 us of CPU whatever its size,
# and the process a wake-up more, so that a request took more CPU in all (web 993 -> 947 us,
# PostgreSQL 180 -> 150 us) and the throughput was no higher.
WRITERS = 1
WAIT_SECONDS = 20.0  # a request waits this long for its group, then answers 503 (the platform delivers again)


class IntakeUnavailable(Exception):
    """A body could not be stored now: the database could not be reached, refused the group, or
    took over WAIT_SECONDS (the platform delivers the body again)."""


class IntakeStalled(IntakeUnavailable, TimeoutError):
    """A body's group was not written in WAIT_SECONDS (the database is stuck): it may still be
    stored later, and the platform's redelivery is then stored once."""


def _held() -> threading.Lock:
    """A lock already acquired."""
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass
class Body:
    """One webhook body's rows, and what became of them once its group is written."""

    platform: str
    rows: list[dict]
    now: datetime  # when it came
    # Held until its group is written: the request waits to acquire it, the writer releases it (a
    # bare lock: threading.Event's condition cost a request more CPU, in Python, for the same wait).
    done: threading.Lock = field(default_factory=_held)
    ids: list[int] = field(default_factory=list)
    error: BaseException | None = None


_current: Intake | None = None


def intake(bind: Engine | Connection, jobs: Jobs) -> Intake:
    """The process's intake for this database and job runner (a new one when either changed)."""
    global _current
    if _current is None or _current.bind is not bind or _current.jobs is not jobs:
        _current = Intake(bind, jobs)
    return _current


def _forget_intake() -> None:
    global _current
    _current = None


os.register_at_fork(after_in_child=_forget_intake)  # a forked child opens connections of its own


class Intake:
    """Store and queue webhook bodies in groups, for one engine and one job runner. Bound to a
    connection (a test's, inside its rolled-back transaction), each body is written alone, at once."""

    def __init__(self, bind: Engine | Connection, jobs: Jobs) -> None:
        self.bind, self.jobs = bind, jobs
        self._lock = threading.Lock()
        self._waiting: queue.SimpleQueue[Body] = queue.SimpleQueue()
        self._writers = 0  # writer threads running

    def receive(self, platform: str, events: list[tuple[str, str, dict]], now: datetime) -> list[int]:
        """Store a body's events, received at `now`, and queue those to handle; their ids, once
        committed and queued. Raises what writing its group raised (RedisError: its new events
        are not kept, as if unseen)."""
        body = Body(platform, inbound.rows(platform, events, now), now)
        if isinstance(self.bind, Engine):
            self._submit(body)
            if not body.done.acquire(timeout=WAIT_SECONDS):
                raise IntakeStalled(f"{platform} body not stored within {WAIT_SECONDS:.0f} s")
        else:
            writer = Writer(self.bind, self.jobs)
            writer.write([body])
            writer.close()
        if body.error is not None:
            raise body.error
        return body.ids

    def waiting(self) -> int:
        """How many bodies wait for a writer."""
        return self._waiting.qsize()

    def _submit(self, body: Body) -> None:
        with self._lock:
            self._waiting.put(body)
            if self._writers < WRITERS:
                self._writers += 1
                threading.Thread(target=self._write_groups, name="kyojo-intake", daemon=True).start()

    def _write_groups(self) -> None:
        """A writer thread: each group is what waits when the writer is free again."""
        writer: Writer | None = None
        try:
            while (group := self._next_group()) is not None:
                writer = writer or Writer(self.bind, self.jobs)
                writer.write(group)
        finally:
            if writer is not None:
                writer.close()

    def _next_group(self) -> list[Body] | None:
        """The bodies waiting (at least one), or None when none came for IDLE_SECONDS (the
        thread then ends)."""
        while True:
            try:
                first = self._waiting.get(timeout=IDLE_SECONDS)
                break
            except queue.Empty:
                with self._lock:  # a body submitted meanwhile is seen here, or starts a new thread
                    if self._waiting.empty():
                        self._writers -= 1
                        return None
        group, rows = [first], len(first.rows)
        while rows < MOST_ROWS and not self._waiting.empty():
            group.append(self._waiting.get())
            rows += len(group[-1].rows)
        return group


class Writer:
    """What one writer thread stores and queues its groups with: a connection to the database and
    a sender of jobs of its own. On PostgreSQL the connection is in autocommit, kept while the
    writer runs: each group is one INSERT ... RETURNING, durable when it returns, without the
    round trips of BEGIN and COMMIT (the re-drive look-up after it only reads). Elsewhere a
    transaction a group; bound to a test's connection, a savepoint inside its transaction."""

    def __init__(self, bind: Engine | Connection, jobs: Jobs) -> None:
        self.bind = bind
        self.sender = jobs.sender()
        self._kept: Connection | None = None

    def write(self, group: list[Body]) -> None:
        """Store a group of bodies, queue their new events, then let each body's request go on."""
        job_id = events_job_id()
        try:
            found = self._store(group, job_id)
            for body, ids in zip(group, found, strict=True):
                body.ids = ids
            self._enqueue(group, job_id)
        except (psycopg.OperationalError, OperationalError) as error:
            log.warning("webhook: %d bodies not stored, the database is unavailable: %s", len(group), error)
            for body in group:
                body.error = IntakeUnavailable(str(error))
        except BaseException as error:  # noqa: BLE001 - handed to each request, which raises it
            for body in group:
                body.error = error
        finally:
            for body in group:
                body.done.release()

    def _store(self, group: list[Body], job_id: str) -> list[list[int]]:
        """Store a group's rows; for each body, the ids of its events to handle now. A connection
        kept from an earlier group may have been cut while it waited (the database restarted or
        failed over): the group is then tried once more on a new one, and only a database that
        cannot be reached at all makes its requests answer 503. Storing twice is harmless: the
        unique event id skips what the first try may have committed, and hands those rows back
        to queue by the group's job id, which they name (bot.inbound._stalled)."""
        reused = self._kept is not None
        try:
            with self.connected() as connection:
                return inbound.store_bodies(connection, [body.rows for body in group], latest(group), job_id)
        except (psycopg.OperationalError, OperationalError) as error:
            if not reused:
                raise
            log.info("webhook: the kept connection failed (%s); trying a new one", error)
        with self.connected() as connection:
            return inbound.store_bodies(connection, [body.rows for body in group], latest(group), job_id)

    def _enqueue(self, group: list[Body], job_id: str) -> None:
        """Queue the group's events as one job. Should it not reach Redis, forget the new ones,
        so that the platform's redelivery brings them again (events stored by an earlier
        delivery stay: bot.reconcile re-drives them); the bodies that had any get the error."""
        ids = [event_id for body in group for event_id in body.ids]
        if not ids:
            return
        try:
            self.sender.send(Job.PROCESS_EVENTS, [(ids,)], [job_id])
        except RedisError as error:
            log.exception("webhook: queueing failed, %d events forgotten", len(ids))
            with self.connected() as connection:
                _forget(connection, ids, latest(group))
            for body in group:
                body.error = error if body.ids else None

    @contextmanager
    def connected(self) -> Iterator[Connection]:
        """A connection whose work is committed when the block ends."""
        if isinstance(self.bind, Connection):
            with self.bind.begin_nested():
                yield self.bind
        elif self.bind.dialect.name == "postgresql":
            if self._kept is None:
                self._kept = self.bind.connect().execution_options(isolation_level="AUTOCOMMIT")
            try:
                yield self._kept
            except BaseException:
                self._kept.invalidate()  # it may be broken: the next group opens another
                self._release()
                raise
        else:
            with self.bind.begin() as connection:
                yield connection

    def close(self) -> None:
        """Read Redis's answers to the jobs sent, and give the kept connection back to the pool."""
        self.sender.close()
        self._release()

    def _release(self) -> None:
        if self._kept is not None:
            self._kept.close()
            self._kept = None


def latest(group: list[Body]) -> datetime:
    """When the last body of a group came."""
    return max(body.now for body in group)


def _forget(connection: Connection, ids: list[int], now: datetime) -> None:
    """Delete those of the events that this group stored (not older ones re-driven)."""
    connection.execute(
        delete(InboundEvent).where(
            InboundEvent.id.in_(ids),
            InboundEvent.status == "received",
            InboundEvent.received_at >= now - inbound.REDRIVE_AFTER,
        )
    )
