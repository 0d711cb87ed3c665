"""The job path: run twice changes nothing more; a crash gets a kind answer; sending is retried once."""

import pytest
from rq import Queue
from sqlalchemy.exc import OperationalError

from bot import handlers
from bot.errors import ChannelError
from bot.jobs import process_event, process_events
from bot.queue import QUEUE_NAME, RETRY_INTERVALS, Jobs, event_job_id
from db.models import InboundEvent, OutboundMessage, Resident, local_now
from db.session import Session
from tests import factories
from tests.fakes import texts


def stored_event(kind="follow", user_id="U1", **fields) -> int:
    payload = {
        "user_id": user_id,
        "kind": kind,
        "event_id": f"e-{kind}-{user_id}",
        "at": local_now().isoformat(),
        **fields,
    }
    with Session.begin() as s:
        row = InboundEvent(platform="fake", event_id=payload["event_id"], payload=payload)
        s.add(row)
        s.flush()
        return row.id


def test_running_the_same_event_job_twice_answers_once(rt, channel, session):
    factories.district(session, "緑ケ丘")
    session.commit()
    event_id = stored_event()
    process_event(event_id)
    process_event(event_id)
    assert len(channel.sent) == 1


def test_a_group_job_answers_each_event_and_queues_alone_the_one_that_fails(
    rt, channel, session, redis_url, redis, monkeypatch
):
    def away(session, turn):
        raise OperationalError("UPDATE residents ...", {}, Exception("the database went away"))

    monkeypatch.setitem(handlers.POSTBACKS, "test.away", away)
    monkeypatch.setattr(rt, "jobs", Jobs("rq", redis_url))
    factories.district(session, "緑ケ丘")
    session.commit()
    ids = [
        stored_event(user_id="U1"),
        stored_event("postback", user_id="U2", data="test.away"),
        stored_event(user_id="U3"),
    ]
    process_events(ids)
    assert [bool(channel.to(user)) for user in ("U1", "U2", "U3")] == [True, False, True]  # the third not held back
    queue = Queue(QUEUE_NAME, connection=redis)
    assert queue.count == 0
    [again] = [queue.fetch_job(job_id) for job_id in queue.scheduled_job_registry.get_job_ids()]
    assert (again.id, again.func_name, again.args) == (event_job_id(ids[1]), "bot.jobs.process_event", (ids[1],))
    # It is the event's first retry: RQ's others follow, so it runs no more often than alone (a
    # ten-minute LINE outage must not push its answer's next try past the outage, test_line_outage).
    assert again.retries_left == len(RETRY_INTERVALS) - 1
    with Session() as s:
        assert [s.get(InboundEvent, i).status for i in ids] == ["done", "received", "done"]


def test_a_crashing_handler_gets_a_kind_message_and_keeps_the_event(rt, channel, monkeypatch):
    def broken(session, turn):
        raise RuntimeError("bug")

    monkeypatch.setitem(handlers.POSTBACKS, "test.broken", broken)
    event_id = stored_event("postback", data="test.broken")
    process_event(event_id)
    assert texts(channel.to("U1")) == [
        "ごめんなさい、うまく処理できませんでした。少し時間をおいて、もう一度送ってください。"
    ]
    with Session() as s:
        assert s.get(InboundEvent, event_id).status == "failed"


def test_a_failed_send_is_retried_by_the_job_and_delivered_once(rt, channel, monkeypatch, session):
    factories.district(session, "緑ケ丘")
    session.commit()
    real_send = channel.send
    failures = iter([ChannelError("LINE answered 500")])

    def flaky_send(*args, **kwargs):
        error = next(failures, None)
        if error:
            raise error
        real_send(*args, **kwargs)

    monkeypatch.setattr(channel, "send", flaky_send)
    event_id = stored_event()
    with pytest.raises(ChannelError):
        process_event(event_id)  # RQ records the failure and retries the job
    assert channel.sent == []
    process_event(event_id)
    process_event(event_id)
    assert len(channel.sent) == 1
    with Session() as s:
        assert {row.status for row in s.query(OutboundMessage)} == {"sent"}


def test_the_answer_uses_the_reply_token_while_it_is_fresh(rt, channel, session):
    factories.district(session, "緑ケ丘")
    session.commit()
    process_event(stored_event(reply_token="token-1"))
    assert channel.sent[0].reply_token == "token-1"


def test_a_stale_reply_token_is_not_used_the_answer_is_pushed(rt, channel, session):
    from datetime import timedelta

    factories.district(session, "緑ケ丘")
    session.commit()
    event_id = stored_event(reply_token="token-1")
    with Session.begin() as s:
        s.get(InboundEvent, event_id).received_at = local_now() - timedelta(minutes=2)
    process_event(event_id)
    assert channel.sent[0].reply_token is None
    assert channel.sent[0].retry_key


def test_an_unfollowed_resident_receives_nothing(rt, channel, session):
    factories.district(session, "緑ケ丘")
    session.commit()
    process_event(stored_event("unfollow"))
    process_event(stored_event("postback", data="menu.usage"))
    assert channel.sent == []


def test_an_old_or_forged_button_is_answered_kindly_and_changes_nothing(rt, channel, session):
    district = factories.district(session, "緑ケ丘")
    session.commit()
    forged = stored_event("postback", data="district.choose:not-a-number")
    process_event(forged)
    process_event(stored_event("postback", data="no.such_action:1", user_id="U2"))
    assert texts(channel.to("U1")) == ["このボタンは古くなったため使えません。もう一度はじめからお願いします。"]
    assert texts(channel.to("U2")) == texts(channel.to("U1"))
    with Session() as s:
        assert s.get(InboundEvent, forged).status == "done"
        assert all(r.district_id is None for r in s.query(Resident)) and district.id


def test_a_big_group_keeps_its_first_events_and_leaves_the_rest_to_other_workers(
    rt, channel, session, redis_url, redis, monkeypatch
):
    from bot.jobs import GROUP_SHARE

    monkeypatch.setattr(rt, "jobs", Jobs("rq", redis_url))
    factories.district(session, "緑ケ丘")
    session.commit()
    ids = [stored_event(user_id=f"U{n}") for n in range(GROUP_SHARE + 4)]
    process_events(ids)
    assert all(channel.to(f"U{n}") for n in range(GROUP_SHARE))  # answered by the group's job
    assert not any(channel.to(f"U{n}") for n in range(GROUP_SHARE, GROUP_SHARE + 4))
    queue = Queue(QUEUE_NAME, connection=redis)
    queued = [queue.fetch_job(job_id) for job_id in queue.get_job_ids()]
    assert [(j.id, j.func_name, j.args) for j in queued] == [
        (event_job_id(i), "bot.jobs.process_event", (i,)) for i in ids[GROUP_SHARE:]
    ]


def test_a_message_answered_rolls_no_transaction_back(rt, channel, session):
    """psycopg forgets (and deallocates) every statement it prepared on a connection at a rollback:
    a job that goes well commits each of its transactions, so the next job's statements are
    prepared already instead of parsed and planned again."""
    from sqlalchemy import event

    factories.district(session, "緑ケ丘")
    session.commit()
    event_id = stored_event("text", text="こんにちは")
    rolled_back: list[str] = []
    engine = session.get_bind().engine
    listeners = {
        name: (lambda *_args, name=name: rolled_back.append(name)) for name in ("rollback", "rollback_savepoint")
    }
    for name, listener in listeners.items():
        event.listen(engine, name, listener)
    try:
        process_event(event_id)
    finally:
        for name, listener in listeners.items():
            event.remove(engine, name, listener)
    assert channel.to("U1") and rolled_back == []


def test_a_button_pressed_takes_no_savepoint(rt, channel, session):
    """A savepoint around every press (two more round trips) guarded only the rare unreadable
    button; that one is answered in a transaction of its own (the test of an old or forged button)."""
    from sqlalchemy import event

    factories.district(session, "緑ケ丘")
    session.commit()
    nested: list[bool] = []

    def created(_session, transaction) -> None:
        nested.append(transaction.nested)

    event.listen(Session, "after_transaction_create", created)
    try:
        process_event(stored_event("postback", data="menu.usage"))
    finally:
        event.remove(Session, "after_transaction_create", created)
    assert channel.to("U1") and nested and True not in nested
