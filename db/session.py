"""One sessionmaker for the process, bound at start."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

Session = sessionmaker(expire_on_commit=False)
Row = TypeVar("Row")

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


_KEPT = "kyojo_kept"  # Session.info: the objects a session keeps (see keep_loaded)


def keep_loaded(session: OrmSession) -> None:
    """Keep every object the session loads from now until it closes. SQLAlchemy's identity map
    holds them weakly, so a row that handlers read without keeping it (the draft request each
    reader of a message looked at) was read from the database again by the next one."""
    session.info[_KEPT] = []


@event.listens_for(Session, "loaded_as_persistent")
def _keep(session: OrmSession, instance: object) -> None:
    kept = session.info.get(_KEPT)
    if kept is not None:
        kept.append(instance)


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


class _RowLocks:
    """Row locks for SQLite, within one process. PostgreSQL serialises concurrent jobs on a row with
    SELECT … FOR UPDATE; SQLite has no row locks, and pysqlite opens a transaction only at the first
    write, so two jobs on `make run`'s two threads could both read a row as pending and both act
    (a message sent twice). SQLite is for one process (`make run`, tests), so a lock per row held
    until the transaction ends gives the same turns. SQLite's own write lock would too, but it would
    also stop the other writes a job makes meanwhile in its own sessions (the chat page's record)."""

    WAIT_SECONDS = 30.0  # as SQLite's own busy timeout (make_engine)

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[tuple[str, object], tuple[threading.RLock, list[int]]] = {}

    def hold(self, session: OrmSession, key: tuple[str, object]) -> None:
        with self._guard:
            lock, users = self._locks.setdefault(key, (threading.RLock(), [0]))
            users[0] += 1
        if not lock.acquire(timeout=self.WAIT_SECONDS):
            self._leave(key)
            raise TimeoutError(f"{key} was held by another job for {self.WAIT_SECONDS:.0f} s")
        if not session.info.get("row_locks_listened"):
            session.info["row_locks_listened"] = True
            event.listen(session, "after_transaction_end", self._release_at_end)
        session.info.setdefault("row_locks", []).append(key)

    def _release_at_end(self, session: OrmSession, transaction: Any) -> None:
        if transaction.parent is not None:  # a savepoint: the row stays held until the end
            return
        for key in reversed(session.info.pop("row_locks", [])):
            self._locks[key][0].release()
            self._leave(key)

    def _leave(self, key: tuple[str, object]) -> None:
        with self._guard:
            _lock, users = self._locks[key]
            users[0] -= 1
            if not users[0]:
                del self._locks[key]


_row_locks = _RowLocks()


def hold(session: OrmSession, table: str, key: object) -> None:
    """Hold a row (named by its table and a key) until this session's transaction ends, against
    every other transaction that holds it: on SQLite here; on PostgreSQL by the caller's FOR UPDATE."""
    if session.get_bind().dialect.name == "sqlite":
        _row_locks.hold(session, (table, key))


def locked(session: OrmSession, model: type[Row], row_id: int) -> Row | None:
    """The row, read with FOR UPDATE and held for this transaction (see hold)."""
    hold(session, getattr(model, "__tablename__"), row_id)  # noqa: B009  (any mapped class)
    return session.get(model, row_id, with_for_update=True)
