"""Switching the language the bot writes in: 「English please」, 「日本語で」, "Tiếng Việt", "中文"."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.events import Outbox, Text
from bot.handlers import Turn, main_menu, on_intent


@on_intent("switch_language")
def switch_language(session: Session, turn: Turn) -> Outbox:
    """Remember the asked language and say so in it (the rich menu follows after the turn)."""
    turn.resident.language = turn.understood.switch_to or turn.resident.language
    return turn.reply(Text(turn.t("common.language_set"), main_menu(turn.locale)))
