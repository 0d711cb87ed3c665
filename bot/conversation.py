"""The question the bot waits on for a resident, kept in the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Conversation, Resident

DEFAULT_MINUTES = 30

# Conversation states whose short replies bot.nlp reads in a context (LABELS.md).
NLP_CONTEXTS = {"offer_pending": "offer_pending", "safety_check": "safety_check"}


def current(session: Session, resident: Resident, now: datetime) -> Conversation | None:
    """The pending question, or None; an expired one is closed on the way."""
    conversation = session.scalar(select(Conversation).where(Conversation.resident_id == resident.id))
    if conversation is not None and conversation.expires_at and conversation.expires_at < now:
        session.delete(conversation)
        session.flush()
        return None
    return conversation


def ask(
    session: Session,
    resident: Resident,
    state: str,
    data: dict | None = None,
    *,
    now: datetime,
    minutes: int = DEFAULT_MINUTES,
    tell_when_expired: bool = False,
) -> Conversation:
    """Remember that the bot asked `state` and waits for the answer (`tell_when_expired`: the
    person is told when no answer comes in time, see bot.matching.drafts)."""
    conversation = session.scalar(select(Conversation).where(Conversation.resident_id == resident.id))
    if conversation is None:
        conversation = Conversation(resident_id=resident.id, state=state)
        session.add(conversation)
    conversation.state = state
    conversation.data = dict(data or {})
    conversation.expires_at = now + timedelta(minutes=minutes)
    conversation.tell_when_expired = tell_when_expired
    session.flush()
    return conversation


def finish(session: Session, resident: Resident) -> None:
    """Forget the pending question."""
    conversation = session.scalar(select(Conversation).where(Conversation.resident_id == resident.id))
    if conversation is not None:
        session.delete(conversation)
        session.flush()


def nlp_context(conversation: Conversation | None) -> str | None:
    """The bot.nlp context for a pending question, if it has one."""
    return NLP_CONTEXTS.get(conversation.state) if conversation else None
