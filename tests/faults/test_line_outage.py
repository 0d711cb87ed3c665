"""LINE down for ten minutes, longer than every retry of the job: each answer still reaches its
person once when LINE is back (pushed with its retry key, the reply token long expired)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import select

from bot import reconcile
from bot.queue import QUEUE_NAME
from db.models import InboundEvent, OutboundMessage, local_now
from tests.faults.conftest import app_on_redis
from tests.channels.conftest import event_body, sign, user_event

PEOPLE = 5


@pytest.fixture
def rq_app(rt, line_config, redis, redis_url, engine, bind):
    return app_on_redis(line_config, redis_url, engine, bind)


def drain(redis) -> None:
    """Run what is queued, and the job retries RQ scheduled, until nothing is left."""
    queue = Queue(QUEUE_NAME, connection=redis)
    for _ in range(10):
        for job_id in queue.scheduled_job_registry.get_job_ids():
            queue.scheduled_job_registry.remove(job_id)
            queue.enqueue_job(queue.fetch_job(job_id))
        if not queue.count:
            return
        SimpleWorker([queue], connection=redis).work(burst=True)


def test_every_answer_reaches_its_person_once_after_a_ten_minute_outage(rq_app, redis, session, line_api):
    line_api.fail_next(500, count=10**6)  # every call, until the outage ends
    client = rq_app.test_client()
    for n in range(PEOPLE):
        body = event_body(
            user_event(
                "message",
                user_id=f"Uperson{n}",
                event_id=f"01OUT{n:021d}",
                message={"id": str(n), "type": "text", "text": "使い方を教えて"},
            )
        )
        assert (
            client.post(
                "/callback", data=body, headers={"X-Line-Signature": sign(body, "test-channel-secret")}
            ).status_code
            == 200
        )
    drain(redis)  # each job fails, is retried by RQ until RQ gives up
    assert {e.status for e in session.scalars(select(InboundEvent))} == {"done"}
    assert line_api.delivered() == []

    start, calls_in_outage = local_now(), len(line_api.requests)
    for second in range(0, 15 * 60, reconcile.EVERY_SECONDS):  # the worker's passes, by a fake clock
        moment = start + timedelta(seconds=second)
        if second == 10 * 60:
            line_api.failures.clear()
            line_api.fail_next(500, count=1, path="/push", accept=True)  # LINE took it, the answer was lost
        if reconcile.reconcile(moment).total:  # the pass the worker's timer runs, on Redis
            drain(redis)
        if second < 10 * 60:
            calls_in_outage = len(line_api.requests)

    pushed = [r.json["to"] for r in line_api.delivered("/push")]
    assert sorted(pushed) == sorted(f"Uperson{n}" for n in range(PEOPLE))  # each once
    assert line_api.delivered("/reply") == []
    session.expire_all()
    rows = session.scalars(select(OutboundMessage)).all()
    assert {r.status for r in rows} == {"sent"} and len(rows) == PEOPLE
    assert calls_in_outage < 400  # backoff: not a storm of calls against a LINE that is down
    assert line_api.violations == []
