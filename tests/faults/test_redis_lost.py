"""Redis killed and restarted empty, with 10 events queued and 2 offer timeouts delayed on it: once
a worker starts, its reconciler passes finish all 12 within a minute, none twice."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import timedelta

import pytest
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import select, update

from bot import reconcile
from bot.jobs import offer_request
from bot.queue import QUEUE_NAME
from db.models import HelpRequest, InboundEvent, Offer, local_now
from tests import factories
from tests.faults.conftest import app_on_redis
from tests.channels.conftest import event_body, sign, user_event
from tests.conftest import _free_port, _redis_answers


class RedisServer:
    """A redis-server of the test's own, to kill and start again empty on the same port."""

    def __init__(self, folder) -> None:
        self.port, self.folder = _free_port(), folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            if _redis_answers(self.url):
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(5)


@pytest.fixture
def own_redis(tmp_path):
    if subprocess.run(["which", "redis-server"], capture_output=True).returncode:
        pytest.skip("no redis-server binary")
    server = RedisServer(tmp_path)
    yield server
    server.kill()


@pytest.fixture
def rq_app(rt, line_config, own_redis, engine, bind):
    return app_on_redis(line_config, own_redis.url, engine, bind)


def open_requests(session) -> list[int]:
    """Two requests offered to helpers on LINE: round 1 out, its timeout job delayed on Redis."""
    midori = factories.district(session, "緑ケ丘")
    for n in range(4):
        factories.helper(session, platform="line", user_id=f"Uhelper{n}", district=midori)
    ids = [
        factories.help_request(session, factories.resident(session, district=midori), status="open").id
        for _ in range(2)
    ]
    session.commit()
    for request_id in ids:
        offer_request(request_id)
    return ids


def post_ten(app, prefix: str) -> None:
    """Ten residents write through the webhook (answered 200, their jobs queued on Redis)."""
    client = app.test_client()
    for n in range(10):
        body = event_body(
            user_event(
                "message",
                user_id=f"Uperson{n}",
                event_id=f"{prefix}{n:020d}",
                message={"id": str(n), "type": "text", "text": "使い方を教えて"},
            )
        )
        headers = {"X-Line-Signature": sign(body, "test-channel-secret")}
        assert client.post("/callback", data=body, headers=headers).status_code == 200


def test_a_worker_starting_after_redis_lost_everything_finishes_all_twelve_once(rq_app, own_redis, session, line_api):
    requests = open_requests(session)
    post_ten(rq_app, "01LOST")
    redis = Redis.from_url(own_redis.url)
    queue = Queue(QUEUE_NAME, connection=redis)
    assert (queue.count, queue.scheduled_job_registry.count) == (10, 2)
    own_redis.kill()
    own_redis.start()  # empty: the 10 queued jobs and the 2 delayed ones are gone
    assert (queue.count, queue.scheduled_job_registry.count) == (0, 0)
    # The offers' deadline passes while Redis is down (their timeout is 30 minutes).
    session.execute(update(Offer).values(sent_at=local_now() - timedelta(minutes=31)))
    session.commit()

    started, redriven, done_at = local_now(), {}, None
    for tick in range(0, 61, reconcile.EVERY_SECONDS):  # the worker's passes in its first minute
        rq_app.extensions["kyojo"].jobs.enqueue(
            "bot.reconcile.run_pass", (started + timedelta(seconds=tick)).isoformat()
        )
        SimpleWorker([queue], connection=redis).work(burst=True)
        for name, count in pass_results(queue).items():
            redriven[name] = redriven.get(name, 0) + count
        if done_at is None and all_done(session, requests):
            done_at = tick

    assert done_at is not None and done_at <= 60
    assert redriven == {"bot.jobs.process_event": 10, "bot.jobs.offer_timeout": 2}
    replies = [r.json["replyToken"] for r in line_api.delivered("/reply")]
    assert sorted(replies) == sorted(f"token-01LOST{n:020d}" for n in range(10))  # each once
    offers = session.scalars(select(Offer)).all()
    assert len(offers) == 8 and {o.round for o in offers} == {1, 2}
    assert len(line_api.delivered("/push")) == len(offers)  # one card per offer, none twice
    assert line_api.violations == []


def pass_results(queue: Queue) -> dict[str, int]:
    """What the finished reconciler passes re-drove (their jobs are then forgotten)."""
    total: dict[str, int] = {}
    for job_id in queue.finished_job_registry.get_job_ids():
        result = queue.fetch_job(job_id).return_value()
        for name, count in (result if isinstance(result, dict) else {}).items():
            total[name] = total.get(name, 0) + count
        queue.finished_job_registry.remove(job_id, delete_job=True)
    return total


def all_done(session, requests: list[int]) -> bool:
    """Every event answered and both requests moved on to their second round."""
    session.expire_all()
    events = {e.status for e in session.scalars(select(InboundEvent))}
    rounds = {r.offer_round for r in session.scalars(select(HelpRequest).where(HelpRequest.id.in_(requests)))}
    return events == {"done"} and rounds == {2}


def test_events_waiting_behind_a_long_queue_are_not_queued_again_by_a_pass(rq_app, own_redis, session, line_api):
    post_ten(rq_app, "01WAIT")
    # A burst: the jobs still wait in the queue long after their events came.
    session.execute(update(InboundEvent).values(received_at=local_now() - 2 * reconcile.GRACE))
    session.commit()
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(own_redis.url))

    assert reconcile.reconcile().jobs.get("bot.jobs.process_event", 0) == 0
    assert queue.count == 10  # not 20: none is handled twice, the queue is no longer
    own_redis.kill()
    own_redis.start()  # now they are lost
    assert reconcile.reconcile().jobs["bot.jobs.process_event"] == 10
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    replies = [r.json["replyToken"] for r in line_api.delivered("/reply")]
    assert sorted(replies) == sorted(f"token-01WAIT{n:020d}" for n in range(10))
