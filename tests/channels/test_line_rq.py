"""The whole way with real Redis and RQ: LINE posts, the webhook queues, a worker answers once."""

from __future__ import annotations

import time

import pytest
from rq import Queue, SimpleWorker

from app import create_app
from bot import wiring
from bot.queue import QUEUE_NAME
from db.session import Session
from tests.channels.conftest import event_body, sign, user_event


@pytest.fixture
def rq_client(rt, line_config, redis, redis_url, engine, bind):
    """The app with jobs on Redis; the database is the test's (shared in this process)."""
    config = line_config.with_(jobs_mode="rq", redis_url=redis_url)
    app = create_app(config)
    app.extensions["kyojo"] = wiring.start(config, engine=engine)
    Session.configure(bind=bind)
    return app.test_client()


def post(client, body: bytes):
    return client.post(
        "/callback",
        data=body,
        headers={"Content-Type": "application/json", "X-Line-Signature": sign(body, "test-channel-secret")},
    )


def drain(redis) -> None:
    SimpleWorker([Queue(QUEUE_NAME, connection=redis)], connection=redis).work(burst=True)


def test_a_text_is_queued_at_once_and_answered_by_the_worker(rq_client, redis, line_api):
    body = event_body(user_event("message", message={"id": "1", "type": "text", "text": "使い方を教えて"}))
    started = time.monotonic()
    assert post(rq_client, body).status_code == 200
    assert time.monotonic() - started < 1
    assert Queue(QUEUE_NAME, connection=redis).count == 1
    assert line_api.sent_messages() == []  # nothing is answered in the webhook itself
    drain(redis)
    [reply] = line_api.delivered("/reply")
    assert reply.json["replyToken"] == "token-01EVENT0000000000000000001"
    assert line_api.delivered("/chat/loading")
    assert line_api.violations == []


def test_the_same_body_posted_twice_is_answered_once(rq_client, redis, line_api):
    body = event_body(user_event("postback", postback={"data": "menu.usage"}))
    assert post(rq_client, body).status_code == 200
    assert post(rq_client, body).status_code == 200
    assert Queue(QUEUE_NAME, connection=redis).count == 1
    drain(redis)
    drain(redis)
    assert len(line_api.delivered()) == 1
    assert line_api.violations == []


def test_when_line_fails_the_job_is_retried_and_delivers_once(rq_client, redis, line_api):
    line_api.fail_next(500, count=100, path="/reply")
    body = event_body(user_event("postback", postback={"data": "menu.usage"}))
    post(rq_client, body)
    drain(redis)  # the reply fails: RQ keeps the job for a retry
    line_api.failures.clear()
    registry = Queue(QUEUE_NAME, connection=redis).scheduled_job_registry
    assert registry.count == 1
    queue = Queue(QUEUE_NAME, connection=redis)
    for job_id in registry.get_job_ids():
        registry.remove(job_id)
        queue.enqueue_job(queue.fetch_job(job_id))
    drain(redis)
    assert len(line_api.delivered()) == 1
