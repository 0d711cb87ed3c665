"""The webhook as production runs it (the process's Session bound to an engine, jobs on RQ): on
PostgreSQL the body is stored by one INSERT in autocommit, on SQLite in a transaction; either way the
event is in the database before the 200, its job sent to Redis (whose answer the writer reads with
the next group's), and a redelivery adds neither. Bodies arriving together are stored together
(bot.intake), each still answered only once it is stored."""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import func, insert, select, text

from app import create_app
from bot import wiring
from bot.config import Config
from bot.intake import WRITERS, Intake
from bot.queue import QUEUE_NAME, Job, Jobs
from db.models import InboundEvent, local_now
from db.session import Session, make_engine, upgrade
from tests.channels.conftest import event_body, sign, user_event
from tests.conftest import _free_port
from tests.faults.test_worker_killed import database_url  # noqa: F401 - the fixture


def production_app(database_url: str, redis_url: str):
    """The app as production runs it, on its own database (made by the migrations); and its engine."""
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
    return app, engine


def test_a_body_is_stored_and_queued_once_before_the_200(database_url, redis_url, redis):  # noqa: F811
    app, engine = production_app(database_url, redis_url)
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
    assert wait_until(lambda: len(queued_events(Redis.from_url(redis_url))) == 1)
    assert len(queued_events(Redis.from_url(redis_url))) == 1
    engine.dispose()


def queued_events(redis: Redis) -> list[int]:
    """The events that the jobs waiting in the queue are to handle."""
    jobs = Queue(QUEUE_NAME, connection=redis).get_jobs()
    assert {job.func_name for job in jobs} <= {Job.PROCESS_EVENTS.value}
    return [event_id for job in jobs for event_id in job.args[0]]


def text_events(*event_ids: str) -> list[tuple[str, str, dict]]:
    """Parsed LINE text events, as a verified body gives them to the intake."""
    return [
        (
            event_id,
            "message",
            user_event("message", event_id=event_id, message={"type": "text", "id": "1", "text": "x"}),
        )
        for event_id in event_ids
    ]


def test_bodies_arriving_at_once_are_each_answered_after_their_own_commit_and_stored_once(  # noqa: F811
    database_url, redis_url, redis
):
    engine = make_engine(database_url)
    upgrade(engine)
    intake = Intake(engine, Jobs("rq", redis_url))
    bodies = [text_events(f"01SOLO{n:020d}") for n in range(30)] + [text_events("01TWICE") for _ in range(6)]
    seen: list[tuple[list[int], bool, set[int]]] = []

    def deliver(events) -> None:
        ids = intake.receive("line", events, local_now())
        with engine.connect() as connection:  # another connection: committed before the answer
            stored = connection.scalar(select(func.count()).where(InboundEvent.event_id == events[0][0]))
        seen.append((ids, stored == 1, set(ids)))

    threads = [threading.Thread(target=deliver, args=(events,)) for events in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(seen) == 36 and all(committed for _, committed, _ in seen)
    answered = {event_id for _, _, ids in seen for event_id in ids}
    assert wait_until(lambda: answered <= set(queued_events(redis)))  # each job sent before its 200
    assert sorted(len(ids) for ids, _, _ in seen) == [0] * 5 + [1] * 31  # the event sent six times: once
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(InboundEvent)) == 31
        named = dict(connection.execute(select(InboundEvent.id, InboundEvent.job_id)).all())
    queued = queued_events(redis)
    assert sorted(queued) == sorted(named)  # each event in one job, once
    for job in Queue(QUEUE_NAME, connection=redis).get_jobs():  # the job its row names
        assert {named[event_id] for event_id in job.args[0]} == {job.id}
    engine.dispose()


def test_bodies_that_wait_for_the_writers_are_stored_together_in_one_transaction(  # noqa: F811
    database_url, redis_url, redis
):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's row versions tell which transaction stored a row")
    engine = make_engine(database_url)
    upgrade(engine)
    intake = Intake(engine, Jobs("rq", redis_url))
    blockers = [engine.connect() for _ in range(WRITERS)]
    blocked = [f"01BLOCK{uuid.uuid4().hex}" for _ in blockers]
    waiting = [f"01WAIT{uuid.uuid4().hex}" for _ in range(10)]
    for connection, event_id in zip(blockers, blocked):  # each writer will wait on one of these rows
        connection.execute(insert(InboundEvent).values(platform="line", event_id=event_id, payload={}))
    threads = [
        threading.Thread(target=intake.receive, args=("line", text_events(e), local_now())) for e in blocked + waiting
    ]
    for held, thread in enumerate(threads[: len(blocked)], start=1):  # one at a time: each a group of its own
        thread.start()
        assert wait_until(lambda: len(blocked_inserts(engine)) == held)  # noqa: B023 - used at once
    for thread in threads[len(blocked) :]:
        thread.start()
    assert wait_until(lambda: intake.waiting() == len(waiting))
    for connection in blockers:
        connection.rollback()
        connection.close()
    for thread in threads:
        thread.join(30)
    with engine.connect() as connection:
        transactions = connection.scalar(
            text("select count(distinct xmin::text) from inbound_events where event_id = any(:ids)"), {"ids": waiting}
        )
    assert transactions == 1
    engine.dispose()


def blocked_inserts(engine) -> list:
    with engine.connect() as connection:
        return connection.execute(
            text(
                "select pid from pg_stat_activity where wait_event_type = 'Lock' and query like 'INSERT INTO inbound%'"
                " and datname = current_database()"  # not another test run's, on the same server
            )
        ).all()


def wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_a_body_that_cannot_be_queued_is_answered_503_and_not_kept(database_url):  # noqa: F811
    app, engine = production_app(database_url, f"redis://127.0.0.1:{_free_port()}/0")  # nothing listens there
    body = event_body(user_event("message", message={"type": "text", "id": "1", "text": "こんにちは"}))
    headers = {"Content-Type": "application/json", "X-Line-Signature": sign(body, "test-channel-secret")}
    assert app.test_client().post("/callback", data=body, headers=headers).status_code == 503
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(InboundEvent)) == 0
    engine.dispose()


def test_a_body_whose_group_is_stuck_is_answered_503_in_time_and_stored_once_later(  # noqa: F811
    database_url, redis_url, redis, monkeypatch
):
    """The database holds the writer up (another transaction keeps the rows locked): the request
    does not hang, it gets 503; once the database frees up, its events are stored, and the
    platform's redelivery of the body stores nothing twice."""
    from bot import intake as intakes

    monkeypatch.setattr(intakes, "WAIT_SECONDS", 0.5)
    engine = make_engine(database_url)
    upgrade(engine)
    intake = Intake(engine, Jobs("rq", redis_url))
    events = text_events("01STUCK000000000000000000")
    blocker = engine.connect()
    held = blocker.begin()
    if engine.dialect.name == "postgresql":
        blocker.execute(text("LOCK TABLE inbound_events IN EXCLUSIVE MODE"))
    else:
        blocker.exec_driver_sql("DELETE FROM inbound_events WHERE id = -1")  # SQLite's write lock
    started = time.monotonic()
    with pytest.raises(intakes.IntakeStalled):
        intake.receive("line", events, local_now())
    assert time.monotonic() - started < 5
    held.rollback()
    blocker.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if connection.scalar(select(func.count()).select_from(InboundEvent)) == 1:
                break
        time.sleep(0.1)
    assert intake.receive("line", events, local_now()) == []  # redelivered: already stored
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(InboundEvent)) == 1
    engine.dispose()


def _server(database_url: str):
    """A connection to the same server's postgres database, in autocommit; and the test database's name."""
    base, database = database_url.rsplit("/", 1)
    return make_engine(f"{base}/postgres").connect().execution_options(isolation_level="AUTOCOMMIT"), database


def _cut_connections(database_url: str, refuse: bool = False) -> None:
    """Cut every connection to the test's database, as a restart would; with `refuse`, the
    database takes no new ones until `_accept_connections`."""
    connection, database = _server(database_url)
    with connection:
        if refuse:
            connection.execute(text(f"ALTER DATABASE {database} ALLOW_CONNECTIONS false"))
        others = f"datname = '{database}'"
        connection.execute(text(f"select pg_terminate_backend(pid) from pg_stat_activity where {others}"))
        assert wait_until(
            lambda: not connection.execute(text(f"select pid from pg_stat_activity where {others}")).all()
        )


def _accept_connections(database_url: str) -> None:
    connection, database = _server(database_url)
    with connection:
        connection.execute(text(f"ALTER DATABASE {database} ALLOW_CONNECTIONS true"))


def _webhook_poster(app):
    client = app.test_client()

    def post(event_id: str) -> int:
        message = {"type": "text", "id": "1", "text": "こんにちは"}
        body = event_body(user_event("message", event_id=event_id, message=message))
        headers = {"Content-Type": "application/json", "X-Line-Signature": sign(body, "test-channel-secret")}
        return client.post("/callback", data=body, headers=headers).status_code

    return post


def test_a_body_whose_kept_database_connection_was_cut_is_stored_on_a_new_one(  # noqa: F811
    database_url, redis_url, redis, monkeypatch
):
    """A database restart cuts the writers' kept connections: the next body is still stored (200),
    once, and queued once, whichever writer takes it."""
    from bot import intake as intakes

    if not database_url.startswith("postgresql"):
        pytest.skip("a server whose connections can be cut")
    monkeypatch.setattr(intakes, "IDLE_SECONDS", 120.0)  # the writers keep their connections however slow the test
    app, engine = production_app(database_url, redis_url)
    post = _webhook_poster(app)
    assert post("01BEFORE") == 200 and post("01SECOND") == 200  # writers hold connections of their own now
    _cut_connections(database_url)
    assert post("01CUT") == 200
    assert post("01CUT") == 200  # delivered again: nothing twice
    with engine.connect() as connection:
        stored = connection.execute(select(InboundEvent.event_id).order_by(InboundEvent.id)).scalars().all()
    assert stored == ["01BEFORE", "01SECOND", "01CUT"]
    assert wait_until(lambda: len(queued_events(Redis.from_url(redis_url))) == 3)  # each event's job, once
    assert len(set(queued_events(Redis.from_url(redis_url)))) == 3
    engine.dispose()


def test_a_body_the_database_cannot_take_is_answered_503_and_stored_once_when_delivered_again(  # noqa: F811
    database_url, redis_url, redis, monkeypatch
):
    from bot import intake as intakes

    if not database_url.startswith("postgresql"):
        pytest.skip("a server whose connections can be cut")
    monkeypatch.setattr(intakes, "IDLE_SECONDS", 120.0)
    app, engine = production_app(database_url, redis_url)
    post = _webhook_poster(app)
    assert post("01BEFORE") == 200
    _cut_connections(database_url, refuse=True)
    try:
        assert post("01DOWN") == 503  # not kept: LINE delivers it again
    finally:
        _accept_connections(database_url)
    assert post("01DOWN") == 200 and post("01DOWN") == 200  # delivered again, and once more
    with engine.connect() as connection:
        stored = connection.execute(select(InboundEvent.event_id).order_by(InboundEvent.id)).scalars().all()
    assert stored == ["01BEFORE", "01DOWN"]
    assert wait_until(lambda: len(queued_events(Redis.from_url(redis_url))) == 2)  # each event's job, once
    assert len(set(queued_events(Redis.from_url(redis_url)))) == 2
    engine.dispose()


def test_a_body_is_stored_after_another_user_of_the_writers_connection_dropped_its_prepared_statements(  # noqa: F811
    database_url, redis_url, redis, monkeypatch
):
    """The web process's pool lends the writer's connection to an admin page meanwhile, whose
    session rolls back after psycopg prepared a query of its own: psycopg then deallocates every
    prepared statement of the connection, the INSERT's too. The next body is still stored (200)."""
    from bot import intake as intakes

    if not database_url.startswith("postgresql"):
        pytest.skip("prepared statements are PostgreSQL's")
    monkeypatch.setattr(intakes, "IDLE_SECONDS", 0.05)  # the writer gives its connection back at once
    engine = make_engine(database_url)
    upgrade(engine)
    intake = Intake(engine, Jobs("rq", redis_url))
    assert len(intake.receive("line", text_events("01FIRST"), local_now())) == 1
    assert wait_until(lambda: engine.pool.checkedout() == 0)
    lent = [engine.connect() for _ in range(engine.pool.checkedin())]  # the writer's among them
    for connection in lent:
        for _ in range(6):  # psycopg prepares a query from its fifth run
            connection.execute(select(InboundEvent.id).where(InboundEvent.event_id == "01FIRST")).all()
        connection.close()  # the session's rollback: psycopg's DEALLOCATE ALL
    assert len(intake.receive("line", text_events("01SECOND"), local_now())) == 1
    engine.dispose()


def test_a_body_is_stored_after_a_migration_changed_what_the_writers_insert_returns(  # noqa: F811
    database_url, redis_url, redis, monkeypatch
):
    """A migration widens a column the INSERT returns while the web runs: PostgreSQL refuses the
    statement prepared before it ("cached plan must not change result type"); it is prepared again."""
    from bot import intake as intakes

    if not database_url.startswith("postgresql"):
        pytest.skip("prepared statements are PostgreSQL's")
    monkeypatch.setattr(intakes, "IDLE_SECONDS", 120.0)  # the writer keeps its connection
    monkeypatch.setattr(intakes, "WRITERS", 1)  # and writes the next body too
    engine = make_engine(database_url)
    upgrade(engine)
    intake = Intake(engine, Jobs("rq", redis_url))
    assert len(intake.receive("line", text_events("01BEFORE"), local_now())) == 1
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE inbound_events ALTER COLUMN status TYPE varchar(30)"))
    assert len(intake.receive("line", text_events("01AFTER"), local_now())) == 1
    engine.dispose()
