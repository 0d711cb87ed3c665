"""Committed databases for the tests that need real transactions (races, a real RQ worker)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot import wiring
from bot.config import Config
from db.models import Base
from db.session import Session, make_engine, upgrade
from tests.fakes import FakeChannel

from tests.conftest import TEST_DATABASE_URL as PG_URL


def _private_database(base_url: str, suffix: str) -> str | None:
    """A database of our own beside the test one (created once), or None if PostgreSQL is away."""
    base = make_url(base_url)
    url = base.set(database=f"{base.database}_{suffix}")
    admin = make_engine(base.render_as_string(hide_password=False))
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            known = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database})
            if not known:
                connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    except Exception:
        return None
    finally:
        admin.dispose()
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def committed_pg():
    """An engine on a private PostgreSQL database with the migrated schema, or skip."""
    url = _private_database(PG_URL, "race") if PG_URL else None
    if url is None:
        pytest.skip("PostgreSQL is not available")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()
    if not os.environ.get("TEST_DATABASE_URL"):  # this run's own: drop it with the run's
        _drop(url)


def _drop(url: str) -> None:
    name = make_url(url).database
    admin = make_engine(make_url(url).set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty(engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


def _start(engine, **settings) -> tuple:
    config = Config(database_url=engine.url.render_as_string(hide_password=False), **settings)
    started = wiring.start(config, engine=engine)
    Session.configure(bind=engine, join_transaction_mode="conditional_savepoint")
    channel = FakeChannel()
    started.channels["fake"] = channel
    return started, channel


@pytest.fixture
def pg_runtime(committed_pg):
    """The runtime on committed PostgreSQL (jobs at once), emptied before and after."""
    _empty(committed_pg)
    yield _start(committed_pg, jobs_mode="eager")
    _empty(committed_pg)


# A Redis db of our own: other test runs on this machine flush the shared one at any moment.
MATCHING_REDIS_DB = 12


@pytest.fixture
def rq_runtime(redis_url, tmp_path):
    """The runtime with jobs on a real Redis through RQ, on a SQLite file."""
    from redis import Redis

    url = f"{redis_url.rsplit('/', 1)[0]}/{MATCHING_REDIS_DB}"
    Redis.from_url(url).flushdb()
    engine = make_engine(f"sqlite:///{tmp_path / 'rq.sqlite'}")
    Base.metadata.create_all(engine)
    yield _start(engine, jobs_mode="rq", redis_url=url)
    engine.dispose()
    Redis.from_url(url).flushdb()
