"""Fan-out across RQ workers: 100,000 followers, a fake LINE API enforcing 200 multicasts a second.

PostgreSQL and a Redis of the bench's own; `python worker.py` processes (preloaded, idle before
the clock starts). The same circular size is sent with 1 worker (the baseline) and with 2;
the wall time runs from the job being enqueued to the circular being marked sent. The fake
LINE API (a child process) counts the 429s that breaking the limit earned, and every
recipient: none twice, none missing. What a recipient cost in CPU is shown too (the workers'
processes, and the PostgreSQL backends of the bench's database): on a machine others load,
it moves much less than the wall time.
Run: .venv/bin/python -m bench.fanout [FOLLOWERS]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.circulars import populate, send
from bench.common import drop_postgres, machine, postgres_url
from bench.webhook import redis_server

ROOT = Path(__file__).resolve().parent.parent
FOLLOWERS = 100_000
FAKE_LINE = """
import sys
from tests import line_spec
from tests.line_fake import FakeLineApi
line_spec.problems = lambda schema, body: []  # the tests check bodies against the spec; here it would be the bottleneck
fake = FakeLineApi()
fake.quota = None
fake.limit_rate("/v2/bot/message/multicast", 200)
print(fake.url, flush=True)
for command in sys.stdin:
    people = [u for r in fake.delivered("/multicast") for u in r.json["to"]]
    print(len(fake.calls("/multicast")), len(people), len(set(people)), fake.rate_limited, flush=True)
    fake.reset()
    fake.quota = None
    fake.limit_rate("/v2/bot/message/multicast", 200)
"""


def start_fake_line() -> tuple[subprocess.Popen, str]:
    """The fake LINE API, enforcing LINE's multicast limit, in a child process; its URL."""
    child = subprocess.Popen(
        [sys.executable, "-c", FAKE_LINE], cwd=ROOT, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    return child, child.stdout.readline().strip()


def counts(child: subprocess.Popen) -> tuple[int, int, int, int]:
    """(multicast calls, recipients, distinct recipients, 429s for the limit) since the last ask."""
    child.stdin.write("count\n")
    child.stdin.flush()
    return tuple(int(n) for n in child.stdout.readline().split())


def workers(n: int, env: dict, redis) -> list[subprocess.Popen]:
    """`n` RQ workers, started and waited for (imports and the tagger load before the clock starts)."""
    from rq import Worker

    started = [
        subprocess.Popen(
            [sys.executable, "worker.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(n)
    ]
    deadline = time.monotonic() + 120
    while Worker.count(connection=redis) < n and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # the workers' first look at the queue and their clocks' first tick
    return started


def stop(running: list[subprocess.Popen]) -> None:
    """Stop the workers (killed if they do not stop within 10 s)."""
    for worker in running:
        worker.terminate()
    for worker in running:
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def cpu_seconds(pids: list[int]) -> float:
    """CPU the processes used so far (Linux /proc; 0 elsewhere, or for one that ended)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return total


def processes(running: list[subprocess.Popen], database: str) -> dict[str, list[int]]:
    """The workers' processes (each worker and the job runner it forked), and PostgreSQL's backends
    serving `database`."""
    found: dict[str, list[int]] = {"workers": [], "postgres": []}
    for worker in running:
        found["workers"].append(worker.pid)
        try:
            found["workers"] += [
                int(p) for p in Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
            ]
        except OSError:
            pass
    for process in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else ():
        try:
            if process.name.isdigit() and f" {database} ".encode() in (process / "cmdline").read_bytes():
                found["postgres"].append(int(process.name))
        except OSError:
            continue
    return found


def timed_fanout(rt, district_id: int, admin_id: int, running: list[subprocess.Popen]) -> tuple[float, dict]:
    """Seconds from enqueueing the fan-out job to the circular marked sent, and the CPU seconds
    the workers and PostgreSQL spent meanwhile."""
    from bot.queue import Job
    from db.models import Circular
    from db.session import Session

    circular_id = send(district_id, admin_id)
    database = rt.engine.url.database or ""
    watched = processes(running, database)
    before = {name: cpu_seconds(pids) for name, pids in watched.items()}
    started = time.perf_counter()
    rt.jobs.enqueue(Job.SEND_CIRCULAR, circular_id)
    while True:
        with Session() as session:
            if session.get(Circular, circular_id).status == "sent":
                seconds = time.perf_counter() - started
                break
        if time.perf_counter() - started > 300:
            raise RuntimeError("the fan-out did not finish within 300 s")
        time.sleep(0.02)
    watched["postgres"] = sorted(set(watched["postgres"]) | set(processes([], database)["postgres"]))
    return seconds, {name: cpu_seconds(pids) - before.get(name, 0.0) for name, pids in watched.items()}


def analyze(engine) -> None:
    """Statistics of the rows just added, as autovacuum keeps them in a running database. Without
    them the planner finds each 8 batches of followers by sorting all 100,000 (planning all 200
    batches in one lane took 9.1 s instead of 5.2 s, one run after the other at load 11), and the
    run that comes first (1 worker) would pay that while the second, once autovacuum has been by,
    would not."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")


def main() -> None:
    from bot import wiring
    from bot.config import Config
    from db.session import make_engine, upgrade

    followers = int(sys.argv[1]) if len(sys.argv) > 1 else FOLLOWERS
    print(f"machine: {machine()}")
    database_url = postgres_url("fanout")
    if database_url is None:
        sys.exit("the fan-out bench needs PostgreSQL (127.0.0.1:5432 or BENCH_DATABASE_URL)")
    child, line_url = start_fake_line()
    try:
        upgrade(make_engine(database_url))
        with redis_server() as redis_url:
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "LINE_CHANNEL_ACCESS_TOKEN": "bench",
                "LINE_API_HOST": line_url,
                "LINE_API_DATA_HOST": line_url + "/data",
                "PYTHONPATH": str(ROOT),
            }
            config = Config.from_env(env)
            rt = wiring.start(config)
            place = populate(followers)
            analyze(rt.engine)
            print(f"{followers:,} followers, fake LINE API allowing 200 multicasts a second")
            results = {}
            for n in (1, 2):
                running = workers(n, env, rt.jobs.redis)
                try:
                    results[n] = (*timed_fanout(rt, *place, running), counts(child))
                finally:
                    stop(running)
            report(results, followers)
    finally:
        child.terminate()
        drop_postgres("fanout")


def report(results: dict, followers: int) -> None:
    """One line per worker count; the ratio against one worker; CPU a recipient."""
    base = results[1][0]
    for n, (seconds, cpu, (calls, people, distinct, limited)) in results.items():
        print(
            f"{n} worker(s): {seconds:6.2f} s wall (x{seconds / base:.2f} of 1 worker), "
            f"{followers / seconds:8.0f} recipients/s, {calls} multicast calls, "
            f"{limited} refused for the rate limit, {people - distinct} doubled, "
            f"{followers - distinct} skipped; CPU a recipient: workers {cpu['workers'] / followers * 1e6:.1f} us, "
            f"PostgreSQL {cpu['postgres'] / followers * 1e6:.1f} us"
        )


if __name__ == "__main__":
    main()
