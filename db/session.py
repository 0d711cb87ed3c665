"""One sessionmaker for the process, bound at start."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

Session = sessionmaker(expire_on_commit=False)

PING_AFTER_IDLE_SECONDS = 5.0  # a pooled connection unused this long is checked before use
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a shared in-memory pool."""
    if not url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "connect", _integers_as_bigint)
        event.listen(engine, "checkin", _note_checkin)
        event.listen(engine, "checkout", _ping_if_idle(engine))
        return engine
    if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
    else:
        Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if ":memory:" not in url:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def _note_checkin(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(engine: Engine):
    """Check a connection that sat unused in the pool before handing it out (the server may have
    restarted or dropped it meanwhile): the pool then opens a new one. One in steady use is not
    checked, so a webhook or a job does not pay a round trip for every session it opens (as with
    SQLAlchemy's pool_pre_ping); should the server go away under it, its error resets the pool."""

    def check(dbapi_connection, record, _proxy) -> None:
        if time.monotonic() - record.info.get("idle_since", float("-inf")) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - any failure means the connection is no good
            raise DisconnectionError() from error

    return check


def _integers_as_bigint(dbapi_connection, _record) -> None:
    """Send every Python int as one type (bigint): psycopg would pick smallint, integer or bigint by
    the value, and each mix of types is a statement of its own to PostgreSQL, so a query whose ids
    cross 32,767 now and then was never prepared and was planned again on every call."""
    from psycopg.types.numeric import Int8BinaryDumper, Int8Dumper

    dbapi_connection.adapters.register_dumper(int, Int8Dumper)
    dbapi_connection.adapters.register_dumper(int, Int8BinaryDumper)


def bind(url: str) -> Engine:
    """Bind the process-wide Session to a new engine for `url`."""
    engine = make_engine(url)
    Session.configure(bind=engine)
    return engine


def alembic_config(url: str):
    """The Alembic configuration for this project's migrations."""
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration to the database behind `engine` (safe to run again)."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
