"""The fault suite shares the LINE channel's fixtures: the app on the fake LINE API, signed posts."""

from __future__ import annotations

import os

import pytest

from app import create_app
from bot import wiring
from bot.config import Config
from db.session import Session, make_engine, upgrade
from tests.conftest import LOCAL_POSTGRES, TEST_DATABASE_URL
from tests.channels.conftest import line_app, post  # noqa: F401  (fixtures)


def app_on_redis(line_config, redis_url: str, engine, bind):
    """The app with jobs on a real Redis, on the test's database (call after the `rt` fixture)."""
    config = line_config.with_(jobs_mode="rq", redis_url=redis_url)
    app = create_app(config)
    app.extensions["kyojo"] = wiring.start(config, engine=engine)
    Session.configure(bind=bind)
    return app


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A database the worker processes share with the test (committed rows, not a test's
    rolled-back transaction): a SQLite file, or a PostgreSQL database of the test's own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kyojo.sqlite'}"
        return
    if not TEST_DATABASE_URL:
        pytest.skip("no PostgreSQL")
    import psycopg

    name = f"kyojo_test_{os.getpid()}_kill"
    with psycopg.connect(LOCAL_POSTGRES, autocommit=True) as connection:
        connection.execute(f"drop database if exists {name} with (force)")
        connection.execute(f"create database {name}")
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(LOCAL_POSTGRES, autocommit=True) as connection:
        connection.execute(f"drop database if exists {name} with (force)")


SECRET = "test-channel-secret"


@pytest.fixture
def committed_app(database_url, line_api):
    """The app on a database of the test's own where every request commits, as in production
    (not one rolled-back transaction, which thousands of requests would outgrow on PostgreSQL)."""
    engine = make_engine(database_url)
    upgrade(engine)
    config = Config(
        database_url=database_url,
        jobs_mode="eager",
        line_channel_secret=SECRET,
        line_channel_access_token="test-access-token",
        line_api_host=line_api.url,
        line_api_data_host=line_api.data_url,
        extra={"line_retry_base_seconds": 0.01},
    )
    app = create_app(config)
    app.extensions["kyojo"] = wiring.start(config, engine=engine)
    Session.configure(bind=engine)
    yield app
    engine.dispose()
