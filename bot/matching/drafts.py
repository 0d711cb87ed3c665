"""Questions of the request and helper dialogues, which time out politely."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot import outbox as outboxes
from bot.channel import Channels
from bot.events import Envelope, Outbox, Text
from bot.i18n import t
from db.models import Conversation, HelpRequest, Resident

QUESTION_MINUTES = 60


def ask(
    session: Session, resident: Resident, state: str, data: dict, now: datetime, minutes: int = QUESTION_MINUTES
) -> None:
    """Wait for the answer to `state`; if none comes in time, the person is told kindly (by the
    delayed job, or by bot.reconcile when Redis lost it). A person has one question at a time, so
    the job of the one asked before is replaced (one job id a person): a request's four questions
    scheduled four jobs, and an hour after a burst the workers ran them all, to find three of them
    answered."""
    from bot.queue import Job, enqueue_after_commit

    conversations.ask(session, resident, state, data, now=now, minutes=minutes, tell_when_expired=True)
    expires_at = now + timedelta(minutes=minutes)  # as conversations.ask set it
    enqueue_after_commit(
        session,
        Job.EXPIRE_QUESTION,
        resident.id,
        state,
        expires_at.isoformat(),
        delay=timedelta(minutes=minutes),
        job_id=question_job_id(resident.id),
    )


def question_job_id(resident_id: int) -> str:
    """The RQ job id of telling a person their question timed out."""
    return f"kyojo-question-{resident_id}"


def expire_question(resident_id: int, state: str, expires_at: str, now: datetime, channels: Channels) -> None:
    """The question is still the one asked, unanswered, and its time is up (at `now`): close it and say so.
    Run before its time (a scheduler's clock ahead of ours) it leaves the question open: the
    reconciler re-drives questions past their time, so nothing is lost."""
    from db.session import Session as SessionFactory
    from db.session import hold

    due = datetime.fromisoformat(expires_at)
    if now < due:
        return
    with SessionFactory.begin() as session:
        # Locked: the delayed job and the reconciler's copy may run at once; the second finds it gone.
        hold(session, "conversations", resident_id)
        conversation = session.scalar(
            select(Conversation).where(Conversation.resident_id == resident_id).with_for_update()
        )
        if conversation is None or conversation.state != state or conversation.expires_at != due:
            return  # answered, or asked again since: a later job will see to it
        box = close(session, conversation)
        ids = outboxes.store(session, box)
    outboxes.deliver(channels, ids, now)


def close(session: Session, conversation: Conversation) -> Outbox:
    """Drop a timed-out question and its draft request; a short note for the person."""
    from bot.matching.offers import retry_key

    resident = session.get_one(Resident, conversation.resident_id)
    request_id = conversation.data.get("request_id")
    request = session.get(HelpRequest, request_id) if request_id else None
    key = "request.expired" if request is not None else "helper.expired"
    if request is not None and request.status == "draft":
        request.status = "cancelled"
    session.delete(conversation)
    note = Text(t(key, resident.language))
    return Outbox(
        envelopes=[
            Envelope(
                resident.id,
                [note],
                # This question to this person at this time (a row id may come back on SQLite).
                retry_key=retry_key("expired", resident.id, conversation.state, conversation.expires_at),
            )
        ]
    )
