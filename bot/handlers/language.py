"""Switching the language the bot writes in: 「English please」, 「日本語で」, "Tiếng Việt", "中文"."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.events import Outbox, Text
from bot.handlers import Turn, main_menu, on_intent
from bot.handlers.conversation import FLOWS


@on_intent("switch_language")
def switch_language(session: Session, turn: Turn) -> Outbox:
    """Remember the asked language and say so in it (the rich menu follows after the turn); a
    question that was pending is asked again, now in that language."""
    turn.resident.language = turn.understood.switch_to or turn.resident.language
    flow = FLOWS.get(turn.conversation.state) if turn.conversation is not None else None
    if flow is None:
        return turn.reply(Text(turn.t("common.language_set"), main_menu(turn.locale)))
    return turn.reply(Text(turn.t("common.language_set")), *flow.ask_again(session, turn))
