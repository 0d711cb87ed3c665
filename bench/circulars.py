"""Fan-out bench: a circular to 1,000 / 10,000 / 100,000 followers through the real LINE channel.

The fake LINE API (tests/line_fake.py) runs in a child process, so its records do not count
in this process's memory; the database is a SQLite file. Each size is sent several times to the
same followers (each time a new circular, so Deliveries keep growing), the sizes taking turns
in rounds so that a busy spell on the machine hits them alike, and the median is kept: a single
1,000-follower run lasts ~0.05 s and one scheduler hiccup would skew every ratio. CPU seconds of
this process are shown too: other work on the machine hardly moves them.
Run: .venv/bin/python -m bench.circulars
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import runtime, wiring  # noqa: E402
from bot.circulars import circulars, fanout  # noqa: E402
from bot.config import Config  # noqa: E402
from db.models import Base, District, DistrictAdmin, Resident, Subscription, local_now  # noqa: E402
from db.session import Session, make_engine  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
ROUNDS = 3
PER_ROUND = {1_000: 3, 10_000: 2, 100_000: 1}  # timed fan-outs per size and round; the median counts
FAKE_LINE = """
import sys
from tests.line_fake import FakeLineApi
fake = FakeLineApi()
fake.quota = None
print(fake.url, flush=True)
for command in sys.stdin:
    calls = fake.delivered("/multicast")
    people = [u for r in calls for u in r.json["to"]]
    print(len(fake.calls("/multicast")), len(people), len(set(people)), flush=True)
    fake.reset()
    fake.quota = None
"""


def start_fake_line() -> tuple[subprocess.Popen, str]:
    """The fake LINE API in a child process; its URL."""
    child = subprocess.Popen(
        [sys.executable, "-c", FAKE_LINE], cwd=ROOT, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    return child, child.stdout.readline().strip()


def line_counts(child: subprocess.Popen) -> tuple[int, int, int]:
    """(multicast calls, recipients, distinct recipients) since the last ask; then forget them."""
    child.stdin.write("count\n")
    child.stdin.flush()
    calls, people, distinct = child.stdout.readline().split()
    return int(calls), int(people), int(distinct)


def populate(followers: int) -> tuple[int, int]:
    """A district with `followers` LINE followers and an admin; (district id, admin id)."""
    with Session.begin() as session:
        district = District(name=f"緑ケ丘{followers}")
        admin = Resident(platform="line", platform_user_id=f"Uadmin{followers:027d}")
        session.add_all([district, admin])
        session.flush()
        session.add(DistrictAdmin(resident_id=admin.id, district_id=district.id))
        for start in range(0, followers, 10_000):
            _add_page(session, district.id, followers, start, min(start + 10_000, followers))
        return district.id, admin.id


def _add_page(session, district_id: int, total: int, start: int, stop: int) -> None:
    ids = [f"U{total:08x}{n:024x}" for n in range(start, stop)]
    session.execute(
        insert(Resident),
        [
            {
                "platform": "line",
                "platform_user_id": u,
                "language": "ja",
                "active": True,
                "erased": False,
                "created_at": local_now(),
            }
            for u in ids
        ],
    )
    residents = session.scalars(select(Resident.id).where(Resident.platform_user_id.in_(ids)))
    session.execute(
        insert(Subscription),
        [{"resident_id": r, "district_id": district_id, "active": True, "created_at": local_now()} for r in residents],
    )


def send(district_id: int, admin_id: int) -> int:
    """Draft and mark a circular launched; the fan-out job is run by the bench, timed."""
    with Session.begin() as session:
        circular = circulars.draft(
            session, admin_id, circulars.Draft(district_id, "防災訓練", "日曜日9時、公民館に集合")
        )
        circular.status = "sending"
        return circular.id


def timed_send(child: subprocess.Popen, district_id: int, admin_id: int, followers: int) -> tuple[float, float, int]:
    """Wall and CPU seconds and LINE calls of one fan-out of a new circular; everyone got it once."""
    circular_id = send(district_id, admin_id)
    started, cpu = time.perf_counter(), time.process_time()
    fanout.send_circular(circular_id, runtime.current().jobs, runtime.current().clock.now())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    calls, people, distinct = line_counts(child)
    assert people == distinct == followers, (people, distinct, followers)
    return seconds, cpu, calls


def peak_memory(child: subprocess.Popen, district_id: int, admin_id: int) -> float:
    """Peak MiB traced during one more fan-out (tracemalloc slows it, so it is not timed)."""
    circular_id = send(district_id, admin_id)
    tracemalloc.start()
    fanout.send_circular(circular_id, runtime.current().jobs, runtime.current().clock.now())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    line_counts(child)
    return peak / 2**20


def measure(child: subprocess.Popen, sizes: tuple[int, ...], rounds: int) -> list[dict]:
    """Median wall and CPU time, LINE calls and peak memory per size, the sizes taking turns."""
    places = {n: populate(n) for n in sizes}
    runs: dict[int, list] = {n: [] for n in sizes}
    for _ in range(rounds):
        for n in sizes:
            runs[n] += [timed_send(child, *places[n], n) for _ in range(PER_ROUND.get(n, 1))]
    return [
        {
            "followers": n,
            "runs": len(runs[n]),
            "seconds": statistics.median(r[0] for r in runs[n]),
            "cpu": statistics.median(r[1] for r in runs[n]),
            "calls": runs[n][0][2],
            "peak_mb": peak_memory(child, *places[n]),
        }
        for n in sizes
    ]


def main() -> None:
    child, url = start_fake_line()
    folder = tempfile.mkdtemp(prefix="kyojo-bench-")
    database_url = f"sqlite:///{folder}/bench.sqlite"
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    config = Config(
        database_url=database_url,
        jobs_mode="eager",
        line_channel_access_token="bench",
        line_api_host=url,
        line_api_data_host=url + "/data",
    )
    wiring.start(config, engine=engine)
    try:
        measure(child, (10,), 1)  # warm up: imports, the first HTTP connection, SQLAlchemy's caches
        rows = measure(child, SIZES, ROUNDS)
    finally:
        child.terminate()
    print_table(rows)


def print_table(rows: list[dict]) -> None:
    """One line per size; ratios against the first (1,000) measured in the same run."""
    base = rows[0]
    print(
        f"{'followers':>9} {'runs':>4} {'seconds':>8} {'x time':>7} {'us/follower':>11} "
        f"{'cpu s':>6} {'x cpu':>6} {'LINE calls':>10} {'peak MiB':>9} {'x mem':>6}"
    )
    for row in rows:
        print(
            f"{row['followers']:>9,} {row['runs']:>4} {row['seconds']:>8.2f} "
            f"{row['seconds'] / base['seconds']:>7.1f} {1e6 * row['seconds'] / row['followers']:>11.1f} "
            f"{row['cpu']:>6.2f} {row['cpu'] / base['cpu']:>6.1f} "
            f"{row['calls']:>10} {row['peak_mb']:>9.2f} {row['peak_mb'] / base['peak_mb']:>6.2f}"
        )


if __name__ == "__main__":
    main()
