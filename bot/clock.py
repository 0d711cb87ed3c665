"""The clock: every minute it enqueues the jobs that find their own work in the database.

Such a job (見守り's tick) reads what is due from the rows, so nothing is lost when Redis is
wiped or a worker was down: the next minute's run does it. Running it twice is harmless.
"""
from __future__ import annotations

import logging
import threading

from bot.queue import Job, Jobs

log = logging.getLogger(__name__)

EVERY_SECONDS = 60
PERIODIC = (Job.WATCH_TICK,)


def start(jobs: Jobs, every: float = EVERY_SECONDS) -> threading.Event:
    """Start ticking in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(target=_run, args=(jobs, every, stop), name="kyojo-clock", daemon=True)
    thread.start()
    return stop


def _run(jobs: Jobs, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        for name in PERIODIC:
            try:
                jobs.enqueue(name)
            except Exception:  # Redis away for a moment: the next minute tries again
                log.warning("clock could not enqueue %s", name, exc_info=True)
