"""The RQ worker: runs bot.jobs (and the scheduled ones) on the same Config as the web."""
from __future__ import annotations

import logging
import sys

from bot import clock, wiring
from bot.config import Config
from bot.queue import QUEUE_NAME


def main() -> int:
    """Run a worker until stopped (or, with --burst, until the queue is empty)."""
    from rq import Worker

    config = Config.from_env()
    if not config.redis_url:
        print("REDIS_URL is not set: jobs run inside the web process, no worker is needed.")
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    rt = wiring.start(config)
    if "--burst" not in sys.argv:
        clock.start(rt.jobs)  # the periodic jobs that read their work from the database
    worker = Worker([QUEUE_NAME], connection=rt.jobs.redis)
    worker.work(burst="--burst" in sys.argv, with_scheduler=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
