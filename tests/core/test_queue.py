"""Jobs asked for in a transaction start only once it commits, so they see its rows."""

import pytest
from rq import Queue
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.queue import QUEUE_NAME, RETRY_INTERVALS, Job, Jobs, carrying, enqueue_after_commit, resolve
from db.models import District
from db.session import Session

SEEN: list[tuple[str, int]] = []


def record(label: str) -> None:
    """A job that notes how many districts it can see."""
    with Session() as session:
        SEEN.append((label, session.scalar(select(func.count(District.id)))))


def test_a_job_asked_for_in_a_savepoint_runs_after_the_outer_commit(rt):
    SEEN.clear()
    with Session.begin() as session:
        with session.begin_nested():
            session.add(District(name="緑ケ丘"))
            enqueue_after_commit(session, "tests.core.test_queue.record", "inner")
        assert SEEN == []  # the savepoint released is not the commit
    assert SEEN == [("inner", 1)]


def test_jobs_of_a_rolled_back_savepoint_or_transaction_never_run(rt):
    SEEN.clear()
    with Session.begin() as session:
        try:
            with session.begin_nested():
                enqueue_after_commit(session, "tests.core.test_queue.record", "undone")
                raise ValueError("handler failed")
        except ValueError:
            pass
        enqueue_after_commit(session, "tests.core.test_queue.record", "kept")
    try:
        with Session.begin() as session:
            enqueue_after_commit(session, "tests.core.test_queue.record", "rolled back")
            raise ValueError("job failed")
    except ValueError:
        pass
    assert [label for label, _ in SEEN] == ["kept"]


def test_every_job_is_named_once_and_names_a_function():
    assert len(set(Job)) == len(Job)
    assert [job for job in Job if not callable(resolve(job))] == []


def test_a_job_goes_to_the_jobs_its_session_carries(rt, redis, redis_url):
    SEEN.clear()
    elsewhere = Jobs("rq", redis_url)  # not the runtime's (which runs jobs at once)
    with Session(info=carrying(elsewhere)) as session, session.begin():  # as another process's wiring
        enqueue_after_commit(session, "tests.core.test_queue.record", "queued")
    assert SEEN == []
    assert [job.args for job in Queue(QUEUE_NAME, connection=redis).jobs] == [("queued",)]


def test_a_session_that_carries_no_jobs_is_refused_at_once(rt):
    with sessionmaker(bind=rt.engine)() as bare, pytest.raises(RuntimeError, match="carries no jobs"):
        enqueue_after_commit(bare, "tests.core.test_queue.record", "lost")


RAN: list[int] = []


def note(n: int) -> None:
    """A job that notes its argument."""
    RAN.append(n)


def test_jobs_queued_together_are_stored_as_rq_stores_each_and_run(redis_url, redis):
    from rq import SimpleWorker

    jobs = Jobs("rq", redis_url)
    jobs.enqueue_all("tests.core.test_queue.note", [(7,), (8,)], ["together-7", "together-8"])
    jobs.enqueue("tests.core.test_queue.note", 7, job_id="alone-7")  # through RQ's own enqueue

    def stored(job_id: str) -> dict:
        fields = redis.hgetall(f"rq:job:{job_id}")
        return {k: v for k, v in fields.items() if k not in (b"created_at", b"enqueued_at")}

    assert stored("together-7") == stored("alone-7")
    assert stored("together-8")[b"description"] == b"tests.core.test_queue.note(8)"
    queue = Queue(QUEUE_NAME, connection=redis)
    assert queue.job_ids == ["together-7", "together-8", "alone-7"]
    RAN.clear()
    SimpleWorker([queue], connection=redis).work(burst=True)
    assert RAN == [7, 8, 7]


def test_a_delayed_job_is_stored_and_scheduled_as_rq_stores_and_schedules_it(redis_url, redis):
    from datetime import timedelta

    from rq import Retry
    from rq.registry import ScheduledJobRegistry

    jobs = Jobs("rq", redis_url)
    jobs.enqueue("tests.core.test_queue.note", 9, delay=timedelta(minutes=60), job_id="ours-9")
    retry = Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS)
    jobs.queue.enqueue_in(timedelta(minutes=60), "tests.core.test_queue.note", 9, job_id="rq-9", retry=retry)

    def stored(job_id: str) -> dict:
        return {k: v for k, v in redis.hgetall(f"rq:job:{job_id}").items() if k != b"created_at"}

    assert stored("ours-9") == stored("rq-9")
    registry = ScheduledJobRegistry(queue=jobs.queue)
    assert sorted(registry.get_job_ids()) == ["ours-9", "rq-9"]
    ours, theirs = (registry.get_scheduled_time(j) for j in ("ours-9", "rq-9"))
    assert abs((ours - theirs).total_seconds()) <= 1
    assert jobs.queue.fetch_job("ours-9").args == (9,)
    redis.script_flush()  # as a Redis restarted empty would have
    jobs.enqueue("tests.core.test_queue.note", 10, delay=timedelta(minutes=1), job_id="ours-9")  # the same id: moved
    assert registry.get_job_ids() == ["ours-9", "rq-9"]
    assert jobs.queue.fetch_job("ours-9").args == (10,)


def test_jobs_are_queued_together_after_redis_forgot_the_script(redis_url, redis):
    jobs = Jobs("rq", redis_url)
    jobs.enqueue_all("tests.core.test_queue.note", [(1,)], ["before"])
    redis.script_flush()  # as a Redis restarted empty would have
    jobs.enqueue_all("tests.core.test_queue.note", [(2,), (3,)], ["after-2", "after-3"])
    assert Queue(QUEUE_NAME, connection=redis).job_ids == ["before", "after-2", "after-3"]


def test_jobs_sent_without_waiting_are_queued_as_rq_stores_them_and_run(redis_url, redis):
    from rq import SimpleWorker

    jobs = Jobs("rq", redis_url)
    sender = jobs.sender()
    sender.send("tests.core.test_queue.note", [(4,)], ["sent-4"])
    redis.script_flush()  # a Redis restarted empty: the next command still queues its job
    sender.send("tests.core.test_queue.note", [(5,), (6,)], ["sent-5", "sent-6"])
    sender.close()  # reads Redis's answers
    jobs.enqueue("tests.core.test_queue.note", 4, job_id="alone-4")
    sent, alone = (redis.hgetall(f"rq:job:{job_id}") for job_id in ("sent-4", "alone-4"))
    assert {k: v for k, v in sent.items() if k not in (b"created_at", b"enqueued_at")} == {
        k: v for k, v in alone.items() if k not in (b"created_at", b"enqueued_at")
    }
    queue = Queue(QUEUE_NAME, connection=redis)
    assert queue.job_ids == ["sent-4", "sent-5", "sent-6", "alone-4"]
    RAN.clear()
    SimpleWorker([queue], connection=redis).work(burst=True)
    assert RAN == [4, 5, 6, 4]


def test_a_job_redis_refuses_after_it_was_sent_is_logged_and_the_next_ones_still_go(redis_url, redis, caplog):
    jobs = Jobs("rq", redis_url)
    sender = jobs.sender()
    redis.set("rq:queues", "not a set")  # the script's first write fails: Redis answers an error
    sender.send("tests.core.test_queue.note", [(1,)], ["refused"])
    redis.delete("rq:queues")
    sender.send("tests.core.test_queue.note", [(2,)], ["accepted"])  # reads the refusal first
    sender.close()
    assert "Redis refused the jobs ['refused']" in caplog.text
    assert Queue(QUEUE_NAME, connection=redis).job_ids == ["accepted"]


def test_a_sender_whose_redis_is_gone_raises_so_the_caller_keeps_nothing():
    from redis.exceptions import ConnectionError as RedisConnectionError

    from tests.conftest import _free_port

    sender = Jobs("rq", f"redis://127.0.0.1:{_free_port()}/0").sender()  # nothing listens there
    with pytest.raises(RedisConnectionError):
        sender.send("tests.core.test_queue.note", [(1,)], ["lost"])
