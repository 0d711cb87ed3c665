"""City-scale load: residents asking for help at once, through the webhook, with 2 and 4 RQ workers.

Everything is real except LINE: the Procfile's web command (gunicorn), PostgreSQL, a Redis of the
bench's own, `python worker.py` processes, and the fake LINE API (tests/line_fake.py) in this
process. Each simulated resident (bench.residents) writes a request of their own at a time spread
over the window: one of the kinds of help, with a time or without, in Japanese mostly and in English,
Chinese, Korean or Vietnamese for some, from one of six districts; then answers the bot as a person
would, as soon as its answer arrives: their district, the time if it was not said, the address, the
landmark, then presses お願いする. No two write the same text. Helpers only receive offers.

Measured per worker count (every figure absolute; the goal is p95 < 1 s with 2 workers):
- message to first offer: from the press of お願いする to LINE receiving the first offer card;
- message to answer: from each message to the bot's answer to it;
- the share of answers sent with the reply token (not pushed), jobs lost (events never handled),
  messages doubled (a resident confirmed twice, or two requests from one press);
- the resident set size of every process before and after.
The run is bounded: residents still waiting after the window plus GRACE are counted as unanswered.
Run: .venv/bin/python -m bench.city [RESIDENTS [WINDOW_SECONDS [WORKER_COUNTS]]], e.g. `300 18 2`
(the same arrival rate as the full run, 2 workers only) while trying a change.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import drop_postgres, machine, postgres_url
from bench.fanout import stop
from bench.residents import DISTRICTS, Resident, confirmed, next_move, simulated, texts_of, walk_buttons
from bench.webhook import free_port, redis_server, wait_for, web_command

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-city-secret"
RESIDENTS = 1_000
WINDOW = 60.0  # seconds over which the residents start writing
GRACE = 120.0  # seconds after the window before the rest count as unanswered
HELPERS = 300  # spread over the districts, each with a few kinds of help


def rss_mib(pid: int) -> float:
    """Resident set size of a process, MiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def family(pid: int) -> list[int]:
    """A process and its children (gunicorn's workers, the worker's job runner), by pid."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        kids = [int(p) for p in children.read_text().split()]
    except OSError:
        kids = []
    return [pid, *(k for kid in kids for k in family(kid))]


def memory(processes: dict[str, subprocess.Popen]) -> dict[str, float]:
    """RSS of every process of each named server, MiB."""
    return {f"{name} pid {pid}": rss_mib(pid) for name, child in processes.items() for pid in family(child.pid)}


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes have used so far (0 for one that is gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving one database (their command line names it)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and f" {database} ".encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


class CpuMeter:
    """CPU used by each part of the system while the residents write: the web, the workers, the
    PostgreSQL backends of the bench's database, Redis and this process (residents and fake LINE).
    Sampled every half second, so that a process that ends (a PostgreSQL backend) still counts
    what it used until its last sample."""

    def __init__(self, parts: dict[str, subprocess.Popen | int], database: str) -> None:
        self.parts, self.database = parts, database
        self.start: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _pids(self) -> dict[int, str]:
        named = {}
        for name, part in self.parts.items():
            for pid in [part] if isinstance(part, int) else family(part.pid):  # a pid alone: not its children
                named[pid] = name
        for pid in postgres_backends(self.database):
            named[pid] = "postgres"
        return named

    def _sample(self) -> None:
        while self.running:
            for pid, name in self._pids().items():
                used = cpu_seconds([pid])
                if pid not in self.last and pid not in self.start:
                    self.start[pid] = used if name != "postgres" else 0.0
                self.last[pid] = (name, used)
            time.sleep(0.5)

    def __enter__(self) -> CpuMeter:
        for pid in self._pids():
            self.start[pid] = cpu_seconds([pid])
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.running = False
        self.thread.join()

    def used(self) -> dict[str, float]:
        """CPU seconds by part."""
        by_part: dict[str, float] = {}
        for pid, (name, used) in self.last.items():
            by_part[name] = by_part.get(name, 0.0) + used - self.start.get(pid, 0.0)
        return by_part


def jobs_left(redis) -> int:
    """Jobs queued or running (the scheduled ones, an offer's timeout, are not waited for)."""
    from rq.registry import StartedJobRegistry

    from bot.queue import QUEUE_NAME

    return redis.llen(f"rq:queue:{QUEUE_NAME}") + StartedJobRegistry(QUEUE_NAME, connection=redis).count


def job_times(redis) -> dict[str, tuple[int, list[float], list[float]]]:
    """Jobs that finished, by function: (how many, ms each waited in the queue, ms each ran)."""
    from rq.job import Job as RqJob
    from rq.registry import FinishedJobRegistry

    from bot.queue import QUEUE_NAME

    ids = FinishedJobRegistry(QUEUE_NAME, connection=redis).get_job_ids()
    found: dict[str, tuple[int, list[float], list[float]]] = {}
    for job in RqJob.fetch_many(ids, connection=redis):
        if job is None or not (job.enqueued_at and job.started_at and job.ended_at):
            continue
        name = job.func_name.rpartition(".")[2]
        count, waited, ran = found.get(name, (0, [], []))
        waited.append((job.started_at - job.enqueued_at).total_seconds() * 1000)
        ran.append((job.ended_at - job.started_at).total_seconds() * 1000)
        found[name] = (count + 1, waited, ran)
    return found


def signed(user: str, event: dict) -> tuple[bytes, str, str]:
    """A signed webhook body carrying one event from `user`: (body, signature, reply token)."""
    token = uuid.uuid4().hex
    event.update(
        {
            "mode": "active",
            "timestamp": int(time.time() * 1000),
            "webhookEventId": str(uuid.uuid4()),
            "deliveryContext": {"isRedelivery": False},
            "source": {"type": "user", "userId": user},
            "replyToken": token,
        }
    )
    body = json.dumps({"destination": "Ucity", "events": [event]}, ensure_ascii=False).encode()
    return body, base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode(), token


class Town:
    """The simulated residents (bench.residents) and what LINE saw of them."""

    def __init__(self, port: int, people: list[Resident]) -> None:
        self.port, self.count = port, len(people)
        self.people = people
        self.by_user = {person.user_id: person for person in people}
        self.users = [person.user_id for person in people]
        self.tokens: dict[str, tuple[str, float]] = {}  # reply token -> (user, when the message went)
        self.inbox: queue.Queue = queue.Queue()
        self.pressed: dict[str, float] = {}  # user -> when お願いする was pressed
        self.confirmed: dict[str, int] = {}
        self.answer_ms: list[float] = []
        self.by_reply = self.by_push = 0
        self.webhook_statuses: dict[int, int] = {}
        self.offers: dict[int, float] = {}  # offer id -> when LINE got the card
        self.sending = ThreadPoolExecutor(16)
        self.lock = threading.Lock()
        self.last: dict[str, float] = {}  # user -> when their last message went
        self.heard: dict[str, str] = {}  # user -> the last answer they read

    # -- what LINE receives -----------------------------------------------------------
    def seen(self, path: str, body: dict | None, at: float) -> None:
        """Called by the fake LINE API for every message call it accepted."""
        if not body or not ("/message/reply" in path or "/message/push" in path):
            return
        if "/reply" in path:
            user, _ = self.tokens.get(body.get("replyToken"), (None, 0.0))
        else:
            user = body.get("to")
        messages = body.get("messages") or []
        if user is None or not user.startswith("Ucity"):
            for _label, data in walk_buttons(messages):
                if data.startswith("offer.accept:"):
                    with self.lock:
                        self.offers.setdefault(int(data.split(":")[1]), at)
            return
        with self.lock:
            if "/reply" in path:
                self.by_reply += 1
            else:
                self.by_push += 1
            if user in self.last:
                self.answer_ms.append((at - self.last.pop(user)) * 1000)
        self.inbox.put((user, messages))

    # -- what residents write -----------------------------------------------------------
    def post(self, user: str, event: dict) -> None:
        body, signature, token = signed(user, event)
        now = time.monotonic()
        with self.lock:
            self.tokens[token] = (user, now)
            self.last[user] = now
        self.sending.submit(self._send, body, signature)

    def _send(self, body: bytes, signature: str) -> None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            connection.request(
                "POST", "/callback", body, {"Content-Type": "application/json", "X-Line-Signature": signature}
            )
            status = connection.getresponse().status
            connection.close()
        except OSError:
            status = 0
        with self.lock:
            self.webhook_statuses[status] = self.webhook_statuses.get(status, 0) + 1

    def say(self, user: str, event: dict) -> None:
        if event["type"] == "message":
            event["message"].update({"id": uuid.uuid4().hex[:16], "quoteToken": uuid.uuid4().hex})
        self.post(user, event)

    def answer(self, user: str, messages: list) -> None:
        """What a resident does on reading the bot: the next answer, or nothing."""
        self.heard[user] = texts_of(messages)
        if confirmed(messages):
            self.confirmed[user] = self.confirmed.get(user, 0) + 1
            return
        move = next_move(self.by_user[user], messages)
        if move is None:
            return
        if move[0] == "confirm":
            self.pressed.setdefault(user, time.monotonic())
        self.say(user, move[1])

    def run(self, window: float, grace: float, settled=lambda: True) -> float:
        """Start every resident within `window`, answer the bot until all are confirmed and
        `settled()` says no job is left to run (the offers of the last requests), or the time is
        up; the seconds it took."""
        started = time.monotonic()
        gap = window / max(1, self.count)
        pending = list(self.users)
        while time.monotonic() - started < window + grace:
            while pending and time.monotonic() - started >= gap * (self.count - len(pending)):
                person = self.by_user[pending.pop(0)]
                self.say(person.user_id, {"type": "message", "message": {"type": "text", "text": person.request}})
            try:
                user, messages = self.inbox.get(timeout=0.01)
                self.answer(user, messages)
            except queue.Empty:
                if not pending and len(self.confirmed) >= self.count and settled():
                    break
        return time.monotonic() - started


def start_line(town_ref: list):
    """The fake LINE API in this process, telling the town what it accepted."""
    from tests import line_spec
    from tests.line_fake import FakeLineApi

    line_spec.problems = lambda schema, body: []  # the spec check would be the bottleneck here
    fake = FakeLineApi()
    fake.quota = None
    handle = fake.handle

    def seeing(request):
        answer = handle(request)
        if request.accepted and town_ref:
            town_ref[0].seen(request.path, request.json, time.monotonic())
        return answer

    fake.handle = seeing
    return fake


def populate(database_url: str) -> None:
    """The districts, their helpers (three kinds of help each, every kind in every district) and
    no residents: each resident's first message makes them, as with LINE's lost follow event."""
    from sqlalchemy import insert

    from bot.kinds import KEYS
    from db import matching_index
    from db.models import District, HelperProfile, Resident, helper_districts
    from db.session import make_engine

    engine = make_engine(database_url)
    with engine.begin() as db:
        districts = list(
            db.scalars(
                insert(District).returning(District.id, sort_by_parameter_order=True), [{"name": n} for n in DISTRICTS]
            )
        )
        home = [districts[n % len(districts)] for n in range(HELPERS)]
        helpers = list(
            db.scalars(
                insert(Resident).returning(Resident.id, sort_by_parameter_order=True),
                [
                    {
                        "platform": "line",
                        "platform_user_id": f"Uhelper{n:026x}",
                        "display_name": f"helper{n}",
                        "district_id": home[n],
                    }
                    for n in range(HELPERS)
                ],
            )
        )
        skills = [[KEYS[(n // len(districts) + k) % len(KEYS)] for k in range(3)] for n in range(HELPERS)]
        profiles = list(
            db.scalars(
                insert(HelperProfile).returning(HelperProfile.id, sort_by_parameter_order=True),
                [
                    {"resident_id": r, "skills": skills[n], "availability": [], "approved": True}
                    for n, r in enumerate(helpers)
                ],
            )
        )
        db.execute(insert(helper_districts), [{"helper_id": p, "district_id": home[n]} for n, p in enumerate(profiles)])
        matching_index.rebuild(db)
    engine.dispose()


def outcome(database_url: str, town: Town) -> dict:
    """Offers per request and lost or doubled work, from the database."""
    from sqlalchemy import func, select

    from db.models import HelpRequest, InboundEvent, Offer, Resident
    from db.session import make_engine

    engine = make_engine(database_url)
    with engine.connect() as db:
        unhandled = db.scalar(select(func.count()).select_from(InboundEvent).where(InboundEvent.status == "received"))
        events = db.scalar(select(func.count()).select_from(InboundEvent))
        per_resident = dict(
            db.execute(
                select(Resident.platform_user_id, func.count(HelpRequest.id))
                .join(HelpRequest, HelpRequest.resident_id == Resident.id)
                .group_by(Resident.platform_user_id)
            ).all()
        )
        offers = db.execute(
            select(Offer.id, Resident.platform_user_id)
            .join(HelpRequest, HelpRequest.id == Offer.request_id)
            .join(Resident, Resident.id == HelpRequest.resident_id)
        ).all()
    engine.dispose()
    first: dict[str, float] = {}
    for offer_id, user in offers:
        if offer_id in town.offers:
            first[user] = min(first.get(user, float("inf")), town.offers[offer_id])
    to_offer = [(first[u] - town.pressed[u]) * 1000 for u in first if u in town.pressed]
    doubled = sum(n - 1 for n in per_resident.values() if n > 1) + sum(n - 1 for n in town.confirmed.values() if n > 1)
    return {
        "events": events,
        "unhandled": unhandled,
        "doubled": doubled,
        "to_offer": to_offer,
        "requests": len(per_resident),
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def one_run(workers: int, residents: int, window: float, database_url: str, fake, town_ref) -> None:
    from bench.fanout import workers as start_workers

    with redis_server() as redis_url:
        from redis import Redis

        env = {
            **os.environ,
            "KYOJO_ENV": "production",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "LINE_CHANNEL_SECRET": SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": "bench",
            "SECRET_KEY": "bench",
            "PUBLIC_URL": "http://127.0.0.1",
            "LINE_API_HOST": fake.url,
            "LINE_API_DATA_HOST": fake.data_url,
            "PYTHONPATH": str(ROOT),
        }
        port = free_port()
        web = subprocess.Popen(
            web_command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        running = start_workers(workers, env, Redis.from_url(redis_url))
        try:
            wait_for(port)
            processes = {"web": web, **{f"worker {n + 1}": w for n, w in enumerate(running)}}
            before = memory(processes)
            town = Town(port, simulated(residents))
            for person in town.people:  # the language each writes in is their LINE's
                fake.profiles[person.user_id] = {"displayName": person.user_id[-6:], "language": person.language}
            town_ref[:] = [town]
            redis_pid = int(Redis.from_url(redis_url).info("server")["process_id"])
            parts = {**processes, "redis": redis_pid, "bench (residents, fake LINE)": os.getpid()}
            with CpuMeter(parts, database_url.rsplit("/", 1)[1]) as meter:
                watching = Redis.from_url(redis_url)
                seconds = town.run(window, GRACE, lambda: jobs_left(watching) == 0)
                time.sleep(1)
            after = memory(processes)
            jobs = job_times(Redis.from_url(redis_url))
            queued = Redis.from_url(redis_url).llen("rq:queue:kyojo") + len(running)  # + at most one running each
        finally:
            town_ref[:] = []
            stop(running)
            web.terminate()
            web.wait(timeout=30)
    result = outcome(database_url, town)
    answers = town.by_reply + town.by_push
    print(
        f"\n{workers} RQ workers, {residents} residents starting within {window:.0f} s "
        f"(all done or stopped after {seconds:.0f} s):"
    )
    print(
        f"  message to first offer: p50 {percentile(result['to_offer'], 0.5):7.0f} ms, "
        f"p95 {percentile(result['to_offer'], 0.95):7.0f} ms "
        f"({len(result['to_offer'])} of {residents} residents got an offer)"
    )
    print(
        f"  message to answer     : p50 {percentile(town.answer_ms, 0.5):7.0f} ms, "
        f"p95 {percentile(town.answer_ms, 0.95):7.0f} ms ({len(town.answer_ms)} answers)"
    )
    share = 100 * town.by_reply / answers if answers else float("nan")
    print(f"  answers by reply token: {share:.1f}% ({town.by_reply} replied, {town.by_push} pushed)")
    print(f"  webhook statuses      : {dict(sorted(town.webhook_statuses.items()))}")
    lost = max(0, result["unhandled"] - queued)
    print(
        f"  events stored {result['events']}, not handled when stopped {result['unhandled']} "
        f"(jobs still queued or running {queued}: lost {lost}), doubled {result['doubled']}, "
        f"requests {result['requests']}, residents confirmed {len(town.confirmed)}"
    )
    for user in [u for u in town.users if u not in town.confirmed][:3]:
        last = town.heard.get(user, "(nothing)").replace("\n", " / ")
        print(f"  not confirmed: resident {town.users.index(user) + 1}, who last read {last[:160]!r}")
    print("  memory (RSS MiB, before -> after):")
    for name in sorted(set(before) | set(after)):
        print(f"    {name:<22} {before.get(name, 0):7.1f} -> {after.get(name, 0):7.1f}")
    if result["to_offer"]:
        print(f"  mean message to first offer {statistics.mean(result['to_offer']):.0f} ms")
    print("  jobs finished (ms waiting in the queue and running, p50 / p95):")
    for name, (count, waited, ran) in sorted(jobs.items(), key=lambda item: -item[1][0]):
        print(
            f"    {name:<16} {count:5}  wait {percentile(waited, 0.5):7.0f} / {percentile(waited, 0.95):7.0f}"
            f"  run {percentile(ran, 0.5):6.1f} / {percentile(ran, 0.95):6.1f}  total run {sum(ran) / 1000:6.1f} s"
        )
    used = meter.used()
    load = os.getloadavg()[0]
    handled = max(1, result["events"] - result["unhandled"])
    print(
        f"  CPU seconds while the residents wrote ({seconds:.0f} s; machine load {load:.1f} at the end),"
        f" and ms a message handled ({handled}):"
    )
    for name in sorted(used, key=lambda n: -used[n]):
        print(f"    {name:<30} {used[name]:7.1f}  {1000 * used[name] / handled:6.1f} ms")
    workers_used = sum(cpu for name, cpu in used.items() if name.startswith("worker"))
    print(f"    {'workers together':<30} {workers_used:7.1f}  {1000 * workers_used / handled:6.1f} ms")


def main() -> None:
    from db.session import make_engine, upgrade

    residents = int(sys.argv[1]) if len(sys.argv) > 1 else RESIDENTS
    window = float(sys.argv[2]) if len(sys.argv) > 2 else WINDOW
    counts = [int(n) for n in sys.argv[3].split(",")] if len(sys.argv) > 3 else [2, 4]
    print(f"machine: {machine()}")
    fake, town_ref = None, []
    try:
        fake = start_line(town_ref)
        for workers in counts:
            database_url = postgres_url("city")
            if database_url is None:
                sys.exit("the city bench needs PostgreSQL (127.0.0.1:5432 or BENCH_DATABASE_URL)")
            upgrade(make_engine(database_url))
            populate(database_url)
            one_run(workers, residents, window, database_url, fake, town_ref)
            fake.reset()
            fake.quota = None
    finally:
        if fake is not None:
            fake.close()
        drop_postgres("city")


if __name__ == "__main__":
    main()
