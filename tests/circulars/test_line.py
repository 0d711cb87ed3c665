"""Fan-out through the real LINE channel to the fake LINE API, on the real RQ worker and Redis."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rq import SimpleWorker
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from bot import wiring
from bot.circulars import circulars
from db.models import Circular, local_now
from db.session import Session
from tests import factories
from tests.circulars.conftest import add_followers, launch


@pytest.fixture
def line_rt(rt, line_config, line_api, redis, redis_url, engine, bind):
    """The runtime on RQ (Redis) with the real LINE channel talking to the fake LINE API."""
    started = wiring.start(line_config.with_(jobs_mode="rq", redis_url=redis_url), engine=engine)
    Session.configure(bind=bind)
    line_api.quota = None  # unlimited, unless a test says otherwise
    return started


def drain(rt) -> None:
    SimpleWorker([rt.jobs.queue], connection=rt.jobs.redis).work(burst=True)


def requeue_waiting(rt) -> int:
    """Move RQ's retries and delayed jobs to the queue now (as time passing would)."""
    registry = ScheduledJobRegistry(queue=rt.jobs.queue)
    waiting = registry.get_job_ids()
    for job_id in waiting:
        registry.requeue(job_id)
    return len(waiting)


def multicast_recipients(line_api) -> list[str]:
    return [user for r in line_api.delivered("/multicast") for user in r.json["to"]]


def test_1234_followers_in_exactly_three_multicasts(line_rt, line_api, session, midori, midori_admin):
    followers = add_followers(session, midori, 1234, platform="line")
    circular_id = launch(session, midori_admin, midori)
    drain(line_rt)
    assert [len(r.json["to"]) for r in line_api.calls("/multicast")] == [500, 500, 234]
    assert sorted(multicast_recipients(line_api)) == sorted(followers)
    assert len({r.headers["x-line-retry-key"] for r in line_api.calls("/multicast")}) == 3
    assert line_api.violations == []
    session.expire_all()
    assert session.get(Circular, circular_id).status == "sent"


def test_worker_dying_mid_fanout_then_retried_sends_nobody_twice(
    line_rt, line_api, session, midori, midori_admin, monkeypatch
):
    followers = add_followers(session, midori, 1234, platform="line")
    line_rt.channels["line"].retries = 0  # the first failure kills the job
    answer_multicast = line_api._multicast

    def lose_the_answer_of_batch_two(request, parts):
        if len(line_api.calls("/multicast")) == 1:  # LINE will take batch 2 and its answer is lost
            line_api.fail_next(500, 1, path="/multicast", accept=True)
        return answer_multicast(request, parts)

    monkeypatch.setattr(line_api, "_multicast", lose_the_answer_of_batch_two)
    circular_id = launch(session, midori_admin, midori)
    drain(line_rt)
    # The lane that lost batch 2's answer failed and let it go; another lane sent batch 3, then
    # batch 2 again under its retry key: LINE had it.
    statuses = [r.status for r in line_api.calls("/multicast")]
    assert statuses == [200, 500, 200, 409]
    assert sorted(multicast_recipients(line_api)) == sorted(followers)
    session.expire_all()
    assert circulars.progress(session, circular_id).sent == 1234
    assert session.get(Circular, circular_id).status == "sent"
    assert requeue_waiting(line_rt) == 1  # RQ's retry of the failed lane
    line_rt.jobs.enqueue("bot.jobs.send_circular", circular_id)  # and a duplicate
    drain(line_rt)
    assert len(line_api.calls("/multicast")) == 4  # nothing more


def test_429_storm_then_all_delivered_once(line_rt, line_api, session, midori, midori_admin):
    followers = add_followers(session, midori, 1100, platform="line")
    line_api.fail_next(429, 3, path="/multicast", retry_after=0)
    launch(session, midori_admin, midori)
    drain(line_rt)
    assert [r.status for r in line_api.calls("/multicast")] == [429, 429, 429, 200, 200, 200]
    assert sorted(multicast_recipients(line_api)) == sorted(followers)
    assert len(FailedJobRegistry(queue=line_rt.jobs.queue)) == 0


def test_scheduled_circular_is_sent_when_its_time_comes(line_rt, line_api, session, midori, midori_admin):
    followers = add_followers(session, midori, 20, platform="line")
    circular_id = launch(session, midori_admin, midori, scheduled_at=local_now() + timedelta(hours=3))
    drain(line_rt)
    assert line_api.calls("/multicast") == []
    assert requeue_waiting(line_rt) == 1
    drain(line_rt)
    assert sorted(multicast_recipients(line_api)) == sorted(followers)
    session.expire_all()
    assert session.get(Circular, circular_id).status == "sent"


def test_cost_comes_from_lines_quota(line_rt, line_api, session, midori):
    add_followers(session, midori, 120, platform="line")
    line_api.quota, line_api.consumption = 1000, 850
    price = circulars.cost(session, midori.id, line_rt.channels)
    assert (price.messages, price.left, price.verdict) == (120, 150, "warn")
    line_api.consumption = 900
    assert circulars.cost(session, midori.id, line_rt.channels).verdict == "stop"


def test_line_by_multicast_other_platforms_one_by_one(line_rt, line_api, channel, session, midori, midori_admin):
    on_line = add_followers(session, midori, 3, platform="line")
    elsewhere = add_followers(session, midori, 2)
    line_rt.channels["fake"] = channel
    channel.multicasts_natively = False  # a platform without multicast, as Slack
    launch(session, midori_admin, midori)
    drain(line_rt)
    assert sorted(multicast_recipients(line_api)) == sorted(on_line)
    assert sorted(sent.user_id for sent in channel.sent) == sorted(elsewhere)
    assert len({sent.retry_key for sent in channel.sent}) == 2


def test_proxy_gets_a_keyed_push_for_the_person_outside_the_multicast(line_rt, line_api, session, midori, midori_admin):
    followers = add_followers(session, midori, 3, platform="line")
    son = factories.resident(session, platform="line", district=midori, display_name="田中 一郎")
    factories.resident(session, platform="none", district=midori, proxy_id=son.id, display_name="田中 花子")
    launch(session, midori_admin, midori, kind="safety_check")
    drain(line_rt)
    assert sorted(multicast_recipients(line_api)) == sorted(followers)
    [push] = line_api.delivered("/push")
    assert push.json["to"] == son.platform_user_id and push.headers["x-line-retry-key"]
    assert "田中 花子さんの安否確認です" in push.json["messages"][0]["text"]
    assert line_api.violations == []
