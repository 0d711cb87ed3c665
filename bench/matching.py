"""How long picking candidates takes with 1,000, 10,000 and 100,000 helpers over 100 districts.

Usage: .venv/bin/python -m bench.matching [DATABASE_URL]   (default: a SQLite file in a temp folder)
Prints milliseconds per request (median of several) and the ratio to the 1,000-helper case.
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from bot.matching import candidates
from bot.nlp import CATEGORIES
from db.models import (Base, District, HelperProfile, HelpRequest, Resident, district_neighbours,
                       helper_districts, local_now)
from db.session import make_engine

DISTRICTS = 100
SIZES = (1_000, 10_000, 100_000)
REQUESTS = 15
EXPERIENCES = ("40年大工をしていました", "元看護師", "パソコン教室の講師", "庭師をしていました")


def fill(engine, helpers: int) -> None:
    """Districts in a ring (two neighbours each) and `helpers` helpers spread over them."""
    rng = random.Random(helpers)
    with engine.begin() as db:
        db.execute(insert(District), [{"id": d, "name": f"d{d}"} for d in range(1, DISTRICTS + 1)])
        db.execute(insert(district_neighbours), [
            {"district_id": d, "neighbour_id": n} for d in range(1, DISTRICTS + 1)
            for n in ((d % DISTRICTS) + 1, ((d - 2) % DISTRICTS) + 1)])
        db.execute(insert(Resident), [
            {"id": i, "platform": "line", "platform_user_id": f"U{i}", "district_id": i % DISTRICTS + 1}
            for i in range(1, helpers + REQUESTS + 1)])
        db.execute(insert(HelperProfile), [
            {"id": i, "resident_id": i, "skills": rng.sample(CATEGORIES, 2), "availability": [],
             "experience": rng.choice(EXPERIENCES) if rng.random() < 0.1 else None,
             "experience_skills": [], "approved": True}
            for i in range(1, helpers + 1)])
        db.execute(insert(helper_districts), [
            {"helper_id": i, "district_id": i % DISTRICTS + 1} for i in range(1, helpers + 1)])


def requests(session: Session, helpers: int) -> list[HelpRequest]:
    """A few open requests from residents who are not helpers, in different districts."""
    rows = []
    for n in range(REQUESTS):
        requester = helpers + n + 1
        rows.append(HelpRequest(resident_id=requester, created_by_id=requester, district_id=n * 7 % 100 + 1,
                                category=CATEGORIES[n % len(CATEGORIES)], text="棚を直してほしい",
                                summary="棚", status="open"))
    session.add_all(rows)
    session.commit()
    return rows


def measure(url: str, helpers: int) -> float:
    """Median milliseconds of candidates.find over the requests."""
    engine = make_engine(url)
    with engine.begin() as db:
        if engine.dialect.name == "postgresql":
            db.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    fill(engine, helpers)
    timings = []
    with Session(engine) as session:
        session.execute(text("ANALYZE"))
        session.commit()
        candidates.find(session, requests(session, helpers)[0], local_now(), 5)  # warm the NLP
        for request in requests(session, helpers):
            start = time.perf_counter()
            candidates.find(session, request, local_now(), 5)
            timings.append((time.perf_counter() - start) * 1000)
    engine.dispose()
    return statistics.median(timings)


def main() -> None:
    folder = tempfile.mkdtemp(prefix="kyojo-bench-")
    base = sys.argv[1] if len(sys.argv) > 1 else None
    results = {}
    for size in SIZES:
        url = base or f"sqlite:///{Path(folder) / f'bench-{size}.sqlite'}"
        results[size] = measure(url, size)
        print(f"{size:>7} helpers: {results[size]:7.2f} ms per request "
              f"(x{results[size] / results[SIZES[0]]:.2f} of the 1,000 case)", flush=True)


if __name__ == "__main__":
    main()
