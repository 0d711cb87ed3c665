"""Correcting a request before it is sent: its kind, time or district; or dropping it."""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.events import Outbox, Text
from bot.handlers import Turn, on_postback
from bot.handlers.requests import continue_draft, kind_buttons, mine, on_draft
from db.models import HelpRequest


@on_draft("request.change_kind")
def change_kind(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """Correct the kind: one button per kind."""
    return turn.reply(Text(turn.t("request.ask_kind"), kind_buttons(turn.locale, "request.kind", request.id)))


@on_draft("request.kind")
def pressed_new_kind(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """The corrected kind."""
    request.category = turn.args[1]
    return continue_draft(session, turn, request)


@on_draft("request.change_when")
def change_when(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """Correct the time: ask it again."""
    request.when, request.time_of_day = None, None
    return continue_draft(session, turn, request)


@on_draft("request.change_district")
def change_district(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """Correct the district: ask it again."""
    request.district_id = None
    return continue_draft(session, turn, request)


@on_postback("request.discard")
def discard(session: Session, turn: Turn) -> Outbox:
    """Drop the draft."""
    request = mine(session, turn)
    if request is not None:
        request.status = "cancelled"
    conversations.finish(session, turn.resident)
    return turn.reply(Text(turn.t("common.cancelled")))
