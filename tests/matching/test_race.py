"""Two helpers accept at the same moment on PostgreSQL, each in their own committed transaction."""

import threading

from sqlalchemy import select

from bot.jobs import process_event
from bot.matching import offers
from db.models import HelpRequest, InboundEvent, Offer, Resident, Task, local_now
from db.session import Session
from tests import factories
from tests.fakes import texts


def _open_request_offered_to_two(user_prefix: str) -> tuple[int, list[tuple[int, int]]]:
    with Session.begin() as s:
        district = factories.district(s)
        requester = factories.resident(s, district=district)
        helpers = [factories.helper(s, district=district, user_id=f"{user_prefix}{n}") for n in (1, 2)]
        request = HelpRequest(
            resident_id=requester.id,
            created_by_id=requester.id,
            district_id=district.id,
            category="garbage",
            status="open",
            offer_round=1,
        )
        s.add(request)
        s.flush()
        pairs = []
        for helper in helpers:
            offer = Offer(request_id=request.id, helper_id=helper.id)
            s.add(offer)
            s.flush()
            pairs.append((offer.id, helper.id))
        return request.id, pairs


def _accept_racing(request_id: int, offer_id: int, helper_id: int, barrier: threading.Barrier, results: list) -> None:
    with Session.begin() as s:
        assert s.get(HelpRequest, request_id).status == "open"  # both saw it open...
        barrier.wait(timeout=10)  # ...then both accept at once
        box = offers.accept(s, offer_id, s.get(Resident, helper_id), local_now())
        results.append(box)


def test_exactly_one_of_two_simultaneous_accepts_wins(pg_runtime):
    for attempt in range(5):
        request_id, pairs = _open_request_offered_to_two(f"R{attempt}-")
        barrier, results = threading.Barrier(2), []
        threads = [threading.Thread(target=_accept_racing, args=(request_id, o, h, barrier, results)) for o, h in pairs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        with Session() as s:
            assert len(s.scalars(select(Task).where(Task.request_id == request_id)).all()) == 1
            statuses = sorted(s.scalars(select(Offer.status).where(Offer.request_id == request_id)))
            assert statuses == ["accepted", "taken"]
            assert s.get(HelpRequest, request_id).status == "assigned"
        assert len(results) == 2


def _stored_accept(user_id: str, offer_id: int) -> int:
    with Session.begin() as s:
        row = InboundEvent(
            platform="fake",
            event_id=f"race-{user_id}",
            event_type="postback",
            payload={
                "user_id": user_id,
                "kind": "postback",
                "event_id": f"race-{user_id}",
                "at": local_now().isoformat(),
                "data": f"offer.accept:{offer_id}",
            },
        )
        s.add(row)
        s.flush()
        return row.id


def test_two_accepts_through_the_job_path_at_once(pg_runtime):
    _, channel = pg_runtime
    request_id, pairs = _open_request_offered_to_two("J")
    events = [_stored_accept(f"J{n}", offer_id) for n, (offer_id, _) in zip((1, 2), pairs)]
    barrier = threading.Barrier(2)

    def run(event_id: int) -> None:
        barrier.wait(timeout=10)
        process_event(event_id)

    threads = [threading.Thread(target=run, args=(e,)) for e in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    answers = [texts(channel.to(f"J{n}"))[0] for n in (1, 2)]
    assert sorted("ほかの方が先に" in a for a in answers) == [False, True]
    with Session() as s:
        assert s.scalar(select(Task.request_id)) == request_id
