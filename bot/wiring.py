"""Starting a process: bind the database, the job runner, the channels and the clock (web and worker)."""

from __future__ import annotations

from sqlalchemy import Engine

from bot import runtime
from bot.channels import build_channels
from bot.clock import Clock
from bot.config import Config
from bot.queue import Jobs, carrying
from db import session as db_session


def start(config: Config, *, engine: Engine | None = None) -> runtime.Runtime:
    """Bind the database, the job runner and the channels for this process; every session it
    opens carries the jobs to enqueue on after its commit (bot.queue.enqueue_after_commit)."""
    if engine is None:
        engine = db_session.bind(config.database_url)
    else:
        db_session.Session.configure(bind=engine)
    clock = Clock()
    jobs = Jobs(config.jobs_mode, config.redis_url, clock=clock)
    db_session.Session.configure(info=carrying(jobs))
    return runtime.install(runtime.Runtime(config, engine, jobs, build_channels(config), clock))
