"""The question the bot waits on for a resident, kept in the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from db.models import Conversation, Resident

DEFAULT_MINUTES = 30
_HELD = "kyojo_conversations"  # Session.info: resident id -> the question this session read

# Conversation states whose short replies bot.nlp reads in a context (LABELS.md).
NLP_CONTEXTS = {"offer_pending": "offer_pending", "safety_check": "safety_check"}
# Built once (every text reads it): SQLAlchemy builds no statement and no cache key per message.
_PENDING = select(Conversation).where(Conversation.resident_id == bindparam("resident_id"))


def current(session: Session, resident: Resident, now: datetime) -> Conversation | None:
    """The pending question, or None; an expired one is closed on the way."""
    conversation = session.scalar(_PENDING, {"resident_id": resident.id})
    if conversation is not None and conversation.expires_at and conversation.expires_at < now:
        session.delete(conversation)
        session.flush()
        return None
    return _hold(session, conversation) if conversation is not None else None


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
    return ask_each(
        session, [(resident, data or {})], state, now=now, minutes=minutes, tell_when_expired=tell_when_expired
    )[0]


def ask_each(
    session: Session,
    asked: list[tuple[Resident, dict]],
    state: str,
    *,
    now: datetime,
    minutes: int = DEFAULT_MINUTES,
    tell_when_expired: bool = False,
) -> list[Conversation]:
    """`ask` the same question of several residents (each with its data): one look-up, one flush."""
    found = _loaded(session, {resident.id for resident, _ in asked})
    missing = [resident.id for resident, _ in asked if resident.id not in found]
    if missing:
        found.update(
            (conversation.resident_id, conversation)
            for conversation in session.scalars(select(Conversation).where(Conversation.resident_id.in_(missing)))
        )
    for resident, data in asked:
        conversation = found.get(resident.id)
        if conversation is None:
            conversation = found[resident.id] = Conversation(resident_id=resident.id, state=state)
            session.add(conversation)
        conversation.state = state
        conversation.data = dict(data)
        conversation.expires_at = now + timedelta(minutes=minutes)
        conversation.tell_when_expired = tell_when_expired
    session.flush()
    return [_hold(session, found[resident.id]) for resident, _ in asked]


def _loaded(session: Session, resident_ids: set[int]) -> dict[int, Conversation]:
    """The residents' questions this session read or wrote already (`current`, `ask`): not looked
    up again. One deleted since is no longer in the session."""
    held = session.info.get(_HELD, {})
    return {
        resident_id: conversation
        for resident_id, conversation in held.items()
        if resident_id in resident_ids and conversation in session and conversation not in session.deleted
    }


def _hold(session: Session, conversation: Conversation) -> Conversation:
    session.info.setdefault(_HELD, {})[conversation.resident_id] = conversation
    return conversation


def finish(session: Session, resident: Resident) -> None:
    """Forget the pending question."""
    conversation = session.scalar(_PENDING, {"resident_id": resident.id})
    if conversation is not None:
        session.delete(conversation)
        session.flush()


def nlp_context(conversation: Conversation | None) -> str | None:
    """The bot.nlp context for a pending question, if it has one."""
    return NLP_CONTEXTS.get(conversation.state) if conversation else None
