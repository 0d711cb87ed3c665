"""The clock enqueues the database-driven tick on real Redis; a late tick still greets."""

import time
from datetime import timedelta

from rq import Queue

from bot import clock, wiring
from bot.events import Card
from bot.queue import QUEUE_NAME, Jobs
from tests import factories
from tests.watch.talk import MONDAY, at, sign_up


def test_the_clock_enqueues_the_tick_every_interval(rt, redis, redis_url):
    rt.jobs = Jobs("rq", redis_url)
    stop = clock.start(rt.jobs, every=0.05)
    time.sleep(0.3)
    stop.set()
    names = {job.func_name for job in Queue(QUEUE_NAME, connection=redis).jobs}
    assert names == {"bot.jobs.watch_tick"}


def test_a_clock_stops_when_another_runtime_starts_in_the_process(rt, config, engine, redis, redis_url):
    rt.jobs = Jobs("rq", redis_url)
    clock.start(rt.jobs, every=0.05, until=rt.retired)
    time.sleep(0.3)
    ticked = len(Queue(QUEUE_NAME, connection=redis).jobs)
    wiring.start(config, engine=engine)  # as the next test's app does: the old runtime retires
    time.sleep(0.1)  # a tick under way ends
    stopped_at = len(Queue(QUEUE_NAME, connection=redis).jobs)
    time.sleep(0.3)
    assert ticked > 0 and len(Queue(QUEUE_NAME, connection=redis).jobs) == stopped_at


def test_a_tick_after_a_worker_was_down_still_greets_once(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="HANA", district=midori, display_name="花子")
    chat.clock = MONDAY - timedelta(days=1)
    sign_up(chat, "HANA")
    at(chat, MONDAY.replace(hour=10, minute=40))  # nothing ran at 9:00 (Redis wiped, worker away)
    at(chat, MONDAY.replace(hour=10, minute=41))
    assert len([m for m in chat.channel.to("HANA") if isinstance(m, Card)]) == 1
