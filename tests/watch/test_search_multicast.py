"""A search reaches 1,201 people on LINE in four multicasts of at most 500 (not 1,201 pushes, and
not cut at 1,000), paced through Redis; run again it sends nobody a second card; the thanks at
the end go the same way. Real RQ and Redis, line-bot-sdk over HTTP to the fake LINE API."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import insert, select

from db.models import Resident, Search, SearchNotice, SearchOptIn
from tests import factories
from tests.channels.conftest import event_body, sign, user_event
from tests.watch.test_line_rq import _drain, line_rq  # noqa: F401  (fixture)

DESCRIPTION = "山田ハナ、82歳、紺のカーディガン"
LAST_SEEN = "今朝9時 緑ケ丘公園"


def _town(session) -> set[str]:
    """The family, a helper, 1,100 neighbours who opted in (100 of them read English), and people
    who must not get the card: a neighbour who did not opt in, and one of a far district."""
    midori = factories.district(session, "緑ケ丘")
    far = factories.district(session, "小倉")
    factories.resident(session, platform="line", user_id="Ufamily", district=midori, display_name="娘")
    factories.helper(session, platform="line", user_id="Uhelper", district=midori)
    factories.resident(session, platform="line", user_id="Uquiet", district=midori)
    factories.resident(session, platform="line", user_id="Ufar", district=far)
    people = [
        {
            "platform": "line",
            "platform_user_id": f"Uopted{n:05d}",
            "display_name": f"住民{n}",
            "district_id": midori.id,
            "language": "en" if n % 11 == 0 else "ja",
        }
        for n in range(1100)
    ]
    session.execute(insert(Resident), people)
    ids = session.scalars(select(Resident.id).where(Resident.platform_user_id.like("Uopted%"))).all()
    session.execute(insert(SearchOptIn), [{"resident_id": i} for i in ids])
    session.commit()
    return {p["platform_user_id"] for p in people} | {"Uhelper"}


def _post(client, redis, user: str, n: int, **fields) -> None:
    kind = "postback" if "postback" in fields else "message"
    body = event_body(user_event(kind, user_id=user, event_id=f"01MULTI{n:019d}", **fields))
    answer = client.post(
        "/callback",
        data=body,
        headers={"Content-Type": "application/json", "X-Line-Signature": sign(body, "test-channel-secret")},
    )
    assert answer.status_code == 200
    _drain(redis)


def _multicasts(line_api) -> list[dict]:
    return [r.json for r in line_api.delivered("/v2/bot/message/multicast")]


def test_a_search_goes_out_in_multicasts_of_at_most_500_once_each(line_rq, line_api, redis, session):
    client, started = line_rq
    line_api.quota = None
    everyone = _town(session)
    for n, text in enumerate(("行方不明の母を探しています", DESCRIPTION, LAST_SEEN)):
        _post(client, redis, "Ufamily", n, message={"id": f"t{n}", "type": "text", "text": text})
    search_id = session.scalar(select(Search.id))
    _post(client, redis, "Ufamily", 3, postback={"data": "search.no_photo"})
    line_api.fail_next(500, count=1, path="/multicast", accept=True)  # LINE took one, its answer was lost
    _post(client, redis, "Ufamily", 4, postback={"data": f"search.send:{search_id}"})

    sent = _multicasts(line_api)
    assert len(sent) == 4 and max(len(m["to"]) for m in sent) <= 500
    got = Counter(user for m in sent for user in m["to"])
    assert set(got) == everyone and set(got.values()) == {1}  # everyone once, the others never
    assert line_api.calls("/multicast")[1].status == 409  # the lost answer's retry: LINE had it already
    assert not [r for r in line_api.delivered("/push") if r.json["to"] in everyone]  # no push each
    english = next(m for m in sent if "Uopted00000" in m["to"])["messages"][0]
    assert english["altText"].startswith("[Missing person]")
    cards = json.dumps(sent, ensure_ascii=False)
    assert DESCRIPTION not in cards and LAST_SEEN not in cards and "山田ハナ" not in cards
    assert int(redis.get(next(iter(redis.scan_iter("kyojo:line-pace:*:multicast"))))) > 0  # paced in Redis

    started.jobs.enqueue("bot.jobs.search_fan_out", search_id)  # the job again: nobody twice
    _drain(redis)
    assert len(_multicasts(line_api)) == 4
    assert session.scalar(select(SearchNotice.id).where(SearchNotice.search_id == search_id).offset(1201)) is None

    _post(client, redis, "Ufamily", 5, postback={"data": f"search.found:{search_id}"})
    thanks = _multicasts(line_api)[4:]
    assert len(thanks) == 4 and max(len(m["to"]) for m in thanks) <= 500
    assert Counter(u for m in thanks for u in m["to"]) == Counter(everyone)
    assert all("見つかりました" in m["messages"][0]["text"] or "found" in m["messages"][0]["text"] for m in thanks)
    assert line_api.violations == []


def test_a_search_whose_fan_out_died_in_a_long_line_outage_goes_out_once_line_is_back(
    line_rq, line_api, redis, session
):
    from bot.reconcile import reconcile

    client, started = line_rq
    line_api.quota = None
    everyone = _town(session)
    for n, text in enumerate(("行方不明の母を探しています", DESCRIPTION, LAST_SEEN)):
        _post(client, redis, "Ufamily", n, message={"id": f"t{n}", "type": "text", "text": text})
    search_id = session.scalar(select(Search.id))
    _post(client, redis, "Ufamily", 3, postback={"data": "search.no_photo"})
    line_api.fail_next(500, count=10_000, path="/multicast")  # LINE down for longer than the job retries
    _post(client, redis, "Ufamily", 4, postback={"data": f"search.send:{search_id}"})
    assert _multicasts(line_api) == []
    session.expire_all()
    assert session.get(Search, search_id).sent_at is None
    line_api.failures.clear()  # LINE is back
    assert reconcile().jobs.get("bot.jobs.search_fan_out") == 1
    _drain(redis)
    assert Counter(u for m in _multicasts(line_api) for u in m["to"]) == Counter(everyone)
    session.expire_all()
    assert session.get(Search, search_id).sent_at is not None
    assert "bot.jobs.search_fan_out" not in reconcile().jobs  # nothing left to re-drive
