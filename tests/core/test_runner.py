"""The worker's job runner (bot.runner.JobRunner): RQ's jobs, retries and registries as they are,
in half the round trips to Redis."""

from __future__ import annotations

import pytest
from redis.connection import Connection
from rq import Queue, Retry, SimpleWorker
from rq.registry import FailedJobRegistry, FinishedJobRegistry

from bot.queue import QUEUE_NAME
from bot.runner import JobRunner

RAN: list[int] = []


def note(n: int) -> None:
    """A job that notes its argument."""
    RAN.append(n)


def fail_first(n: int) -> None:
    """A job that fails the first time it runs for `n`."""
    RAN.append(n)
    if RAN.count(n) == 1:
        raise RuntimeError("first try")


def always_fail() -> None:
    raise RuntimeError("never works")


@pytest.fixture
def trips(monkeypatch) -> list[int]:
    """How many times a command (or a pipeline) went to Redis."""
    counted = [0]
    send = Connection.send_packed_command

    def counting(self, *args, **kwargs):
        counted[0] += 1
        return send(self, *args, **kwargs)

    monkeypatch.setattr(Connection, "send_packed_command", counting)
    return counted


def round_trips_a_job(worker_class, redis, trips: list[int], jobs: int = 20) -> float:
    queue = Queue(QUEUE_NAME, connection=redis)
    for n in range(jobs):
        queue.enqueue(note, n)
    worker = worker_class([queue], connection=redis)
    trips[0] = 0
    worker.work(burst=True)
    return trips[0] / jobs


def test_jobs_cost_under_half_of_rq_s_round_trips_to_redis_and_all_run_once(redis, trips):
    RAN.clear()
    rq_s = round_trips_a_job(SimpleWorker, redis, trips)
    ours = round_trips_a_job(JobRunner, redis, trips)
    assert RAN == [*range(20), *range(20)]
    assert ours < rq_s / 2, (ours, rq_s)
    assert FinishedJobRegistry(QUEUE_NAME, connection=redis).count == 40


def test_a_failed_job_is_retried_and_one_that_always_fails_is_kept_as_failed(redis):
    RAN.clear()
    queue = Queue(QUEUE_NAME, connection=redis)
    queue.enqueue(fail_first, 5, retry=Retry(max=2))
    broken = queue.enqueue(always_fail, retry=Retry(max=1))
    JobRunner([queue], connection=redis).work(burst=True)
    assert RAN == [5, 5]
    assert FailedJobRegistry(QUEUE_NAME, connection=redis).get_job_ids() == [broken.id]


def look() -> None:
    """A job that notes how its worker looks in Redis while it runs."""
    from rq import get_current_job

    job = get_current_job()
    redis = job.connection
    key = f"rq:worker:{job.worker_name}"
    SEEN.append((redis.hget(key, "state"), redis.ttl(key), bool(redis.hget(key, "last_heartbeat"))))


SEEN: list[tuple] = []


def test_the_worker_is_seen_alive_and_busy_by_rq_while_a_job_runs(redis):
    SEEN.clear()
    queue = Queue(QUEUE_NAME, connection=redis)
    for _ in range(3):
        queue.enqueue(look)
    JobRunner([queue], connection=redis).work(burst=True)
    assert len(SEEN) == 3
    for state, ttl, beaten in SEEN:
        assert state == b"busy" and ttl > 60 and beaten


def test_a_runner_waiting_for_its_next_job_is_kept_alive_in_redis_for_the_whole_wait(redis):
    """After a job the runner blocks on the queue for up to RQ's dequeue timeout (405 s): its key
    must outlive that wait, or `rq info` and RQ's worker registry lose a live worker (the job's
    own heartbeat gives the key only 90 s)."""
    import threading
    import time

    queue = Queue(QUEUE_NAME, connection=redis)
    queue.enqueue(note, 1)
    worker = JobRunner([queue], connection=redis)
    seen: list[int] = []

    def look_while_it_waits() -> None:
        time.sleep(1.5)  # the job is done: the runner waits for the next
        seen.append(redis.ttl(worker.key))

    looker = threading.Thread(target=look_while_it_waits)
    looker.start()
    worker.work(burst=False, max_idle_time=3)
    looker.join()
    assert seen and seen[0] > worker.dequeue_timeout, (seen, worker.dequeue_timeout)


def test_a_dead_runners_job_now_run_by_a_live_runner_is_left_to_it(redis):
    """The job a runner died in was queued again under its id meanwhile (a circular's job,
    scheduled again) and is run by another runner: the supervisor, handing back the dead
    runner's jobs, leaves that one running, neither failed nor queued a second time."""
    from rq.job import JobStatus

    from worker import fail_abandoned

    queue = Queue(QUEUE_NAME, connection=redis)
    job = queue.enqueue(note, 1, job_id="circular-1")
    dead, live = (JobRunner([queue], connection=redis, name=f"kyojo.test.{n}") for n in ("dead", "live"))
    for runner in (dead, live):  # each took the job under its id, the dead one first
        runner.register_birth()
        runner.prepare_job_execution(job)
        runner.prepare_execution(job)
    queued = queue.count
    assert fail_abandoned(redis, dead.name) == []
    assert job.get_status(refresh=True) == JobStatus.STARTED and job.worker_name == live.name
    assert queue.count == queued and FailedJobRegistry(QUEUE_NAME, connection=redis).count == 0
