"""Webhook bench: the Procfile's web command against a bare endpoint under the same gunicorn.

Both are driven with the same bounded load of new signed LINE events (16 connections, loopback);
they take turns, three runs each, and the median run of each counts. Kyojo's runs use PostgreSQL
and a Redis of the bench's own, and afterwards every event answered 200 must be in the database
and in a job of the RQ queue (no worker runs, so the queue keeps them). What a request cost is shown
too: on a machine shared with other work it moves much less than req/s. The CPU of the gunicorn
workers, of PostgreSQL and Redis and of the load generator (all on the same cores: when they are
busy, req/s follow the CPU in all), the workers' wake-ups, and how many events a group held.
Run: .venv/bin/python -m bench.webhook [REQUESTS]
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from bench.common import drop_postgres, machine, postgres_url
from bench.load import drive, median_outcome, request_bytes

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-channel-secret"
CONNECTIONS = 16
REQUESTS = 2_000  # per run
RUNS = 3
MAX_SECONDS = 20.0  # per run, whatever the count
BARE_APP = "'bench.bare_webhook:create_app()'"
# The web command before this bench's changes (sync workers): measured too, against its own bare twin.
BEFORE = "web: gunicorn --workers 2 --bind 0.0.0.0:$PORT 'app:create_app()'"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, seconds: float = 30.0) -> None:
    """Until something accepts connections on the port."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def web_command(port: int, app: str | None = None, line: str | None = None) -> list[str]:
    """The Procfile's web command (or another gunicorn line) on a loopback port, optionally
    for another app."""
    line = line or next(row for row in (ROOT / "Procfile").read_text().splitlines() if row.startswith("web:"))
    command = line.split(":", 1)[1].strip().replace("$PORT", str(port)).replace("0.0.0.0", "127.0.0.1")
    if app:
        command = command.rsplit(" ", 1)[0] + " " + app
    words = shlex.split(command)
    return [str(Path(sys.executable).parent / words[0]), *words[1:]]


@contextmanager
def process(command: list[str], env: dict, port: int):
    """A server process for the duration of the block."""
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port)
        yield child
    finally:
        child.terminate()
        child.wait(timeout=30)


def event_body(n: int) -> bytes:
    """A LINE webhook body with one new text message event."""
    user = f"U{n % 5000:032x}"
    event = {
        "type": "message",
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "webhookEventId": str(uuid.uuid4()),
        "deliveryContext": {"isRedelivery": False},
        "source": {"type": "user", "userId": user},
        "replyToken": uuid.uuid4().hex,
        "message": {
            "type": "text",
            "id": str(10**15 + n),
            "quoteToken": uuid.uuid4().hex,
            "text": "明日の朝ゴミ出しをお願いできますか",
        },
    }
    return json.dumps({"destination": "Ubench", "events": [event]}, ensure_ascii=False).encode()


def payloads(port: int, count: int, start: int) -> list[bytes]:
    """`count` signed requests of new events."""
    out = []
    for n in range(start, start + count):
        body = event_body(n)
        signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
        out.append(request_bytes(port, "/callback", body, {"X-Line-Signature": signature}))
    return out


def environment(database_url: str, redis_url: str) -> dict:
    """What the web processes read (production settings; LINE itself is never called)."""
    return {
        **os.environ,
        "KYOJO_ENV": "production",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": "bench",
        "SECRET_KEY": "bench",
        "PUBLIC_URL": "http://127.0.0.1",
        "LINE_API_HOST": "http://127.0.0.1:9",
        "LINE_API_DATA_HOST": "http://127.0.0.1:9",
        "PYTHONPATH": str(ROOT),
    }


@contextmanager
def redis_server():
    """A redis-server of the bench's own on a free port; its URL."""
    port, folder = free_port(), tempfile.mkdtemp(prefix="kyojo-bench-redis-")
    child = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", folder, "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        child.terminate()
        child.wait(timeout=10)


def stored_and_queued(database_url: str, redis_url: str) -> tuple[int, int]:
    """Events in the database, and events that the jobs waiting in the RQ queue are to handle."""
    from redis import Redis
    from sqlalchemy import func, select

    from db.models import InboundEvent
    from db.session import make_engine

    engine = make_engine(database_url)
    with engine.connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(InboundEvent))
    engine.dispose()
    return stored, queued_events(Redis.from_url(redis_url))


def queued_events(redis) -> int:
    """How many events the jobs in the RQ queue are to handle (a webhook group's job handles several)."""
    from rq import Queue

    from bot.queue import QUEUE_NAME, Job

    handles = {Job.PROCESS_EVENT.value: lambda args: 1, Job.PROCESS_EVENTS.value: lambda args: len(args[0])}
    return sum(handles[job.func_name](job.args) for job in Queue(QUEUE_NAME, connection=redis).get_jobs())


def _cpu(pid: int | str) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def usage(master: int, redis_pid: int | None = None, database: str | None = None) -> dict[str, float]:
    """What the work cost so far (Linux /proc; zeros elsewhere): CPU seconds of the gunicorn workers
    under `master`, their threads' voluntary context switches (each a sleep and a wake-up, which
    cost this shared VM 40-200 us of CPU), and the CPU of Redis and of the PostgreSQL processes
    serving `database` (and the WAL writer's, shared with any other database on the server)."""
    found = {"web": 0.0, "switches": 0.0, "postgres": 0.0, "redis": 0.0}
    try:
        for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split():
            found["web"] += _cpu(pid)
            for task in Path(f"/proc/{pid}/task").iterdir():
                status = (task / "status").read_text()
                found["switches"] += int(status.split("\nvoluntary_ctxt_switches:", 1)[1].split()[0])
        if redis_pid:
            found["redis"] = _cpu(redis_pid)
        for process in Path("/proc").iterdir() if database else ():
            if process.name.isdigit():
                command = (process / "cmdline").read_bytes()
                if command.startswith(b"postgres: ") and (
                    f" {database} ".encode() in command or b"walwriter" in command
                ):
                    found["postgres"] += _cpu(process.name)
    except (OSError, IndexError):
        pass  # not Linux, or a thread or backend ended while read
    return found


def compare(database_url: str, redis_url: str, count: int, line: str | None = None) -> dict:
    """Both servers under one gunicorn line, taking turns; the median run of each, what a request
    cost each (CPU of the web workers, PostgreSQL, Redis and this load generator; wake-ups), and
    Kyojo's bookkeeping."""
    from redis import Redis
    from rq import Queue

    from bot.queue import QUEUE_NAME

    env = environment(database_url, redis_url)
    before = stored_and_queued(database_url, redis_url)
    redis = Redis.from_url(redis_url)
    queue, redis_pid = Queue(QUEUE_NAME, connection=redis), redis.info("server")["process_id"]
    database = database_url.rsplit("/", 1)[1].split("?")[0]
    ports = {"kyojo": free_port(), "bare": free_port()}
    runs: dict[str, list] = {"kyojo": [], "bare": []}
    cost: dict[str, dict[str, float]] = {"kyojo": {}, "bare": {}}
    sent, jobs = 0, 0
    with (
        process(web_command(ports["kyojo"], line=line), env, ports["kyojo"]) as kyojo,
        process(web_command(ports["bare"], BARE_APP, line), env, ports["bare"]) as bare,
    ):
        masters = {"kyojo": kyojo.pid, "bare": bare.pid}
        for name in ("bare", "kyojo"):  # warm up: imports, connections, caches
            sent += 200
            warm_up = drive(ports[name], payloads(ports[name], 200, sent), CONNECTIONS, 60.0)
            runs[name].append(warm_up)
        for _ in range(RUNS):
            for name in ("bare", "kyojo"):
                sent += count
                bodies = payloads(ports[name], count, sent)
                started, generator, waiting = usage(masters[name], redis_pid, database), os.times(), queue.count
                runs[name].append(drive(ports[name], bodies, CONNECTIONS, MAX_SECONDS))
                ended, generated = usage(masters[name], redis_pid, database), os.times()
                for what in started:
                    cost[name][what] = cost[name].get(what, 0.0) + ended[what] - started[what]
                cost[name]["generator"] = cost[name].get("generator", 0.0) + sum(generated[:2]) - sum(generator[:2])
                jobs += queue.count - waiting if name == "kyojo" else 0
    answered = sum(o.statuses.get(200, 0) for o in runs["kyojo"])
    measured = {name: sum(o.sent for o in runs[name][1:]) for name in runs}
    return {
        "cost": {name: {what: spent / measured[name] for what, spent in cost[name].items()} for name in cost},
        "per_job": measured["kyojo"] / jobs if jobs else 0.0,
        "kyojo": median_outcome(runs["kyojo"][1:]),
        "bare": median_outcome(runs["bare"][1:]),
        "answered": answered,
        "stored_queued": [n - b for n, b in zip(stored_and_queued(database_url, redis_url), before)],
    }


def main() -> None:
    from db.session import make_engine, upgrade

    count = int(sys.argv[1]) if len(sys.argv) > 1 else REQUESTS
    print(f"machine: {machine()}")
    print(f"{CONNECTIONS} connections, {count} new events a run, {RUNS} runs each, median run shown")
    database_url = postgres_url("webhook")
    if database_url is None:
        sys.exit("the webhook bench needs PostgreSQL (127.0.0.1:5432 or BENCH_DATABASE_URL)")
    upgrade(make_engine(database_url))
    try:
        with redis_server() as redis_url:
            for label, line in (("Procfile", None), ("before: sync workers", BEFORE)):
                print(f"\n{label}: {' '.join(web_command(0, line=line)[1:])}")
                report(compare(database_url, redis_url, count, line))
    finally:
        drop_postgres("webhook")


def report(result: dict) -> None:
    """req/s, p50, p99, non-2xx of both, the ratio, what a request cost, and what Kyojo kept."""
    kyojo, bare = result["kyojo"], result["bare"]
    print(f"bare endpoint : {bare.line()}")
    print(f"kyojo webhook : {kyojo.line()}")
    print(f"ratio         : x{kyojo.per_second / bare.per_second:.2f} of the bare endpoint's req/s")
    ours, theirs = result["cost"]["kyojo"], result["cost"]["bare"]
    print(
        f"web CPU       : {ours['web'] * 1e6:.0f} us a request (bare endpoint {theirs['web'] * 1e6:.0f} us), "
        "gunicorn workers only"
    )
    whole = {
        name: sum(spent for what, spent in cost.items() if what != "switches") for name, cost in result["cost"].items()
    }
    print(
        f"CPU in all    : {whole['kyojo'] * 1e6:.0f} us a request (bare endpoint {whole['bare'] * 1e6:.0f} us): "
        f"PostgreSQL {ours['postgres'] * 1e6:.0f}, Redis {ours['redis'] * 1e6:.0f}, load generator "
        f"{ours['generator'] * 1e6:.0f} (bare {theirs['generator'] * 1e6:.0f}); x{whole['bare'] / whole['kyojo']:.2f}"
        if whole["kyojo"]
        else "CPU in all    : not measured (no /proc)"
    )
    print(
        f"wake-ups      : {ours['switches']:.1f} voluntary context switches a request in the workers "
        f"(bare endpoint {theirs['switches']:.1f}); {result['per_job']:.1f} events a group (one INSERT, one job)"
    )
    stored, queued = result["stored_queued"]
    print(f"kyojo answered 200 to {result['answered']} new events: {stored} stored, {queued} queued")


if __name__ == "__main__":
    main()
