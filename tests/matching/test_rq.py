"""The whole request through a real RQ worker and Redis: offers are jobs, the first accept wins."""

import itertools

from rq import Queue, SimpleWorker
from sqlalchemy import select

from bot.queue import QUEUE_NAME
from db.models import HelpRequest, InboundEvent, Offer, Task, local_now
from db.session import Session
from tests import factories
from tests.fakes import texts

_ids = itertools.count(1)


def _send(rt, kind: str, user_id: str, **fields) -> None:
    """Store an inbound event and enqueue its job, as the webhook does."""
    event_id = f"rq-{next(_ids)}"
    with Session.begin() as s:
        row = InboundEvent(
            platform="fake",
            event_id=event_id,
            event_type=kind,
            payload={"user_id": user_id, "kind": kind, "event_id": event_id, "at": local_now().isoformat(), **fields},
        )
        s.add(row)
        s.flush()
        row_id = row.id
    rt.jobs.enqueue("bot.jobs.process_event", row_id)


def _drain(rt) -> None:
    SimpleWorker([Queue(QUEUE_NAME, connection=rt.jobs.redis)], connection=rt.jobs.redis).work(burst=True)


def test_request_offers_and_first_accept_through_rq(rq_runtime):
    rt, channel = rq_runtime
    _send(rt, "postback", "REQ", data=_ready_to_send(rt, channel))
    _drain(rt)
    assert "お願いを出しました" in texts(channel.to("REQ"))[-1]
    with Session() as s:
        offer_ids = dict(s.execute(select(Offer.id, Offer.helper_id)).all())
    assert len(offer_ids) == 2 and all(channel.to(user) for user in ("H1", "H2"))
    for user in ("H1", "H2"):
        data = next(b.data for b in channel.to(user)[-1].buttons if b.data.startswith("offer.accept"))
        _send(rt, "postback", user, data=data)
    _drain(rt)
    answers = [texts(channel.to(user))[-1] for user in ("H1", "H2")]
    assert any("ほかの方が先に" in a for a in answers)
    assert any("緑ケ丘3-2-1" in t for user in ("H1", "H2") for t in texts(channel.to(user)))
    with Session() as s:
        assert len(s.scalars(select(Task)).all()) == 1
        assert s.scalar(select(HelpRequest.status)) == "assigned"
    scheduled = [rt.jobs.queue.fetch_job(j).func_name for j in rt.jobs.queue.scheduled_job_registry.get_job_ids()]
    assert "bot.jobs.offer_timeout" in scheduled  # a later round, if it had been needed


def _ready_to_send(rt, channel) -> str:
    """A resident whose request waits only for お願いする, two helpers: the button's data."""
    with Session.begin() as s:
        midori = factories.district(s, "緑ケ丘")
        factories.resident(s, user_id="REQ", district=midori, address="緑ケ丘3-2-1")
        for user in ("H1", "H2"):
            factories.helper(s, user_id=user, district=midori)
    for text in ("明日の朝ゴミ出しをお願いできますか", "公園の近く"):
        _send(rt, "text", "REQ", text=text)
        _drain(rt)
    return next(b.data for b in channel.to("REQ")[-1].buttons if b.data.startswith("request.send"))


def test_the_first_offers_go_in_the_job_that_sent_the_request_right_after_its_answer(rq_runtime):
    rt, channel = rq_runtime
    _send(rt, "postback", "REQ", data=_ready_to_send(rt, channel))
    SimpleWorker([rt.jobs.queue], connection=rt.jobs.redis).work(burst=True, max_jobs=1)  # the press alone
    order = [sent.user_id for sent in channel.sent]
    assert "お願いを出しました" in texts(channel.to("REQ"))[-1]
    assert {"H1", "H2"} <= set(order[order.index("REQ", len(order) - 3) :])  # after the confirmation
    assert rt.jobs.queue.count == 0  # no offer job waits behind the other messages


def test_offers_that_fail_in_that_job_are_retried_by_a_job_of_their_own(rq_runtime):
    from bot.errors import ChannelError

    rt, channel = rq_runtime
    data = _ready_to_send(rt, channel)
    send, failed = channel.send, []

    def helpers_unreachable_once(user_id, messages, **kwargs):
        if user_id.startswith("H") and not failed:
            failed.append(user_id)
            raise ChannelError("LINE is away")
        send(user_id, messages, **kwargs)

    channel.send = helpers_unreachable_once
    _send(rt, "postback", "REQ", data=data)
    SimpleWorker([rt.jobs.queue], connection=rt.jobs.redis).work(burst=True, max_jobs=1)
    assert "お願いを出しました" in texts(channel.to("REQ"))[-1]
    assert [rt.jobs.queue.fetch_job(j).func_name for j in rt.jobs.queue.job_ids] == ["bot.jobs.offer_request"]
    _drain(rt)
    assert channel.to("H1") and channel.to("H2")
    with Session() as s:
        assert len(s.scalars(select(Offer)).all()) == 2  # the retry offered nobody twice


def test_a_request_s_questions_leave_one_timeout_job_the_last_one_s(rq_runtime):
    from bot.matching.drafts import question_job_id

    rt, channel = rq_runtime
    _ready_to_send(rt, channel)  # asked for a landmark, then to confirm: two questions, two delays
    with Session() as s:
        person = s.scalar(select(HelpRequest.resident_id))
    registry = rt.jobs.queue.scheduled_job_registry
    expiring = [j for j in registry.get_job_ids() if rt.jobs.queue.fetch_job(j).func_name == "bot.jobs.expire_question"]
    assert expiring == [question_job_id(person)]
    assert rt.jobs.queue.fetch_job(expiring[0]).args[1] == "request_confirm"  # the question still open
