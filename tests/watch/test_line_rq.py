"""The Expected path on real RQ and Redis against the fake LINE API: a greeting nobody answers,
a reminder nobody answers, the watcher told, a neighbour who accepts, goes, and presses 会えた."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from rq import Queue, SimpleWorker

from app import create_app
from bot import wiring
from bot.queue import QUEUE_NAME, Job
from bot.watch import checkins
from db.models import CITY_TIMEZONE, Resident
from db.session import Session
from tests import factories
from tests.channels.conftest import event_body, sign, user_event
from tests.watch.talk import MONDAY

ADDRESS = "緑ケ丘3-2-1 山田方"


@pytest.fixture
def line_rq(rt, line_config, redis, redis_url, engine, bind):
    """The app with jobs on Redis and the LINE channel on the fake LINE API."""
    config = line_config.with_(jobs_mode="rq", redis_url=redis_url)
    app = create_app(config)
    started = wiring.start(config, engine=engine)
    app.extensions["kyojo"] = started
    Session.configure(bind=bind)
    return app.test_client(), started


def _drain(redis) -> None:
    SimpleWorker([Queue(QUEUE_NAME, connection=redis)], connection=redis).work(burst=True)


def _tick(started, redis, moment: datetime) -> None:
    started.jobs.enqueue(Job.WATCH_TICK, moment.isoformat())
    _drain(redis)


def _press(client, redis, user: str, data: str, moment: datetime, n: int) -> None:
    event = user_event("postback", user_id=user, event_id=f"01WATCH{n:019d}", postback={"data": data})
    event["timestamp"] = int(moment.replace(tzinfo=CITY_TIMEZONE).timestamp() * 1000)
    body = event_body(event)
    answer = client.post(
        "/callback",
        data=body,
        headers={"Content-Type": "application/json", "X-Line-Signature": sign(body, "test-channel-secret")},
    )
    assert answer.status_code == 200
    _drain(redis)


def _to(line_api, user: str, reply_user: dict[str, str] | None = None) -> list[str]:
    """Everything LINE carried to one user (pushes, and replies to their own events), as JSON text."""
    found = []
    for request in line_api.delivered():
        body = request.json or {}
        if body.get("to") == user or (reply_user or {}).get(body.get("replyToken")) == user:
            found += [json.dumps(m, ensure_ascii=False) for m in body.get("messages", [])]
    return found


def _postbacks(messages: list[str], prefix: str) -> list[str]:
    return [part.split('"')[0] for m in messages for part in m.split('"data": "')[1:] if part.startswith(prefix)]


def test_a_check_in_missed_twice_becomes_a_neighbour_at_the_door(line_rq, redis, line_api, session):
    client, started = line_rq
    midori = factories.district(session, "緑ケ丘")
    hana = factories.resident(
        session, platform="line", user_id="Uhana", district=midori, display_name="花子", address=ADDRESS
    )
    daughter = factories.resident(session, platform="line", user_id="Udaughter", display_name="娘")
    for user in ("Uhelper1", "Uhelper2"):
        factories.helper(session, platform="line", user_id=user, district=midori, skills=["shopping"])
    check_in = checkins.sign_up(session, hana, checkins.Plan(9 * 60), by=hana, now=MONDAY)
    checkins.add_watcher(session, check_in, daughter, "family")
    session.commit()

    _tick(started, redis, MONDAY.replace(hour=9))
    [greeting] = _to(line_api, "Uhana")
    assert "今日もお元気ですか" in greeting and _postbacks([greeting], "watch.fine")
    _tick(started, redis, MONDAY.replace(hour=10))
    assert "お返事をお待ちしています" in _to(line_api, "Uhana")[-1]
    assert _to(line_api, "Udaughter") == []
    _tick(started, redis, MONDAY.replace(hour=12))  # silence for the three hours she chose
    assert "お返事がありません" in _to(line_api, "Udaughter")[-1]
    offers = {u: _to(line_api, u) for u in ("Uhelper1", "Uhelper2")}
    assert all("様子を見に行く" in o[-1] and "緑ケ丘3-2-1" not in o[-1] for o in offers.values())

    accept = _postbacks(offers["Uhelper1"], "offer.accept")[-1]
    _press(client, redis, "Uhelper1", accept, MONDAY.replace(hour=12, minute=5), 1)
    replies = {"token-01WATCH0000000000000000001": "Uhelper1"}
    helper_got = _to(line_api, "Uhelper1", replies)
    assert ADDRESS in helper_got[-1]
    everyone_else = [m for u in ("Uhana", "Udaughter", "Uhelper2") for m in _to(line_api, u)]
    assert not any("緑ケ丘3-2-1" in m for m in everyone_else)

    met = next(d for d in _postbacks(helper_got, "watch.visit") if d.endswith(":met"))
    _press(client, redis, "Uhelper1", met, MONDAY.replace(hour=12, minute=30), 2)
    assert "会えました" in _to(line_api, "Udaughter")[-1]
    assert line_api.violations == []
    with Session() as s:
        assert s.get(Resident, hana.id).address == ADDRESS
