"""Worker CPU per event: bench.city's residents replayed through `process_event` in this process.

bench.city measures the whole system at once on a shared machine, where absolute times say little.
This replays the same conversations (bench.residents: each resident's own request, their district,
the time if not said, the address, the landmark, お願いする, and the first offers, run right after
it as in the worker) one event at a time, in one process set up as a worker is (the job code and the tagger preloaded,
PostgreSQL, a Redis of its own for the jobs it enqueues, the fake LINE API in a thread), and prints
the CPU time of the thread running the jobs, and the SQL statements it sent, per event and step:
what the machine pays a worker for each message. The residents take turns, as in a burst.
Run: .venv/bin/python -m bench.replay [RESIDENTS] [--profile] (default 200; --profile: cProfile by
CPU time, its 40 costliest functions by cumulative time, the whole profile in PROFILE; the figures
then include its overhead).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from collections import deque

from bench.city import SECRET, populate, signed
from bench.common import drop_postgres, machine, postgres_url
from bench.residents import confirmed, next_move, simulated, text_event, walk_buttons
from bench.webhook import redis_server

RESIDENTS = 200
PROFILE = "/tmp/kyojo-bench-replay.prof"
STEPS = ("request", "district", "when", "address", "landmark", "confirm", "is request", "kind")


class Replay:
    """The worker's set-up in this process, and what each event cost it."""

    def __init__(self, database_url: str, redis_url: str, fake) -> None:
        from sqlalchemy import event

        import worker
        from bot import wiring
        from bot.config import Config

        self.fake = fake
        config = Config(
            database_url=database_url,
            redis_url=redis_url,
            jobs_mode="rq",
            production=True,
            line_channel_secret=SECRET,
            line_channel_access_token="bench",
            secret_key="bench",
            line_api_host=fake.url,
            line_api_data_host=fake.data_url,
        )
        self.started = wiring.start(config)
        worker.preload(self.started.engine)
        self.cpu: dict[str, list[float]] = {step: [] for step in STEPS}
        self.statements: dict[str, int] = dict.fromkeys(STEPS, 0)
        self.counted = 0
        self.tokens: dict[str, str] = {}  # reply token -> user
        self.profiler = None
        event.listen(self.started.engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.counted += 1

    def store(self, user: str, event: dict) -> int:
        """Store the event as the webhook does; its id."""
        from bot import inbound
        from db.session import Session

        if event["type"] == "message":
            event["message"]["id"] = uuid.uuid4().hex[:16]
        body, signature, token = signed(user, event)
        self.tokens[token] = user
        events = self.started.channels["line"].parse_webhook(body, signature)
        with Session.begin() as session:
            return inbound.store(session, "line", events, self.started.clock.now())[0]

    def run(self, user: str, step: str, event: dict) -> list:
        """Run the event's job, measured; the messages LINE accepted for the user."""
        from bot.jobs import process_event
        from bot.nlp.classify import analyse

        event_id, seen = self.store(user, event), len(self.fake.requests)
        # Residents share a few answers (a landmark), so the process's cache of whole-message
        # analyses (kept for a turn that reads its text again) would answer them without reading:
        # people in a real stream each write their own.
        analyse.cache_clear()
        if self.profiler is not None:
            self.profiler.enable()
        before, self.counted = time.thread_time(), 0
        process_event(event_id)
        self.cpu[step].append((time.thread_time() - before) * 1000)
        if self.profiler is not None:
            self.profiler.disable()
        self.statements[step] += self.counted
        return [
            message
            for request in self.fake.requests[seen:]
            if request.accepted and request.json and self._to(request.json) == user
            for message in request.json.get("messages", [])
        ]

    def _to(self, body: dict) -> str | None:
        return self.tokens.get(body.get("replyToken", ""), body.get("to"))

    def residents(self, count: int) -> int:
        """Every resident's conversation, in turns; how many were confirmed."""
        people = {person.user_id: person for person in simulated(count)}
        for person in people.values():
            self.fake.profiles[person.user_id] = {"displayName": person.user_id[-6:], "language": person.language}
        turns = deque((p.user_id, "request", text_event(p.request)) for p in people.values())
        done = 0
        while turns:
            user, step, event = turns.popleft()
            messages = self.run(user, step, event)
            done += confirmed(messages)
            move = next_move(people[user], messages)
            if move is not None:
                turns.append((user, *move))
        return done


def report(replay: Replay, residents: int, confirmed: int, wall: float) -> None:
    cpu, statements, fake = replay.cpu, replay.statements, replay.fake
    every = [ms for step in STEPS for ms in cpu[step]]
    offers = sum(
        data.startswith("offer.accept:") for r in fake.delivered() for _label, data in walk_buttons(r.json["messages"])
    )
    print(f"machine: {machine()}")
    print(
        f"{residents} residents, {len(every)} events in {wall:.1f} s: {confirmed} confirmed, {offers} offer cards, "
        f"{len(fake.delivered('/message/reply'))} replies, {len(fake.delivered('/message/push'))} pushes"
    )
    print("CPU of the job's thread per event, ms (median / mean / p95), and SQL statements per event:")
    for step in STEPS:
        values = sorted(cpu[step])
        if values:
            print(
                f"  {step:<9} {len(values):5}  {statistics.median(values):7.2f} / {statistics.mean(values):7.2f}"
                f" / {values[int(0.95 * (len(values) - 1))]:7.2f}   {statements[step] / len(values):5.1f} statements"
            )
    print(
        f"  all       {len(every):5}  {statistics.median(every):7.2f} / {statistics.mean(every):7.2f}"
        f"             {sum(statements.values()) / max(1, len(every)):5.1f} statements"
    )
    print(f"  per resident: {sum(every) / max(1, residents):.1f} ms of CPU; load {os.getloadavg()[0]:.1f}")


def main() -> None:
    from tests import line_spec
    from tests.line_fake import FakeLineApi

    from db.session import make_engine, upgrade

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    residents = int(args[0]) if args else RESIDENTS
    database_url = postgres_url("replay")
    if database_url is None:
        sys.exit("the replay bench needs PostgreSQL (127.0.0.1:5432 or BENCH_DATABASE_URL)")
    line_spec.problems = lambda schema, body: []  # the spec check is the fake's cost, not the worker's
    fake = FakeLineApi()
    fake.quota = None
    try:
        upgrade(make_engine(database_url))
        populate(database_url)
        with redis_server() as redis_url:
            replay = Replay(database_url, redis_url, fake)
            if "--profile" in sys.argv:
                import cProfile

                replay.profiler = cProfile.Profile(time.thread_time)
            wall = time.monotonic()
            confirmed = replay.residents(residents)
            wall = time.monotonic() - wall
    finally:
        fake.close()
        drop_postgres("replay")
    report(replay, residents, confirmed, wall)
    if replay.profiler is not None:
        import pstats

        replay.profiler.dump_stats(PROFILE)
        pstats.Stats(replay.profiler).sort_stats("cumulative").print_stats(40)
        print(f"(the whole profile: {PROFILE})")


if __name__ == "__main__":
    main()
