"""代理: registering a resident without a smartphone, whose proxy (family, neighbour, 民生委員) chats for them."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.events import Outbox, Text
from bot.handlers import Turn, button, on_postback, on_state
from bot.handlers.onboarding import district_buttons
from bot.matching import drafts
from db.models import District, Resident


def register_represented(
    session: Session,
    name: str,
    district_id: int | None,
    proxy_id: int,
    address: str | None = None,
    phone: str | None = None,
) -> Resident:
    """A resident without a phone (platform "none"), whose messages go to `proxy_id`."""
    person = Resident(
        platform="none",
        platform_user_id=f"none-{uuid.uuid4()}",
        display_name=name,
        district_id=district_id,
        proxy_id=proxy_id,
        address=address,
        phone=phone,
    )
    session.add(person)
    session.flush()
    return person


@on_postback("proxy.start")
def start(session: Session, turn: Turn) -> Outbox:
    """代理で頼む: ask the name of the person the sender will speak for."""
    drafts.ask(session, turn.resident, "proxy_name", {}, turn.now)
    return turn.reply(Text(turn.t("request.proxy_ask_name")))


@on_state("proxy_name")
def typed_name(session: Session, turn: Turn) -> Outbox | None:
    """The person's name; then their district."""
    name = turn.text.strip()[:100]
    if not name or turn.understood.intent in ("offer_help", "balance", "usage", "cancel", "done"):
        return None
    drafts.ask(session, turn.resident, "proxy_district", {"name": name}, turn.now)
    return turn.reply(
        Text(turn.t("request.proxy_ask_district", name=name), district_buttons(session, "proxy.district", turn.locale))
    )


@on_postback("proxy.district")
def pressed_district(session: Session, turn: Turn) -> Outbox:
    """Their district; then where they live (for the accepted helper only)."""
    conversation = conversations.current(session, turn.resident, turn.now)
    district = session.get(District, int(turn.args[0])) if turn.args else None
    if conversation is None or conversation.state != "proxy_district" or district is None:
        return turn.reply(Text(turn.t("request.not_found")))
    data = {**conversation.data, "district_id": district.id}
    drafts.ask(session, turn.resident, "proxy_address", data, turn.now)
    return turn.reply(
        Text(
            turn.t("request.proxy_ask_address", name=data["name"]),
            (button(turn.t("request.no_landmark"), "proxy.no_address"),),
        )
    )


@on_state("proxy_address")
def typed_address(session: Session, turn: Turn) -> Outbox | None:
    """Their address: registered, and the proxy may now ask for help for them."""
    if turn.understood.intent in ("offer_help", "balance", "usage", "cancel", "done"):
        return None
    return _register(session, turn, turn.text.strip()[:500])


@on_postback("proxy.no_address")
def no_address(session: Session, turn: Turn) -> Outbox:
    """No address given now."""
    return _register(session, turn, None)


def _register(session: Session, turn: Turn, address: str | None) -> Outbox:
    conversation = conversations.current(session, turn.resident, turn.now)
    if conversation is None or conversation.state != "proxy_address":
        return turn.reply(Text(turn.t("request.not_found")))
    data = conversation.data
    person = register_represented(session, data["name"], data["district_id"], turn.resident.id, address)
    conversations.finish(session, turn.resident)
    return turn.reply(Text(turn.t("request.proxy_registered", name=person.display_name)))
