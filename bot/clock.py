"""The clock: every minute it runs the jobs that find their own work in the database.

Such a job (見守り's tick) reads what is due from the rows, so nothing is lost when Redis is
wiped or a worker was down: the next minute's run does it. Running it twice is harmless, so a
failed run is not retried: the next minute is the retry.
"""

from __future__ import annotations

import logging
import threading

from bot import runtime
from bot.queue import Job, Jobs, resolve

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
        if superseded(jobs):
            return  # another runtime started in this process (tests): this clock is not its
        for name in PERIODIC:
            _tick(jobs, name)


def superseded(jobs: Jobs) -> bool:
    """Whether another runtime started in this process since `jobs` (tests start many): a
    background loop of the old one stops."""
    try:
        return runtime.current().jobs is not jobs
    except RuntimeError:
        return True


def _tick(jobs: Jobs, name: str) -> None:
    """On RQ: enqueue for a worker. In-process: run here, not in the job pool it would block."""
    try:
        if jobs.mode == "rq":
            jobs.enqueue(name)
        else:
            resolve(name)()
    except Exception:  # Redis or the database away for a moment: the next minute tries again
        log.warning("clock: %s failed, the next minute tries again", name, exc_info=True)
