"""The RQ worker: runs bot.jobs (and the scheduled ones) on the same Config as the web.

The process loads the job code and the tagger once, then forks one child that runs jobs one after
another in itself (no work horse forked per job, no new database or Redis connection per job),
each under RQ's job timeout. If the child dies (a crash in C code, the kernel's OOM killer), this
process forks a new one at once; the job it was running is re-driven by the reconciler.
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import signal
import sys
import time
from datetime import datetime

import bot
from bot import clock, reconcile, wiring
from bot.config import Config
from bot.queue import QUEUE_NAME, Job

NOT_PRELOADED = ("bot.web", "bot.demo")  # the admin pages and demo data: never a job's
PR_SET_PDEATHSIG = 1  # prctl(2)
RESTART_PAUSE = 1.0  # seconds before a job runner that died is replaced
WARM_UP_AT = datetime(2026, 11, 30, 10, 0)  # the warm-up message's time: any will do
log = logging.getLogger("kyojo.worker")


def preload(engine) -> None:
    """Import the job code and read one message (the tagger and vocabularies load) before the
    worker forks: its child starts with them, copy-on-write. A child drops the database
    connections it inherited, so that no socket is shared between processes."""
    for module in sorted({job.value.rpartition(".")[0] for job in Job}):
        importlib.import_module(module)
    # The handlers (and what they import on first use, inside functions) too: a child that
    # imported them itself paid ~0.2 s on its first job (tests/core/test_worker_preload.py).
    for found in pkgutil.walk_packages(bot.__path__, "bot."):
        if not found.name.startswith(NOT_PRELOADED):
            importlib.import_module(found.name)
    from bot.nlp import understand

    understand("明日の朝ゴミ出しをお願いできますか", now=WARM_UP_AT)
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))


def run_jobs(redis, burst: bool) -> None:
    """Take jobs off the queue and run them in this process until stopped (or the queue is empty)."""
    from bot.runner import JobRunner

    JobRunner([QUEUE_NAME], connection=redis).work(burst=burst, with_scheduler=True)


def supervise(redis, burst: bool) -> int:
    """Run jobs in a forked child, and fork another whenever one dies other than by being stopped."""
    stopping = False
    child = 0

    def stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True
        if child:
            os.kill(child, signum)  # RQ's own handling: finish the job at hand, then stop

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    while True:
        child = os.fork()
        if child == 0:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, signal.SIG_DFL)  # RQ installs its own
            os.register_at_fork(after_in_child=_end_with_parent)  # RQ's scheduler, forked by the runner
            run_jobs(redis, burst)
            os._exit(0)
        _, status = os.waitpid(child, 0)
        if stopping or burst or os.waitstatus_to_exitcode(status) == 0:
            return os.waitstatus_to_exitcode(status)
        log.error("job runner %d died (%s): starting another", child, os.waitstatus_to_exitcode(status))
        time.sleep(RESTART_PAUSE)  # not a busy loop while, say, Redis is down


def _end_with_parent() -> None:
    """Ask Linux to stop this process when its parent dies (no orphan outlives a dead job runner)."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def main() -> int:
    """Run a worker until stopped (or, with --burst, until the queue is empty)."""
    config = Config.from_env()
    if not config.redis_url:
        print("REDIS_URL is not set: jobs run inside the web process, no worker is needed.")
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    rt = wiring.start(config)
    reconcile.keep_reconciling(rt.jobs, until=rt.retired)  # Redis holds no truth: re-drive what it lost
    preload(rt.engine)
    burst = "--burst" in sys.argv
    if not burst:
        clock.start(rt.jobs, until=rt.retired)  # the periodic jobs that read their work from the database
    return supervise(rt.jobs.redis, burst)


if __name__ == "__main__":
    sys.exit(main())
