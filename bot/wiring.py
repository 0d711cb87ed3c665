"""Starting a process: bind the database, the job runner and the channels (web and worker)."""

from __future__ import annotations

from sqlalchemy import Engine

from bot import runtime
from bot.channels import build_channels
from bot.config import Config
from bot.queue import Jobs
from db import session as db_session


def start(config: Config, *, engine: Engine | None = None) -> runtime.Runtime:
    """Bind the database, the job runner and the channels for this process."""
    if engine is None:
        engine = db_session.bind(config.database_url)
    else:
        db_session.Session.configure(bind=engine)
    jobs = Jobs(config.jobs_mode, config.redis_url)
    return runtime.install(runtime.Runtime(config, engine, jobs, build_channels(config)))
