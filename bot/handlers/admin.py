"""District admins in chat: a link to the admin pages."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.events import Outbox, Text
from bot.handlers import Turn, main_menu, on_postback
from bot.circulars.subscriptions import admin_districts
from bot.admin_link import login_url


@on_postback("admin.link")
def admin_link(session: Session, turn: Turn) -> Outbox:
    """管理画面: a signed link, valid 15 minutes, for admins only."""
    if not admin_districts(session, turn.resident):
        return turn.reply(Text(turn.t("common.not_allowed"), main_menu(turn.locale)))
    url = login_url(turn.config, turn.resident.id)
    return turn.reply(Text(turn.t("admin.link", url=url)))
