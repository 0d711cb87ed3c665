"""Shared fixtures: a database per test, a real Redis, the runtime with a recording channel."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import socket
import subprocess
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from bot import wiring
from bot.config import Config
from db.models import Base, InboundEvent, local_now
from db.session import Session, make_engine
from tests.fakes import FakeChannel

LOCAL_POSTGRES = "host=127.0.0.1 user=postgres dbname=postgres connect_timeout=2"


def _postgres_url() -> str | None:
    """TEST_DATABASE_URL, else a database of this run's own on the machine's PostgreSQL
    (so that two runs at once do not meet), else None: then the tests run on SQLite only."""
    if os.environ.get("TEST_DATABASE_URL"):
        return os.environ["TEST_DATABASE_URL"]
    try:
        import psycopg

        with psycopg.connect(LOCAL_POSTGRES, autocommit=True) as connection:
            _drop_abandoned(connection)
            connection.execute(f"create database kyojo_test_{os.getpid()}")
    except Exception:
        return None
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/kyojo_test_{os.getpid()}"


def _drop_abandoned(connection) -> None:
    """Drop the databases of earlier runs whose process is gone."""
    names = [
        row[0] for row in connection.execute("select datname from pg_database where datname like 'kyojo\\_test\\_%'")
    ]
    for name in names:
        pid = int(re.match(r"kyojo_test_(\d+)", name).group(1)) if re.match(r"kyojo_test_\d+", name) else 0
        if pid and not os.path.exists(f"/proc/{pid}"):
            connection.execute(f"drop database if exists {name} with (force)")


def pytest_sessionfinish(session, exitstatus) -> None:
    """Drop this run's own PostgreSQL database."""
    if os.environ.get("TEST_DATABASE_URL") or not TEST_DATABASE_URL:
        return
    import psycopg

    with psycopg.connect(LOCAL_POSTGRES, autocommit=True) as connection:
        connection.execute(f"drop database if exists kyojo_test_{os.getpid()} with (force)")


TEST_DATABASE_URL = _postgres_url()
# Every test that touches the database runs on both, when PostgreSQL is there.
BACKENDS = ["sqlite", "postgresql"] if TEST_DATABASE_URL else ["sqlite"]


# -- Redis -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_answers(url: str) -> bool:
    from redis import Redis

    try:
        return bool(Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real Redis of this run's own (redis-server on a free port, so that two runs at once
    do not flush each other's queues), else the machine's on a spare db (TEST_REDIS_URL)."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    if not shutil.which("redis-server"):
        if not _redis_answers(url):
            pytest.skip("no Redis server and no redis-server binary")
        yield url
        return
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(50):
        if _redis_answers(url):
            break
        time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(5)


@pytest.fixture
def redis(redis_url):
    """A flushed Redis connection, flushed again afterwards (rq's tests do the same)."""
    from redis import Redis

    connection = Redis.from_url(redis_url)
    connection.flushdb()
    yield connection
    connection.flushdb()


# -- Database ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_engine():
    """The PostgreSQL engine of TEST_DATABASE_URL, schema made by the migrations."""
    if not TEST_DATABASE_URL:
        yield None
        return
    from db.session import upgrade

    engine = make_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request):
    """SQLite in memory (fresh per test), and PostgreSQL (see BACKENDS)."""
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_engine")
        return
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def bind(engine):
    """What the process-wide Session is bound to: on PostgreSQL, one rolled-back transaction."""
    if engine.dialect.name == "sqlite":
        Session.configure(bind=engine)
        yield engine
        return
    connection = engine.connect()
    transaction = connection.begin()
    Session.configure(bind=connection, join_transaction_mode="create_savepoint")
    yield connection
    transaction.rollback()
    connection.close()
    Session.configure(bind=engine, join_transaction_mode="conditional_savepoint")


@pytest.fixture
def config(engine) -> Config:
    return Config(
        database_url=str(engine.url),
        jobs_mode="eager",
        line_channel_secret="test-channel-secret",
        line_channel_access_token="test-access-token",
        line_api_host="http://127.0.0.1:9",
        line_api_data_host="http://127.0.0.1:9",
    )


@pytest.fixture
def channel() -> FakeChannel:
    return FakeChannel()


@pytest.fixture
def rt(config, engine, bind, channel):
    """The runtime, jobs run at once, with the recording channel as platform "fake"."""
    started = wiring.start(config, engine=engine)
    Session.configure(bind=bind)
    started.channels["fake"] = channel
    return started


@pytest.fixture
def session(rt):
    """A session for setting up and checking; commit to make rows visible to jobs."""
    with Session() as s:
        yield s


# -- Conversations as transcripts ----------------------------------------------------------


class Chat:
    """Talk to the bot as residents of the fake platform, through the real job path."""

    _ids = itertools.count(1)

    def __init__(self, channel: FakeChannel, session) -> None:
        self.channel = channel
        self.session = session
        self.clock: datetime | None = None

    def event(self, user_id: str, kind: str = "text", **fields) -> list:
        """Store one inbound event, run its job, return what the user received."""
        from bot.jobs import process_event

        self.session.commit()
        before = len(self.channel.to(user_id))
        at = (self.clock or local_now()).isoformat()
        payload = {"user_id": user_id, "kind": kind, "event_id": f"ev{next(self._ids)}", "at": at, **fields}
        with Session.begin() as s:
            row = InboundEvent(platform="fake", event_id=payload["event_id"], event_type=kind, payload=payload)
            s.add(row)
            s.flush()
            row_id = row.id
        process_event(row_id)
        self.session.expire_all()
        return self.channel.to(user_id)[before:]

    def say(self, user_id: str, text: str, **fields) -> list:
        return self.event(user_id, "text", text=text, **fields)

    def press(self, user_id: str, data: str) -> list:
        return self.event(user_id, "postback", data=data)

    def later(self, **delta) -> None:
        self.clock = (self.clock or local_now()) + timedelta(**delta)


@pytest.fixture
def chat(rt, channel, session) -> Chat:
    return Chat(channel, session)


# -- LINE: a local fake of the Messaging API (tests/line_fake.py); no other HTTP leaves -------

_LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    """Any connection beyond this machine fails the test (python-telegram-bot's OfflineRequest)."""
    import socket as socket_module

    connect = socket_module.socket.connect

    def local_connect(sock, address):
        if sock.family in (socket_module.AF_INET, socket_module.AF_INET6) and address[0] not in _LOOPBACK:
            raise OSError(f"tests may not reach {address[0]}: use the line_api fixture")
        return connect(sock, address)

    monkeypatch.setattr(socket_module.socket, "connect", local_connect)


@pytest.fixture(scope="session")
def _line_server():
    from tests.line_fake import FakeLineApi

    fake = FakeLineApi()
    yield fake
    fake.close()


@pytest.fixture
def line_api(_line_server):
    """The fake LINE API, emptied for this test (check `line_api.violations == []`)."""
    _line_server.reset()
    return _line_server


@pytest.fixture
def line_config(config, line_api) -> Config:
    """The test configuration, talking to the fake LINE API, with short retry waits."""
    return config.with_(
        line_api_host=line_api.url,
        line_api_data_host=line_api.data_url,
        extra={**config.extra, "line_retry_base_seconds": 0.01},
    )


# -- The Flask app on the test database ------------------------------------------------------


@pytest.fixture
def app(config, engine, bind, channel):
    """create_app(config), then bound back to the test database (SQLite memory or the PG transaction)."""
    from app import create_app

    flask_app = create_app(config)
    started = wiring.start(config, engine=engine)
    Session.configure(bind=bind)
    started.channels["fake"] = channel
    flask_app.extensions["kyojo"] = started
    flask_app.config.update(TESTING=True)
    return flask_app


# -- Slack: a local fake of the Web API (tests/slack_fake.py) ---------------------------------


@pytest.fixture(scope="session")
def _slack_server():
    from tests.slack_fake import FakeSlackApi

    fake = FakeSlackApi()
    yield fake
    fake.close()


@pytest.fixture
def slack_api(_slack_server):
    """The fake Slack Web API, emptied for this test."""
    _slack_server.reset()
    return _slack_server


@pytest.fixture
def slack_config(config, slack_api) -> Config:
    """The test configuration with the Slack app, talking to the fake Slack API, no retry waits."""
    return config.with_(
        slack_signing_secret="test-signing-secret",
        slack_bot_token="xoxb-test",
        slack_api_url=slack_api.url,
        extra={**config.extra, "slack_retry_max_seconds": 0},
    )
