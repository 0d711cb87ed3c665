"""A helper's answer to an offer (button or text), and an admin assigning an unmet request."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.errors import NotAllowedError
from bot.events import Outbox, Text
from bot.handlers import Turn, on_postback
from bot.matching import offers


@on_postback("offer.accept")
def accept_pressed(session: Session, turn: Turn) -> Outbox:
    """引き受ける pressed: the first accept wins."""
    return offers.accept(session, int(turn.args[0]), turn.resident, turn.now)


@on_postback("offer.decline")
def decline_pressed(session: Session, turn: Turn) -> Outbox:
    """見送る pressed."""
    return offers.decline(session, int(turn.args[0]), turn.resident, turn.now)


def offer_answer(session: Session, turn: Turn) -> Outbox | None:
    """引き受けます / 無理です written after an offer; anything else is not an answer."""
    offer_id = (turn.pending.data or {}).get("offer_id")
    if offer_id is None:
        return None
    if turn.understood.intent == "accept":
        return offers.accept(session, int(offer_id), turn.resident, turn.now)
    if turn.understood.intent == "decline":
        return offers.decline(session, int(offer_id), turn.resident, turn.now)
    return None


@on_postback("request.assign")
def assign_pressed(session: Session, turn: Turn) -> Outbox:
    """A district admin picked a helper for an unmet request."""
    try:
        return offers.assign(session, int(turn.args[0]), int(turn.args[1]), turn.resident, turn.now, turn.config)
    except NotAllowedError:
        return turn.reply(Text(turn.t("common.not_allowed")))
