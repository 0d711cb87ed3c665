"""A real worker process (worker.py, as the Procfile runs it) killed with SIGKILL in the middle of a
fan-out to 5,000 followers: a second worker started at that moment finishes it within 30 s of the
kill, through the real line-bot-sdk to the fake LINE API; nobody gets it twice, nobody is skipped.

Unlike tests/faults/test_fanout_crash.py (the same story in one process, with a clock the test
moves), nothing here is simulated: the processes, Redis, the database and the clock are real.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import select

from bot import inbound, wiring
from bot.circulars import circulars
from bot.config import Config
from bot.queue import Job, events_job_id
from db.models import Circular
from db.session import Session, make_engine, upgrade
from tests import factories
from tests.circulars.conftest import add_followers, launch
from tests.core.test_worker_preload import on_sqlite, text_event, worker_env
from tests.faults.conftest import database_url  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
FOLLOWERS = 5000
RECOVERY_LIMIT = 30.0  # seconds from the kill to the last follower reached
# Seconds from a job runner's death to the answers of the events its job held: a new runner in
# 1 s, RQ's first retry after 2 s, and the answers (the reconciler would leave a job RQ still
# took as running alone for ~14 minutes).
ANSWERED_WITHIN = 20.0


class Worker:
    """`python worker.py` in a process group of its own (with the child it forks to run the jobs)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "worker.py")],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL to the worker and its job runner: no handler, no clean-up runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()
        self.log.close()


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def recipients(line_api) -> list[str]:
    return [user for r in line_api.delivered("/v2/bot/message/multicast") for user in r.json["to"]]


def test_a_worker_killed_mid_fanout_leaves_the_rest_to_another_within_30_s(
    database_url, redis_url, redis, line_api, tmp_path
):
    env = worker_env(database_url, redis_url, line_api)
    config = Config.from_env(env)
    engine = make_engine(database_url)
    upgrade(engine)
    wiring.start(config, engine=engine)  # this process only launches; the workers send
    Session.configure(bind=engine)
    with Session() as session:
        midori = factories.district(session, "緑ケ丘")
        admin = factories.admin(session, midori, user_id="U" + uuid.uuid4().hex)
        followers = add_followers(session, midori, FOLLOWERS, platform="line")
        session.commit()
        admin_id, district = admin.platform_user_id, midori
        line_api.quota = None
        line_api.slow_down("/v2/bot/message/multicast", 0.4)  # a fan-out that takes a while

        first = Worker(env, tmp_path / "worker-1.log")
        second = None
        try:
            circular_id = launch(session, admin, district)
            assert wait_for(lambda: len(line_api.delivered("/multicast")) >= 3, 60), (
                tmp_path / "worker-1.log"
            ).read_text()
            first.kill()
            killed_at = time.monotonic()
            sent_before = set(recipients(line_api))
            assert 0 < len(sent_before) < FOLLOWERS  # killed in the middle

            second = Worker(env, tmp_path / "worker-2.log")
            everyone = set(followers)
            done = wait_for(lambda: everyone <= set(recipients(line_api)), RECOVERY_LIMIT)
            assert done, (
                f"{len(everyone & set(recipients(line_api)))} of {FOLLOWERS} reached "
                f"{time.monotonic() - killed_at:.0f} s after the kill\n"
                + (tmp_path / "worker-2.log").read_text()[-3000:]
            )
            # Marked sent once the dead lane's batch lease runs out (its multicast may have reached
            # LINE before the kill): the circular is finished, not only everyone reached.
            finished = killed_at + RECOVERY_LIMIT - time.monotonic()
            assert wait_for(lambda: session.scalar(select(Circular.status)) == "sent", finished)
            took = time.monotonic() - killed_at
            time.sleep(1)  # a doubled batch would arrive now
            got = recipients(line_api)
        finally:
            first.stop()
            if second is not None:
                second.stop()
        print(f"resumed and finished {took:.1f} s after the kill; {len(sent_before)} reached before it")
        assert took <= RECOVERY_LIMIT
        followers_got = [user for user in got if user != admin_id]
        assert sorted(followers_got) == sorted(followers)  # every follower once: none doubled, none skipped
        assert line_api.violations == []
        assert circulars.progress(session, circular_id).sent == FOLLOWERS


def job_runners(worker: Worker) -> list[int]:
    """The processes worker.py forked to run jobs (its children), by pid."""
    pid = worker.process.pid
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def test_a_job_runner_that_dies_is_replaced_and_the_next_message_answered(tmp_path, redis_url, redis, line_api):
    env, rt = on_sqlite(tmp_path, redis_url, line_api)
    worker = Worker(env, tmp_path / "worker.log")
    try:
        assert wait_for(lambda: job_runners(worker), 120), (tmp_path / "worker.log").read_text()
        [crashed] = job_runners(worker)
        os.kill(crashed, signal.SIGKILL)  # as a crash in C code or the OOM killer would

        event = text_event("U" + uuid.uuid4().hex, "使い方を教えて")
        with Session.begin() as session:
            [event_id] = inbound.store(session, "line", [(event["webhookEventId"], "message", event)], rt.clock.now())
        rt.jobs.enqueue(Job.PROCESS_EVENT, event_id)
        assert wait_for(lambda: line_api.delivered("/v2/bot/message/reply"), 60), (tmp_path / "worker.log").read_text()[
            -3000:
        ]
        assert [r.json["replyToken"] for r in line_api.delivered("/v2/bot/message/reply")] == [event["replyToken"]]
        assert worker.process.poll() is None and crashed not in job_runners(worker)
    finally:
        worker.stop()


def test_a_job_runner_killed_mid_job_has_its_events_answered_within_seconds_each_once(
    tmp_path, redis_url, redis, line_api
):
    env, rt = on_sqlite(tmp_path, redis_url, line_api)
    events = [text_event("U" + uuid.uuid4().hex, "使い方を教えて") for _ in range(3)]
    job_id = events_job_id()  # a webhook group's job, named in its events' rows
    with Session.begin() as session:
        now = rt.clock.now()
        body = inbound.rows("line", [(e["webhookEventId"], "message", e) for e in events], now)
        [ids] = inbound.store_bodies(session.connection(), [body], now, job_id)
    # The first person is answered, then the job waits on LINE for the second one's name.
    second = f"/v2/bot/profile/{events[1]['source']['userId']}"
    line_api.slow_down(second, 8)
    replies = lambda: line_api.delivered("/v2/bot/message/reply")  # noqa: E731
    worker = Worker(env, tmp_path / "worker.log")
    try:
        assert wait_for(lambda: job_runners(worker), 120), (tmp_path / "worker.log").read_text()
        rt.jobs.enqueue_all(Job.PROCESS_EVENTS, [(ids,)], [job_id])
        assert wait_for(lambda: replies(), 60), (tmp_path / "worker.log").read_text()[-3000:]
        assert redis.hget(f"rq:job:{job_id}", "status") == b"started"
        [runner] = job_runners(worker)
        os.kill(runner, signal.SIGKILL)  # mid-job, as a crash in C code or the OOM killer would
        killed_at = time.monotonic()
        line_api.slow_down(second, 0)
        answered = wait_for(lambda: len(replies()) >= len(events), ANSWERED_WITHIN)
        took = time.monotonic() - killed_at
        assert answered, f"{len(replies())} of 3 answered\n" + (tmp_path / "worker.log").read_text()[-3000:]
        time.sleep(2)  # a doubled answer would come now
        print(f"answered {took:.1f} s after the job runner was killed")
        # The first person's answer, sent before the kill, is not sent again by the retried job.
        assert sorted(r.json["replyToken"] for r in replies()) == sorted(e["replyToken"] for e in events)
        assert worker.process.poll() is None and runner not in job_runners(worker)
    finally:
        worker.stop()
