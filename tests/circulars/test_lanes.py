"""Lanes sending one circular at the same time (threads on a real database and Redis, as workers
would): every follower gets it once, each batch under its own retry key, none skipped, also when
a lane died between taking a batch number and claiming it."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import select

from bot import jobs, runtime, wiring
from bot.circulars import circulars, fanout, lanes
from bot.config import Config
from db.models import Circular, local_now
from db.session import Session, make_engine, upgrade
from tests import factories
from tests.circulars.conftest import add_followers
from tests.faults.test_worker_killed import database_url  # noqa: F401 - the fixture
from tests.fakes import FakeChannel

FOLLOWERS = 5_200  # 11 batches: planned 8 at a time, so the lanes plan twice between them


def start(database_url: str, redis_url: str) -> FakeChannel:  # noqa: F811 - the fixture's name
    engine = make_engine(database_url)
    upgrade(engine)
    config = Config(
        database_url=database_url,
        jobs_mode="rq",
        redis_url=redis_url,
        line_channel_access_token="test-token",
        line_api_host="http://127.0.0.1:9",
        line_api_data_host="http://127.0.0.1:9",
    )
    rt = wiring.start(config, engine=engine)
    Session.configure(bind=engine)
    channel = FakeChannel()
    rt.channels["fake"] = channel
    return channel


def sending_circular(followers: int) -> tuple[int, list[str]]:
    """A circular to `followers` followers, its lease taken as send_circular would; (id, their ids)."""
    with Session() as session:
        midori = factories.district(session, "緑ケ丘")
        admin = factories.admin(session, midori, user_id="U" + uuid.uuid4().hex)
        people = add_followers(session, midori, followers)
        circular = circulars.draft(session, admin.id, circulars.Draft(midori.id, "防災訓練"))
        circular.status = "scheduled"
        session.commit()
        assert fanout.take_lease(circular.id, local_now())
        return circular.id, people


def run_lanes(circular_id: int, count: int = fanout.LANES) -> None:
    failures: list[BaseException] = []

    def lane(number: int) -> None:
        try:
            jobs.send_lane(circular_id, number)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=lane, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    assert not any(thread.is_alive() for thread in threads), "a lane still waits"


def test_four_lanes_at_once_reach_everyone_once(database_url, redis_url, redis, monkeypatch):  # noqa: F811
    # No claim runs out while the test runs: a lane that waited for another's batch to be marked
    # while that lane waited for its own (each marking only after its next claim) would wait for
    # good, not be rescued by the lease after 15 s and send that batch a second time.
    monkeypatch.setattr(lanes, "LEASE_SECONDS", 3600)
    channel = start(database_url, redis_url)
    circular_id, people = sending_circular(FOLLOWERS)
    run_lanes(circular_id)
    received = [user for users, _, _ in channel.multicasts for user in users]
    assert sorted(received) == sorted(people)  # everyone, nobody twice
    assert len(channel.multicasts) == 11
    assert len({key for _, _, key in channel.multicasts}) == 11
    with Session() as session:
        assert circulars.progress(session, circular_id).sent == FOLLOWERS
        assert session.scalar(select(Circular.status).where(Circular.id == circular_id)) == "sent"


def test_a_batch_number_whose_lane_died_before_claiming_it_is_still_sent(database_url, redis_url, redis):  # noqa: F811
    channel = start(database_url, redis_url)
    circular_id, people = sending_circular(1_600)
    dead = lanes.Claims(circular_id, 9, runtime.current().jobs)
    assert dead.next() == 0  # a lane took number 0, then died before planning or claiming it
    run_lanes(circular_id, 2)
    received = [user for users, _, _ in channel.multicasts for user in users]
    assert sorted(received) == sorted(people)
    assert len(channel.multicasts) == 4
    with Session() as session:
        assert session.scalar(select(Circular.status).where(Circular.id == circular_id)) == "sent"
