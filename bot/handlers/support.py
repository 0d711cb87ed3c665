"""A supporter reports for a person who needs help in a disaster: 無事 / 避難した / 助けが必要."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.events import Outbox
from bot.handlers import Turn, on_postback
from bot.watch import support


@on_postback("support.report")
def reported(session: Session, turn: Turn) -> Outbox:
    """A button on the card the supporter received; only that person's supporters may press it."""
    need_id, check_id, said = int(turn.args[0]), int(turn.args[1]), turn.args[2]
    return support.report(session, need_id, check_id, said, turn.resident, turn.now)
