"""The clock: what time it is, and the minute that runs the jobs finding their own work in the database.

`Clock` is the one place the code reads the real time. The boundary (bot/jobs.py, the web pages,
the commands, the reconciler) reads it once per unit of work and hands the domain `now`, or the
clock itself to work that lasts long enough for time to move (a fan-out renewing its lease); the
domain and the handlers never read it themselves (tests/core/test_imports.py checks it), so a test
sets the time by handing another one (tests/fakes.py's StoppedClock).

The minute's job (見守り's tick) reads what is due from the rows, so nothing is lost when Redis is
wiped or a worker was down: the next minute's run does it. Running it twice is harmless, so a
failed run is not retried: the next minute is the retry.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from bot.queue import Job, Jobs, resolve
from db.models import local_now

log = logging.getLogger(__name__)

EVERY_SECONDS = 60
PERIODIC = (Job.WATCH_TICK,)


class Clock:
    """The city's time, naive, as every timestamp is stored and compared (db.models.local_now)."""

    def now(self) -> datetime:
        """What time it is now."""
        return local_now()


def start(jobs: Jobs, every: float = EVERY_SECONDS, *, until: threading.Event | None = None) -> threading.Event:
    """Start ticking in a daemon thread until `until` is set (a runtime's `retired`: another one
    started in this process); the event that stops it is returned."""
    stop = until or threading.Event()
    thread = threading.Thread(target=_run, args=(jobs, every, stop), name="kyojo-clock", daemon=True)
    thread.start()
    return stop


def _run(jobs: Jobs, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        for name in PERIODIC:
            _tick(jobs, name)


def _tick(jobs: Jobs, name: str) -> None:
    """On RQ: enqueue for a worker. In-process: run here, not in the job pool it would block."""
    try:
        if jobs.mode == "rq":
            jobs.enqueue(name)
        else:
            resolve(name)()
    except Exception:  # Redis or the database away for a moment: the next minute tries again
        log.warning("clock: %s failed, the next minute tries again", name, exc_info=True)
