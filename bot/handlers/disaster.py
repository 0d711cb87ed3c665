"""The safety menu of disaster mode: 安否を知らせる, 避難所, 助けを呼ぶ (confirmed before it goes)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.events import Outbox, Text
from bot.handlers import Turn, button, on_postback
from bot.watch import disaster


@on_postback("disaster.report")
def report(session: Session, turn: Turn) -> Outbox:
    """安否を知らせる: the open safety check's buttons, or how to call for help when none is out."""
    check = disaster.open_check(session, turn.resident, turn.now)
    if check is None:
        return turn.reply(
            Text(turn.t("disaster.no_check"), (button(turn.t("disaster.call_help"), "disaster.call_help"),))
        )
    return turn.reply(
        Text(turn.t("disaster.report_ask", title=check.title), disaster.report_buttons(check, turn.locale))
    )


@on_postback("disaster.shelter")
def shelter(session: Session, turn: Turn) -> Outbox:
    """避難所: what the district admin wrote about the shelters."""
    return turn.reply(Text(disaster.shelters(session, turn.resident)))


@on_postback("disaster.call_help")
def call_help(session: Session, turn: Turn) -> Outbox:
    """助けを呼ぶ: asked once more, so a pressed-by-mistake menu calls nobody."""
    return turn.reply(
        Text(
            turn.t("disaster.call_confirm"),
            (
                button(turn.t("disaster.call_yes"), "disaster.call_confirmed"),
                button(turn.t("common.no"), "disaster.call_cancelled"),
            ),
        )
    )


@on_postback("disaster.call_confirmed")
def call_confirmed(session: Session, turn: Turn) -> Outbox:
    """Help is called: helpers nearby, the admins, and the person's own supporters."""
    return disaster.call_for_help(session, turn.resident, turn.now)


@on_postback("disaster.call_cancelled")
def call_cancelled(session: Session, turn: Turn) -> Outbox:
    """Not now."""
    return turn.reply(Text(turn.t("disaster.call_not_sent")))
