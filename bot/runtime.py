"""The process's wiring: configuration, database binding, jobs and channels.

Both the web process (create_app) and the worker (worker.py) call `start` once.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from bot.config import Config
from bot.queue import Jobs
from db import session as db_session


@dataclass
class Runtime:
    config: Config
    engine: Engine
    jobs: Jobs
    channels: dict  # platform -> bot.channels.Channel


_current: Runtime | None = None


def start(config: Config, *, engine: Engine | None = None) -> Runtime:
    """Bind the database, the job runner and the channels for this process."""
    global _current
    from bot.channels import build_channels

    if engine is None:
        engine = db_session.bind(config.database_url)
    else:
        db_session.Session.configure(bind=engine)
    _current = Runtime(config, engine, Jobs(config.jobs_mode, config.redis_url), build_channels(config))
    return _current


def current() -> Runtime:
    """The runtime started in this process."""
    if _current is None:
        raise RuntimeError("bot.runtime.start(config) has not been called in this process")
    return _current
