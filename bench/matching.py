"""How long picking candidates takes with 1,000, 10,000 and 100,000 helpers over 100 districts.

Usage: .venv/bin/python -m bench.matching [URL_1000 URL_10000 URL_100000]
(default: a SQLite file in a temp folder, and a database of its own on the machine's PostgreSQL)
Prints milliseconds per request (median of several) and the ratio to the 1,000-helper case on
the same database in the same run.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from bench.common import drop_postgres, machine, postgres_url
from bot.matching import candidates
from bot.nlp import CATEGORIES, experience_terms
from db import matching_index
from db.models import (
    Base,
    District,
    HelperProfile,
    HelpRequest,
    Resident,
    district_neighbours,
    helper_districts,
    local_now,
)
from db.session import make_engine

DISTRICTS = 100
SIZES = (1_000, 10_000, 100_000)
REQUESTS = 15
ROUNDS = 5
EXPERIENCES = ("40年大工をしていました", "元看護師", "パソコン教室の講師", "庭師をしていました")


def fill(engine, helpers: int) -> None:
    """Districts in a ring (two neighbours each) and `helpers` helpers spread over them."""
    rng = random.Random(helpers)
    with engine.begin() as db:
        db.execute(insert(District), [{"id": d, "name": f"d{d}"} for d in range(1, DISTRICTS + 1)])
        db.execute(
            insert(district_neighbours),
            [
                {"district_id": d, "neighbour_id": n}
                for d in range(1, DISTRICTS + 1)
                for n in ((d % DISTRICTS) + 1, ((d - 2) % DISTRICTS) + 1)
            ],
        )
        db.execute(
            insert(Resident),
            [
                {"id": i, "platform": "line", "platform_user_id": f"U{i}", "district_id": i % DISTRICTS + 1}
                for i in range(1, helpers + REQUESTS + 1)
            ],
        )
        db.execute(insert(HelperProfile), [_profile(i, rng) for i in range(1, helpers + 1)])
        db.execute(
            insert(helper_districts),
            [{"helper_id": i, "district_id": i % DISTRICTS + 1} for i in range(1, helpers + 1)],
        )
        matching_index.rebuild(db)  # bulk inserts bypass the ORM hook that keeps it in step


def _profile(helper_id: int, rng: random.Random) -> dict:
    """One helper: two kinds, and for one in ten an experience text (read once, as on saving)."""
    experience = rng.choice(EXPERIENCES) if rng.random() < 0.1 else None
    return {
        "id": helper_id,
        "resident_id": helper_id,
        "skills": rng.sample(CATEGORIES, 2),
        "availability": [],
        "experience": experience,
        "experience_skills": [],
        "approved": True,
        "experience_terms": _terms(experience) if experience else None,
    }


@cache
def _terms(experience: str) -> dict:
    return experience_terms(experience)


def requests(session: Session, helpers: int) -> list[HelpRequest]:
    """A few open requests from residents who are not helpers, in different districts."""
    rows = []
    for n in range(REQUESTS):
        requester = helpers + n + 1
        rows.append(
            HelpRequest(
                resident_id=requester,
                created_by_id=requester,
                district_id=n * 7 % 100 + 1,
                category=CATEGORIES[n % len(CATEGORIES)],
                text="棚を直してほしい",
                summary="棚",
                status="open",
            )
        )
    session.add_all(rows)
    session.commit()
    return rows


def prepare(url: str, helpers: int):
    """A database with `helpers` helpers, analysed; (engine, its open requests)."""
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    fill(engine, helpers)
    _vacuum(engine)
    with Session(engine) as session:
        found = requests(session, helpers)
        ids = [r.id for r in found]
        session.commit()
    # Warm the NLP and the statement caches: psycopg prepares a statement at its fifth execution,
    # PostgreSQL plans its first five executions for their parameters before it keeps a generic plan.
    timed_finds(engine, ids * 2)
    return engine, ids


def _vacuum(engine) -> None:
    """Statistics for the planner, and on PostgreSQL the visibility map that lets an index-only
    scan skip the table: what autovacuum gives a table within a minute of a bulk load (and would
    give here in the middle of a run, changing the plans under it)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def timed_finds(engine, request_ids: list[int]) -> list[tuple[float, float, float]]:
    """(wall ms, this process's CPU ms, the database server's CPU ms) of candidates.find for each
    request; the server's is PostgreSQL's process for this connection when it runs on this machine
    (0 for SQLite, which runs in this process)."""
    timings = []
    with Session(engine) as session:
        server = _server_cpu(session)
        for request in [session.get(HelpRequest, i) for i in request_ids]:
            served = server()
            wall, cpu = time.perf_counter(), time.process_time()
            candidates.find(session, request, local_now(), 5)
            wall, cpu = (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
            timings.append((wall, cpu, (server() - served) / 1e6))
        # As a job ends: a rollback would make psycopg forget the statements it prepared on the
        # connection, and the next round would pay PostgreSQL's planning again (a job commits).
        session.commit()
    return timings


def _server_cpu(session: Session):
    """A reader of the CPU nanoseconds the connection's PostgreSQL process has run (its schedstat:
    time waiting for a core on a loaded machine is not in it); 0 for SQLite or a remote server."""
    if session.get_bind().dialect.name != "postgresql":
        return lambda: 0
    pid = session.scalar(text("SELECT pg_backend_pid()"))
    path = Path(f"/proc/{pid}/schedstat")
    if not path.exists():
        return lambda: 0
    return lambda: int(path.read_text().split()[0])


def run(url_for, label: str) -> dict[int, tuple[float, float, float]]:
    """Every size on one kind of database, the sizes taking turns in rounds (a busy spell on the
    machine hits them alike); print median ms per request and the ratio to 1,000: wall, this
    process's CPU, and this process's and the server's CPU together (what a loaded machine's
    waits for a core do not change)."""
    prepared = {size: prepare(url_for(size), size) for size in SIZES}
    timings: dict[int, list] = {size: [] for size in SIZES}
    for _ in range(ROUNDS):
        for size in SIZES:
            timings[size] += timed_finds(*prepared[size])
    results = {
        size: (
            statistics.median(w for w, _, _ in timings[size]),
            statistics.median(c for _, c, _ in timings[size]),
            statistics.median(c + s for _, c, s in timings[size]),
        )
        for size in SIZES
    }
    base_wall, base_cpu, base_both = results[SIZES[0]]
    for size, (wall, cpu, both) in results.items():
        print(
            f"{label:>10} {size:>7,} helpers: {wall:6.2f} ms per request (x{wall / base_wall:.2f} of 1,000), "
            f"CPU {cpu:6.2f} ms (x{cpu / base_cpu:.2f}), with the server's {both:6.2f} ms (x{both / base_both:.2f})",
            flush=True,
        )
    for engine, _ in prepared.values():
        engine.dispose()
    return results


def main() -> None:
    """SQLite and PostgreSQL (or the URLs given, one per size)."""
    print(f"machine: {machine()}")
    print(
        f"median of {ROUNDS} rounds x {REQUESTS} requests per size; "
        "CPU: this process's, then with the database server's"
    )
    if len(sys.argv) > 1:
        urls = dict(zip(SIZES, sys.argv[1:], strict=True))
        run(urls.__getitem__, urls[SIZES[0]].split(":", 1)[0])
        return
    with tempfile.TemporaryDirectory(prefix="kyojo-bench-") as folder:  # 50 MB of SQLite files
        run(lambda size: f"sqlite:///{Path(folder) / f'bench-{size}.sqlite'}", "sqlite")
    names = {size: f"matching_{size}" for size in SIZES}
    urls = {size: postgres_url(name) for size, name in names.items()}
    if all(urls.values()):
        try:
            run(urls.__getitem__, "postgresql")
        finally:
            for name in names.values():
                drop_postgres(name)


if __name__ == "__main__":
    main()
