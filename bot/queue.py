"""Running jobs: on RQ when Redis is configured, else in this process."""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol
from uuid import uuid4

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)

QUEUE_NAME = "kyojo"
RETRY_INTERVALS = [2, 15, 60]


class Job(StrEnum):
    """Every job, named once. Code enqueues a member; the runner imports the function its value
    names, so the process that enqueues never imports the job's code."""

    PROCESS_EVENT = "bot.jobs.process_event"
    PROCESS_EVENTS = "bot.jobs.process_events"
    DELIVER = "bot.jobs.deliver"
    REDELIVER = "bot.jobs.redeliver"
    RECONCILE = "bot.reconcile.run_pass"
    OFFER_REQUEST = "bot.jobs.offer_request"
    OFFER_TIMEOUT = "bot.jobs.offer_timeout"
    EXPIRE_QUESTION = "bot.jobs.expire_question"
    SEND_CIRCULAR = "bot.jobs.send_circular"
    SEND_LANE = "bot.jobs.send_lane"
    REMIND_SAFETY = "bot.jobs.remind_safety"
    WATCH_TICK = "bot.jobs.watch_tick"
    SWITCH_MENUS = "bot.jobs.switch_menus"
    SEARCH_FAN_OUT = "bot.jobs.search_fan_out"
    SEARCH_THANKS = "bot.jobs.search_thanks"


class Clock(Protocol):
    """What bot.clock.Clock offers (it imports this module, so the type is named here)."""

    def now(self) -> datetime: ...


WAITING = (b"queued", b"scheduled", b"started", b"deferred")  # RQ's states of a job yet to finish


# ARGV: the time, then (job id, data, description) for each job; KEYS: the queue and RQ's set of
# queues. Made for each job name with the fields RQ stores for every job of that name.
_ENQUEUE = """
redis.call('SADD', KEYS[2], KEYS[1])
for i = 2, #ARGV, 3 do
    redis.call('HSET', {prefix} .. ARGV[i], {fields}, 'data', ARGV[i + 1], 'description', ARGV[i + 2],
               'created_at', ARGV[1], 'enqueued_at', ARGV[1])
    redis.call('RPUSH', KEYS[1], ARGV[i])
end
"""


# RQ's enqueue_in of one job: ARGV as for _ENQUEUE (the time, the job's id, data and
# description), then when it falls due (seconds since the epoch); KEYS: the queue, RQ's set of
# queues, the queue's registry of scheduled jobs.
_SCHEDULE = """
redis.call('SADD', KEYS[2], KEYS[1])
redis.call('HSET', {prefix} .. ARGV[2], {fields}, 'data', ARGV[3], 'description', ARGV[4], 'created_at', ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
"""


def _lua(value: bytes) -> str:
    """A Lua string literal of exactly these bytes."""
    return '"' + "".join(f"\\{byte}" for byte in value) + '"'


def event_job_id(event_id: int) -> str:
    """The RQ job id of handling one stored event: the webhook and the reconciler name it alike,
    so that the reconciler can tell a lost job from one still waiting in a long queue."""
    return f"kyojo-event-{event_id}"


def events_job_id() -> str:
    """A new RQ job id for handling the events one webhook group stores: each stored row names it
    (InboundEvent.job_id), so that the reconciler can tell whether that job still waits."""
    return f"kyojo-events-{uuid4().hex}"


def resolve(name: str) -> Callable[..., Any]:
    """The function behind a dotted name such as "bot.jobs.process_event"."""
    module, _, attribute = name.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


class Jobs:
    """Enqueue jobs by dotted name, so the web process never imports their code."""

    def __init__(self, mode: str, redis_url: str | None = None, *, clock: Clock | None = None) -> None:
        self.mode = mode
        self.clock = clock  # eager mode: when a delayed job falls due (bot.wiring hands the runtime's)
        self.delayed: list[tuple[datetime, str, tuple]] = []  # eager mode: run by tests
        self._pool = ThreadPoolExecutor(max_workers=2) if mode == "thread" else None
        self._job_fields: dict[str, dict] = {}  # RQ's hash of a queued job, by job name
        self._scripts: dict[str, Any] = {}  # the script that queues jobs of a name, by name
        self._scheduled: str | None = None  # the key of RQ's registry of scheduled jobs
        if mode == "rq":
            from redis import Redis
            from rq import Queue

            self.redis = Redis.from_url(redis_url or "")  # Config sets rq only with a URL
            self.queue = Queue(QUEUE_NAME, connection=self.redis)

    def enqueue(
        self,
        name: str,
        *args: Any,
        delay: timedelta | None = None,
        job_id: str | None = None,
        retry_intervals: list[int] = RETRY_INTERVALS,
    ) -> None:
        """Run `name(*args)` soon (or after `delay`), retried when it raises (on RQ, after each of
        `retry_intervals`: a job that is itself a first retry is given the rest)."""
        name = str(name)  # a Job as its plain dotted name, as RQ stores it
        if self.mode == "rq":
            from rq import Retry

            if delay and retry_intervals == RETRY_INTERVALS:
                self._schedule(name, args, delay, job_id)
                return
            retry = Retry(max=len(retry_intervals), interval=retry_intervals) if retry_intervals else None
            options = {"retry": retry, "job_id": job_id}
            if delay:
                self.queue.enqueue_in(delay, name, *args, **options)
            else:
                self.queue.enqueue(name, *args, **options)
        elif delay:
            self._later(delay, name, args)
        elif self._pool is not None:  # thread mode
            self._pool.submit(self._run, name, args)
        else:
            resolve(name)(*args)

    def enqueue_all(self, name: str, calls: list[tuple], job_ids: list[str] | None = None) -> None:
        """Run `name(*args)` soon for each args (each under its job id, if given); on RQ all of
        them in one Redis round trip."""
        name = str(name)
        ids: list[str | None] = list(job_ids) if job_ids else [None] * len(calls)
        if self.mode != "rq":
            for args, job_id in zip(calls, ids, strict=True):
                self.enqueue(name, *args, job_id=job_id)
            return
        if not calls:
            return
        # Each job's hash is RQ's own for this job name, with its id, arguments and times, written
        # by a script made once a job name (`_script`): one EVALSHA for all the jobs, where RQ's
        # enqueue builds a Job object and sends four commands a job, and a pipeline of an HSET of
        # seventeen fields a job cost a webhook group more CPU than its INSERT
        # (tests/core/test_queue.py holds the hashes equal). A job is queued whole or not at all;
        # a failure is raised (the webhook then has its platform deliver the body again).
        self._script(name)(keys=self._keys(), args=self._values(name, calls, ids))

    def _schedule(self, name: str, args: tuple, delay: timedelta, job_id: str | None) -> None:
        """RQ's enqueue_in, by a script made once a job name (`_script`): the job's hash as RQ
        stores a scheduled one, in its registry at the time it falls due. RQ's builds a Job
        object and packs every field of its hash into a pipeline on every call: a question's
        timeout, scheduled at each question a resident is asked, cost a worker more CPU than the
        SQL statement that stored the question (tests/core/test_queue.py holds the hashes equal)."""
        import calendar

        from rq.registry import ScheduledJobRegistry
        from rq.utils import now

        if self._scheduled is None:
            self._scheduled = ScheduledJobRegistry(queue=self.queue).key
        due = calendar.timegm((now() + delay).utctimetuple())
        self._script(name, scheduled=True)(
            keys=[*self._keys(), self._scheduled], args=[*self._values(name, [args], [job_id]), due]
        )

    def sender(self) -> Sender:
        """Something that queues jobs without waiting for Redis's answer (for one thread at a time)."""
        return Sender(self)

    def _keys(self) -> list[str]:
        """The keys the queueing script writes: the queue and RQ's set of queues."""
        return [self.queue.key, self.queue.redis_queues_keys]

    def _values(self, name: str, calls: list[tuple], ids: Sequence[str | None]) -> list[Any]:
        """The queueing script's arguments: the time, then id, data and description of each job."""
        import zlib

        from rq.utils import get_call_string, now, utcformat

        values: list[Any] = [utcformat(now())]
        for args, job_id in zip(calls, ids, strict=True):
            data = zlib.compress(self.queue.serializer.dumps((name, None, args, {})))
            values += [job_id or str(uuid4()), data, get_call_string(name, args, {}) or ""]
        return values

    def _script(self, name: str, scheduled: bool = False) -> Any:
        """The script that queues (or schedules) jobs of this name (made, and loaded into Redis, once)."""
        key = f"{name} scheduled" if scheduled else name
        if key not in self._scripts:
            from rq.job import Job as RqJob

            encode = self.redis.get_encoder().encode
            fields = ", ".join(
                f"{_lua(encode(k))}, {_lua(encode(v))}" for k, v in self._fields(name, scheduled).items()
            )
            prefix = _lua(encode(RqJob.redis_job_namespace_prefix))
            script = _SCHEDULE if scheduled else _ENQUEUE
            self._scripts[key] = self.redis.register_script(script.format(prefix=prefix, fields=fields))
        return self._scripts[key]

    def _fields(self, name: str, scheduled: bool = False) -> dict:
        """What RQ stores for every queued (or scheduled) job of this name, whatever its id,
        arguments and times."""
        key = f"{name} scheduled" if scheduled else name
        if key in self._job_fields:
            return self._job_fields[key]
        from rq import Retry
        from rq.job import JobStatus

        retry = Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS)
        status = JobStatus.SCHEDULED if scheduled else JobStatus.QUEUED
        fields = self.queue.create_job(name, job_id="-", retry=retry, status=status).to_dict()
        for own in ("data", "description", "created_at", "enqueued_at"):
            fields.pop(own, None)
        self._job_fields[key] = fields
        return fields

    def waiting(self, job_ids: list[str]) -> set[str]:
        """Those of the jobs Redis holds queued, scheduled or running (one round trip; in-process:
        none, nothing waits)."""
        if self.mode != "rq" or not job_ids:
            return set()
        with self.redis.pipeline(transaction=False) as pipeline:
            for job_id in job_ids:
                pipeline.hget(f"rq:job:{job_id}", "status")
            statuses = pipeline.execute()
        return {job_id for job_id, status in zip(job_ids, statuses) if status in WAITING}

    def _later(self, delay: timedelta, name: str, args: tuple) -> None:
        if self.mode == "thread":
            timer = threading.Timer(delay.total_seconds(), self._run, (name, args))
            timer.daemon = True
            timer.start()
        elif self.clock is None:
            raise RuntimeError("jobs run by tests need a clock to delay one (bot.wiring.start gives it)")
        else:
            self.delayed.append((self.clock.now() + delay, name, args))

    def run_delayed(self, until: datetime | None = None) -> int:
        """Eager mode: run the delayed jobs due by `until` (all by default); how many ran."""
        due = [job for job in self.delayed if until is None or job[0] <= until]
        self.delayed = [job for job in self.delayed if job not in due]
        for _, name, args in due:
            resolve(name)(*args)
        return len(due)

    @staticmethod
    def _run(name: str, args: tuple) -> None:
        for attempt in range(len(RETRY_INTERVALS) + 1):
            try:
                resolve(name)(*args)
                return
            except Exception:
                log.exception("job %s%r failed (attempt %d)", name, args, attempt + 1)
                if attempt < len(RETRY_INTERVALS):
                    time.sleep(RETRY_INTERVALS[attempt])


class Sender:
    """Queues jobs as Jobs.enqueue_all does, on a Redis connection of its own, without waiting for
    Redis's answer: that is read when the next jobs are sent, by then long there, so that a
    webhook writer (bot.intake) answers its requests once their events are stored and their job
    sent, without waiting for one more round trip. A job that Redis then refuses, or that is
    lost with the connection, is logged: its events are stored, and bot.reconcile re-drives
    them once they are older than its grace. Not for two threads at once."""

    def __init__(self, jobs: Jobs) -> None:
        self.jobs = jobs
        self._connection = jobs.redis.connection_pool.make_connection() if jobs.mode == "rq" else None
        self._unread: list[list[str]] = []  # the ids of the jobs of each command whose answer is unread

    def send(self, name: str, calls: list[tuple], job_ids: list[str]) -> None:
        """Queue `name(*args)` for each args under its job id; RedisError when they could not be
        sent (then they are not queued)."""
        if self._connection is None:
            self.jobs.enqueue_all(name, calls, job_ids)
            return
        self.read()
        name = str(name)
        script = self.jobs._script(name).script  # EVAL, not EVALSHA: Redis restarted has no script to refuse
        keys = self.jobs._keys()
        try:
            self._connection.send_command("EVAL", script, len(keys), *keys, *self.jobs._values(name, calls, job_ids))
        except RedisError:
            self._connection.disconnect()  # the command may be cut short: the next opens a new connection
            raise
        self._unread.append(job_ids)

    def read(self) -> None:
        """Read the answers to the commands sent before (a wait only if one is not there yet)."""
        assert self._connection is not None
        while self._unread:
            job_ids = self._unread.pop(0)
            try:
                self._connection.read_response()
            except (RedisConnectionError, RedisTimeoutError):
                log.exception("jobs %s and those sent after may be lost with the connection", job_ids)
                self._unread.clear()
                self._connection.disconnect()
            except RedisError:
                log.exception("Redis refused the jobs %s: bot.reconcile re-drives their work", job_ids)

    def close(self) -> None:
        """Read the answers still unread, then close the connection."""
        if self._connection is not None:
            self.read()
            self._connection.disconnect()


# -- enqueueing once a transaction commits ----------------------------------------------------

_PENDING = "kyojo_jobs_after_commit"
JOBS = "kyojo_jobs"  # Session.info: the Jobs that enqueue_after_commit enqueues on


def carrying(jobs: Jobs) -> dict[str, Any]:
    """The info for a sessionmaker whose sessions enqueue after commit on `jobs`."""
    return {JOBS: jobs}


# The follow-ups the job at hand runs itself once it has sent its answer (see `follow_ups`);
# None outside such a job.
_HERE: ContextVar[list[tuple[str, tuple, Jobs]] | None] = ContextVar("kyojo_follow_ups", default=None)


def enqueue_after_commit(
    session: Session,
    name: str,
    *args: Any,
    delay: timedelta | None = None,
    job_id: str | None = None,
    here: bool = False,
) -> None:
    """Enqueue a job when the session's outermost transaction commits, so it sees the rows.

    The session carries the jobs to enqueue on: bot.wiring.start sets them in the info of every
    session this process opens (`carrying`), so the domain, handed a session, needs nothing else.
    A savepoint released is not a commit (SQLAlchemy fires after_commit for it too); jobs
    asked for inside a savepoint that rolls back are dropped, and all of them on a rollback.
    With `here`, a job that collects follow-ups (`follow_ups`) runs it itself right after its
    own answer is sent, instead of queueing it behind every message waiting (urgent and cheap
    work: a request's first offers); anywhere else it is enqueued as usual.
    """
    from sqlalchemy import event

    if JOBS not in session.info:
        raise RuntimeError("this session carries no jobs: open it from db.session.Session after bot.wiring.start")
    if not event.contains(session, "after_commit", _enqueue_pending):
        event.listen(session, "after_commit", _enqueue_pending)
        event.listen(session, "after_rollback", _drop_pending)
    pending = (session.get_nested_transaction(), name, args, delay, job_id, here)
    session.info.setdefault(_PENDING, []).append(pending)


def _enqueue_pending(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return
    jobs: Jobs = session.info[JOBS]
    collected = _HERE.get()
    for _, name, args, delay, job_id, here in session.info.pop(_PENDING, []):
        if here and collected is not None and delay is None:
            collected.append((str(name), args, jobs))
        else:
            jobs.enqueue(name, *args, delay=delay, job_id=job_id)


@contextmanager
def follow_ups() -> Iterator[None]:
    """Within the block, jobs asked for with `here` are kept for this job to run itself, once it
    has sent its answer, when the block ends: a resident's first offers go out right after the
    confirmation of their request, not behind every message that came in meanwhile. One that
    fails is enqueued as a job of its own (with its retries); one never run because this process
    died is re-driven by bot.reconcile, like a lost job."""
    collected: list[tuple[str, tuple, Jobs]] = []
    token = _HERE.set(collected)
    try:
        yield
    finally:
        _HERE.reset(token)
        _run_here(collected)


def _run_here(collected: list[tuple[str, tuple, Jobs]]) -> None:
    for name, args, jobs in collected:
        try:
            resolve(name)(*args)
        except Exception:
            log.exception("follow-up %s%r failed in this job: queued to be retried", name, args)
            jobs.enqueue(name, *args)


def _drop_pending(session: Session) -> None:
    undone = session.get_nested_transaction()
    if undone is None:
        session.info.pop(_PENDING, None)
        return
    session.info[_PENDING] = [job for job in session.info.get(_PENDING, []) if not _inside(job[0], undone)]


def _inside(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False
