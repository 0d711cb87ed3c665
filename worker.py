"""The RQ worker: runs bot.jobs (and the scheduled ones) on the same Config as the web.

The process loads the job code and the tagger once, then forks one child that runs jobs one after
another in itself (no work horse forked per job, no new database or Redis connection per job),
each under RQ's job timeout. If the child dies (a crash in C code, the kernel's OOM killer), this
process hands the job it was running back to RQ (retried, or failed and re-driven by the
reconciler) and forks a new one at once.
"""

from __future__ import annotations

import gc
import importlib
import itertools
import logging
import os
import pkgutil
import signal
import socket
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
    # What is loaded now lives as long as the process: out of the collector's sight, a full
    # collection no longer walks the tagger's and vocabularies' ~300k objects (about 0.2 s of a
    # job runner's CPU each time, once every few hundred messages), nor writes to their pages,
    # which the child then keeps sharing with this process.
    gc.collect()
    gc.freeze()


def run_jobs(redis, burst: bool, name: str | None = None) -> None:
    """Take jobs off the queue and run them in this process until stopped (or the queue is empty),
    as the RQ worker `name`."""
    from bot.runner import JobRunner

    JobRunner([QUEUE_NAME], connection=redis, name=name).work(burst=burst, with_scheduler=True)


def runner_name(number: int) -> str:
    """The RQ worker name of this process's `number`th job runner: known here before it starts,
    so that its jobs can be found once it is dead."""
    return f"kyojo.{socket.gethostname()}.{os.getpid()}.{number}"


def fail_abandoned(redis, name: str) -> list[str]:
    """Hand back to RQ at once the jobs the dead job runner `name` was running, as RQ's own
    worker does when a work horse dies: each is retried if it has retries left (its events are
    taken again within seconds, each job safe to run twice), else failed, and the reconciler
    re-drives its events. Left alone, they would stay "started" until the job timeout ran out and
    the reconciler, which takes them as still running, would not touch them. Their ids."""
    from rq import Queue
    from rq.job import JobStatus
    from rq.utils import now

    from bot.runner import JobRunner

    worker = JobRunner([QUEUE_NAME], connection=redis, name=name)
    handed_back = []
    for execution in worker.get_current_executions(refresh=True):
        job = execution.job
        # Queued again under its id meanwhile and taken by a live runner: that one's now.
        if job.get_status() == JobStatus.STARTED and job.worker_name == name:
            job.ended_at = now()
            worker.handle_job_failure(
                job, Queue(job.origin, connection=redis), exc_string=f"job runner {name} died", execution=execution
            )
            handed_back.append(job.id)
    worker.register_death()
    return handed_back


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
    for number in itertools.count(1):
        name = runner_name(number)
        child = os.fork()
        if child == 0:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, signal.SIG_DFL)  # RQ installs its own
            os.register_at_fork(after_in_child=_end_with_parent)  # RQ's scheduler, forked by the runner
            run_jobs(redis, burst, name)
            os._exit(0)
        _, status = os.waitpid(child, 0)
        if stopping or burst or os.waitstatus_to_exitcode(status) == 0:
            return os.waitstatus_to_exitcode(status)
        log.error("job runner %d died (%s): starting another", child, os.waitstatus_to_exitcode(status))
        _hand_back(redis, name)
        time.sleep(RESTART_PAUSE)  # not a busy loop while, say, Redis is down
    return 1  # (the count never ends)


def _hand_back(redis, name: str) -> None:
    try:
        handed_back = fail_abandoned(redis, name)
    except Exception:  # noqa: BLE001 - Redis down: RQ's own clean-up hands them back once the job timeout ends
        log.exception("could not hand back the jobs of job runner %s", name)
        return
    if handed_back:
        log.warning("jobs of job runner %s handed back to RQ: %s", name, ", ".join(handed_back))


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
