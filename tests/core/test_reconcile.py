"""The reconciler re-drives from the database what Redis lost: events never handled, messages never
sent (with backoff, then given up visibly), rounds of offers past their deadline. Twice is as once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot import conversation as conversations
from bot import reconcile
from bot.circulars import subscriptions
from bot.errors import ChannelError
from bot.outbox import RETRY_FOR
from db.models import (
    Circular,
    Conversation,
    HelpRequest,
    InboundEvent,
    LocalMessage,
    Offer,
    OutboundMessage,
    Resident,
    local_now,
)
from tests import factories
from tests.circulars.conftest import add_followers
from tests.fakes import StoppedClock, texts
from tests.handlers.talk import ask_for_help


def lost_event(session, user_id: str, text: str, age: timedelta) -> int:
    """An event stored by the webhook whose job Redis lost."""
    at = local_now() - age
    row = InboundEvent(
        platform="fake",
        event_id=f"lost-{user_id}-{text}",
        event_type="text",
        received_at=at,
        payload={"user_id": user_id, "kind": "text", "text": text, "event_id": f"lost-{user_id}", "at": at.isoformat()},
    )
    session.add(row)
    session.commit()
    return row.id


def test_events_whose_job_was_lost_are_answered_by_the_next_pass_once(session, channel):
    ids = [lost_event(session, f"U{n}", "使い方を教えて", timedelta(minutes=5)) for n in range(3)]
    assert reconcile.reconcile().jobs == {"bot.jobs.process_event": 3}
    assert reconcile.reconcile().total == 0  # a second pass finds nothing left
    session.expire_all()
    assert {session.get(InboundEvent, i).status for i in ids} == {"done"}
    assert all(len(channel.to(f"U{n}")) >= 1 for n in range(3))
    assert len(channel.sent) == 3


def test_an_event_just_stored_is_left_to_its_own_job(session, channel):
    lost_event(session, "Unew", "こんにちは", timedelta(seconds=2))
    assert reconcile.reconcile().total == 0
    assert channel.sent == []


class Outage:
    """A channel that is down until told otherwise (as LINE during an outage)."""

    def __init__(self, channel) -> None:
        self.channel, self.platform, self.down, self.calls = channel, channel.platform, True, 0

    def send(self, *args, **kwargs) -> None:
        self.calls += 1
        if self.down:
            raise ChannelError("LINE push failed: 503")
        self.channel.send(*args, **kwargs)


def pending_message(session, person) -> OutboundMessage:
    row = OutboundMessage(
        resident_id=person.id,
        platform="fake",
        user_id=person.platform_user_id,
        messages=[{"type": "text", "text": "お知らせ", "buttons": []}],
        retry_key=f"key-{person.id}",
        created_at=local_now() - timedelta(minutes=1),
    )
    session.add(row)
    session.commit()
    return row


def test_a_message_lines_outage_kept_is_sent_with_backoff_once_it_ends(session, rt, channel):
    person = factories.resident(session, user_id="Uwait")
    row = pending_message(session, person)
    rt.channels["fake"] = outage = Outage(channel)
    start = local_now()
    reconcile.reconcile(start)
    session.refresh(row)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == start + timedelta(seconds=30) and "503" in row.last_error
    assert reconcile.reconcile(start + timedelta(seconds=20)).total == 0  # not due yet
    reconcile.reconcile(start + timedelta(seconds=31))
    session.refresh(row)
    assert row.attempts == 2 and row.next_attempt_at == start + timedelta(seconds=91)
    outage.down = False
    reconcile.reconcile(start + timedelta(minutes=2))
    reconcile.reconcile(start + timedelta(minutes=60))
    session.refresh(row)
    assert row.status == "sent" and outage.calls == 3
    assert texts(channel.to("Uwait")) == ["お知らせ"]


def test_a_message_that_cannot_be_sent_for_hours_is_given_up_visibly(session, rt, channel):
    person = factories.resident(session, user_id="Ugone")
    row = pending_message(session, person)
    rt.channels["fake"] = outage = Outage(channel)
    moment, passes = local_now(), 0
    while row.status == "pending" and passes < 100:
        reconcile.reconcile(moment)
        session.refresh(row)
        moment, passes = moment + timedelta(minutes=31), passes + 1
    assert row.status == "failed" and row.next_attempt_at is None
    assert row.created_at + RETRY_FOR <= moment and outage.calls < 30  # backoff, not hammering
    assert reconcile.reconcile(moment + timedelta(days=1)).total == 0


def test_a_round_of_offers_past_its_deadline_moves_on_though_its_timeout_job_was_lost(chat, session, rt):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori, display_name="山田")
    for n in range(5):
        factories.helper(session, user_id=f"H{n}", district=midori)
    ask_for_help(chat)
    rt.jobs.delayed.clear()  # Redis lost the delayed timeout job
    request = session.scalar(select(HelpRequest))
    deadline = local_now() + timedelta(minutes=rt.config.offer_timeout_minutes)
    assert reconcile.reconcile(deadline - timedelta(minutes=1)).total == 0
    assert reconcile.reconcile(deadline + timedelta(minutes=1)).jobs == {"bot.jobs.offer_timeout": 1}
    session.refresh(request)
    assert request.offer_round == 2
    assert len(session.scalars(select(Offer).where(Offer.round == 2)).all()) == 2
    assert reconcile.reconcile(local_now() + timedelta(minutes=29)).total == 0  # round 2 has time


def test_a_question_whose_timeout_job_was_lost_is_closed_and_the_person_told_once(chat, session, rt, channel):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori, display_name="山田")
    got = chat.say("REQ", "明日の朝ゴミ出しをお願いできますか")
    assert "住所" in texts(got)[-1] or "待ち合わせ" in texts(got)[-1]
    rt.jobs.delayed.clear()  # Redis lost the delayed timeout job
    expires_at = session.scalar(select(Conversation.expires_at))
    before = len(channel.to("REQ"))

    assert reconcile.reconcile(expires_at - timedelta(minutes=1)).total == 0  # still waiting
    rt.clock = StoppedClock(expires_at + timedelta(minutes=1))  # the job's clock too
    assert reconcile.reconcile(expires_at + timedelta(minutes=1)).jobs == {"bot.jobs.expire_question": 1}
    session.expire_all()
    told = texts(channel.to("REQ")[before:])
    assert len(told) == 1 and "いったん止めました" in told[0]
    assert session.scalar(select(HelpRequest.status)) == "cancelled"  # the draft went with it
    assert session.scalar(select(Conversation)) is None
    assert reconcile.reconcile(expires_at + timedelta(minutes=2)).total == 0  # twice is as once
    assert len(channel.to("REQ")) == before + 1


def test_a_question_nobody_is_told_about_is_not_re_driven(session, rt):
    resident = factories.resident(session, user_id="R1")
    conversations.ask(
        session, resident, "safety_check", {"circular_id": 1}, now=local_now() - timedelta(hours=2), minutes=30
    )
    session.commit()
    assert reconcile.reconcile().total == 0  # such a question just lapses when next read


def safety_check_answered_by_one(chat, session, rt, leaving: int | None = None) -> tuple[list[str], datetime]:
    """A safety check sent to three followers, the first of whom answered (and the one at
    `leaving` unfollowed since), its delayed reminder lost with Redis: the people, and when the
    reminder is due."""
    midori = factories.district(session, "緑ケ丘")
    admin = factories.admin(session, midori)
    people = add_followers(session, midori, 3)
    chat.press(admin.platform_user_id, f"safety.prepare:{midori.id}")
    check = session.scalar(select(Circular).where(Circular.kind == "safety_check"))
    chat.press(admin.platform_user_id, f"circular.send:{check.id}")
    chat.press(people[0], f"safety.safe:{check.id}")
    if leaving is not None:
        left = session.scalar(select(Resident).where(Resident.platform_user_id == people[leaving]))
        subscriptions.unsubscribe(session, left, midori)
        session.commit()
    rt.jobs.delayed.clear()  # Redis lost the delayed reminder
    session.refresh(check)
    return people, check.sent_at + timedelta(minutes=check.remind_after_minutes)


def test_a_safety_reminder_lost_with_redis_is_sent_by_the_next_pass_once(chat, session, rt, channel):
    people, due = safety_check_answered_by_one(chat, session, rt)

    assert reconcile.reconcile(due - timedelta(minutes=1)).total == 0
    assert reconcile.reconcile(due + timedelta(minutes=1)).jobs == {"bot.jobs.remind_safety": 1}
    assert [users for users, _, _ in channel.multicasts[1:]] == [people[1:]]  # the silent ones
    assert reconcile.reconcile(due + timedelta(minutes=2)).total == 0
    assert len(channel.multicasts) == 2


def test_a_safety_reminder_is_not_re_driven_for_someone_who_left_before_it(chat, session, rt, channel):
    people, due = safety_check_answered_by_one(chat, session, rt, leaving=2)  # reached, gone before the reminder

    assert reconcile.reconcile(due + timedelta(minutes=1)).jobs == {"bot.jobs.remind_safety": 1}
    assert [users for users, _, _ in channel.multicasts[1:]] == [[people[1]]]
    assert reconcile.reconcile(due + timedelta(minutes=2)).total == 0  # (it was re-driven every pass)


def test_make_run_re_drives_what_a_restart_left_unfinished(tmp_path, monkeypatch):
    """`make run` has no worker: its web process runs the passes, so an event stored before a
    restart and never handled is answered without anyone writing again."""
    import time

    from app import create_app
    from db.session import Session
    from tests.channels.conftest import user_event
    from tests.web.test_chat_page import dev_config, start_dev_app

    monkeypatch.setattr(reconcile, "EVERY_SECONDS", 0.5)
    start_dev_app(dev_config(tmp_path))  # the database of an earlier run, with its demo people
    with Session.begin() as session:
        user = session.scalar(select(Resident.platform_user_id).where(Resident.district_id.is_not(None)))
        at = local_now() - timedelta(minutes=5)
        event = user_event(
            "message",
            user,
            "01LOSTBEFORERESTART000000001",
            message={"type": "text", "id": "1", "text": "使い方を教えて"},
        )
        event.pop("replyToken")  # long expired
        session.add(
            InboundEvent(
                platform="line", event_id=event["webhookEventId"], event_type="text", received_at=at, payload=event
            )
        )
    create_app(dev_config(tmp_path, jobs_mode="thread"))  # `make run` again

    def answered() -> bool:  # handled, and what it said delivered to the chat page
        with Session() as session:
            return (
                session.scalar(select(InboundEvent.status)) == "done"
                and session.scalar(select(LocalMessage.id).where(LocalMessage.user_id == user).limit(1)) is not None
            )

    for _ in range(300):
        if answered():
            break
        time.sleep(0.1)
    assert answered()
