"""The webhook as production runs it (the process's Session bound to an engine, jobs on RQ): on
PostgreSQL the body is stored by one INSERT in autocommit, on SQLite in a transaction; either way the
event is in the database and in the queue before the 200, and a redelivery adds neither."""

from __future__ import annotations

import json

from redis import Redis
from sqlalchemy import select

from app import create_app
from bot import wiring
from bot.config import Config
from bot.queue import QUEUE_NAME
from db.models import InboundEvent
from db.session import Session, make_engine, upgrade
from tests.channels.conftest import event_body, sign, user_event
from tests.faults.test_worker_killed import database_url  # noqa: F401 - the fixture


def test_a_body_is_stored_and_queued_once_before_the_200(database_url, redis_url, redis):  # noqa: F811
    engine = make_engine(database_url)
    upgrade(engine)
    config = Config(
        database_url=database_url,
        jobs_mode="rq",
        redis_url=redis_url,
        line_channel_secret="test-channel-secret",
        line_channel_access_token="token",
        line_api_host="http://127.0.0.1:9",
        line_api_data_host="http://127.0.0.1:9",
    )
    app = create_app(config)
    app.extensions["kyojo"] = wiring.start(config, engine=engine)
    Session.configure(bind=engine)
    body = event_body(
        user_event("message", message={"type": "text", "id": "1", "text": "こんにちは", "quoteToken": "q"})
    )
    client = app.test_client()
    headers = {"Content-Type": "application/json", "X-Line-Signature": sign(body, "test-channel-secret")}
    assert client.post("/callback", data=body, headers=headers).status_code == 200
    assert client.post("/callback", data=body, headers=headers).status_code == 200  # redelivered
    with engine.connect() as connection:  # another connection: it was committed
        rows = connection.execute(select(InboundEvent.event_id, InboundEvent.status)).all()
    assert rows == [(json.loads(body)["events"][0]["webhookEventId"], "received")]
    assert Redis.from_url(redis_url).llen(f"rq:queue:{QUEUE_NAME}") == 1
    engine.dispose()
