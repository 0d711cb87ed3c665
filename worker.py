"""The RQ worker: runs bot.jobs (and the scheduled ones) on the same Config as the web."""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import sys

import bot
from bot import clock, reconcile, wiring
from bot.config import Config
from bot.queue import QUEUE_NAME, Job

NOT_PRELOADED = ("bot.web", "bot.demo")  # the admin pages and demo data: never a job's


def preload(engine) -> None:
    """Import the job code and read one message (the tagger and vocabularies load) before RQ
    forks a work horse per job: each horse starts with them, copy-on-write. A horse drops the
    database connections it inherited, so that no socket is shared between processes."""
    for module in sorted({job.value.rpartition(".")[0] for job in Job}):
        importlib.import_module(module)
    # The handlers (and what they import on first use, inside functions) too: a horse that
    # imported them itself paid ~0.2 s per job (tests/core/test_worker_preload.py).
    for found in pkgutil.walk_packages(bot.__path__, "bot."):
        if not found.name.startswith(NOT_PRELOADED):
            importlib.import_module(found.name)
    from bot.nlp import understand

    understand("明日の朝ゴミ出しをお願いできますか")
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))


def main() -> int:
    """Run a worker until stopped (or, with --burst, until the queue is empty)."""
    from rq import Worker

    config = Config.from_env()
    if not config.redis_url:
        print("REDIS_URL is not set: jobs run inside the web process, no worker is needed.")
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    rt = wiring.start(config)
    reconcile.keep_reconciling(rt.jobs)  # Redis holds no truth: re-drive what it lost
    preload(rt.engine)
    if "--burst" not in sys.argv:
        clock.start(rt.jobs)  # the periodic jobs that read their work from the database
    worker = Worker([QUEUE_NAME], connection=rt.jobs.redis)
    worker.work(burst="--burst" in sys.argv, with_scheduler=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
