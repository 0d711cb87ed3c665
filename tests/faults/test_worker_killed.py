"""A real worker process (worker.py, as the Procfile runs it) killed with SIGKILL in the middle of a
fan-out to 5,000 followers: a second worker started at that moment finishes it within 30 s of the
kill, through the real line-bot-sdk to the fake LINE API; nobody gets it twice, nobody is skipped.

Unlike tests/faults/test_fanout_crash.py (the same story in one process, with a clock the test
moves), nothing here is simulated: the processes, Redis, the database and the clock are real.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import select

from bot import wiring
from bot.circulars import circulars
from bot.config import Config
from db.models import Circular
from db.session import Session, make_engine, upgrade
from tests import factories
from tests.circulars.conftest import add_followers, launch
from tests.faults.conftest import database_url  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
FOLLOWERS = 5000
RECOVERY_LIMIT = 30.0  # seconds from the kill to the last follower reached


class Worker:
    """`python worker.py` in a process group of its own (RQ forks a work horse per job)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "worker.py")],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL to the worker and its work horse: no handler, no clean-up runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()
        self.log.close()


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def recipients(line_api) -> list[str]:
    return [user for r in line_api.delivered("/v2/bot/message/multicast") for user in r.json["to"]]


def test_a_worker_killed_mid_fanout_leaves_the_rest_to_another_within_30_s(
    database_url, redis_url, redis, line_api, tmp_path
):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LINE_CHANNEL_SECRET": "test-channel-secret",
        "LINE_CHANNEL_ACCESS_TOKEN": "test-token",
        "LINE_API_HOST": line_api.url,
        "LINE_API_DATA_HOST": line_api.data_url,
        "PYTHONPATH": str(ROOT),
    }
    config = Config.from_env(env)
    engine = make_engine(database_url)
    upgrade(engine)
    wiring.start(config, engine=engine)  # this process only launches; the workers send
    Session.configure(bind=engine)
    with Session() as session:
        midori = factories.district(session, "緑ケ丘")
        admin = factories.admin(session, midori, user_id="U" + uuid.uuid4().hex)
        followers = add_followers(session, midori, FOLLOWERS, platform="line")
        session.commit()
        admin_id, district = admin.platform_user_id, midori
        line_api.quota = None
        line_api.slow_down("/v2/bot/message/multicast", 0.4)  # a fan-out that takes a while

        first = Worker(env, tmp_path / "worker-1.log")
        second = None
        try:
            circular_id = launch(session, admin, district)
            assert wait_for(lambda: len(line_api.delivered("/multicast")) >= 3, 60), (
                tmp_path / "worker-1.log"
            ).read_text()
            first.kill()
            killed_at = time.monotonic()
            sent_before = set(recipients(line_api))
            assert 0 < len(sent_before) < FOLLOWERS  # killed in the middle

            second = Worker(env, tmp_path / "worker-2.log")
            everyone = set(followers)
            done = wait_for(lambda: everyone <= set(recipients(line_api)), RECOVERY_LIMIT)
            took = time.monotonic() - killed_at
            assert done, (
                f"{len(everyone & set(recipients(line_api)))} of {FOLLOWERS} reached "
                f"{took:.0f} s after the kill\n" + (tmp_path / "worker-2.log").read_text()[-3000:]
            )
            assert wait_for(lambda: session.scalar(select(Circular.status)) == "sent", 5)
            time.sleep(1)  # a doubled batch would arrive now
            got = recipients(line_api)
        finally:
            first.stop()
            if second is not None:
                second.stop()
        print(f"resumed and finished {took:.1f} s after the kill; {len(sent_before)} reached before it")
        assert took <= RECOVERY_LIMIT
        followers_got = [user for user in got if user != admin_id]
        assert sorted(followers_got) == sorted(followers)  # every follower once: none doubled, none skipped
        assert line_api.violations == []
        assert circulars.progress(session, circular_id).sent == FOLLOWERS
