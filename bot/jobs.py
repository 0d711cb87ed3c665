"""RQ entry points: plain functions that take ids, safe to run twice."""
from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy.exc import OperationalError

from bot import outbox as outboxes
from bot import residents, runtime
from bot.events import Inbound, Outbox, Text
from bot.handlers import Turn, dispatch
from bot.i18n import DEFAULT_LOCALE, supported, t
from db.models import InboundEvent, Resident, local_now
from db.session import Session

log = logging.getLogger(__name__)


def process_event(inbound_event_id: int) -> None:
    """Understand one stored webhook event, answer it, and send what it produced."""
    with Session.begin() as session:
        row = session.get(InboundEvent, inbound_event_id, with_for_update=True)
        if row is None:
            return
        if row.status != "received":  # done before: only finish sending what is left
            ids = outboxes.pending_for_event(session, row.id)
        else:
            ids = _handle(session, row)
    outboxes.deliver(ids)


def _handle(session, row: InboundEvent) -> list[int]:
    """Answer a new event: the resident, their turn, and the outbound rows it wrote."""
    channel = runtime.current().channels[row.platform]
    inbound = channel.to_inbound(row.payload)
    row.processed_at = local_now()
    if not inbound.user_id:
        row.status = "ignored"
        return []
    inbound = _with_profile(session, channel, inbound)
    first_contact = residents.find(session, row.platform, inbound.user_id) is None
    resident = residents.upsert(session, row.platform, inbound.user_id,
                                display_name=inbound.display_name, language=inbound.language)
    if inbound.kind == "follow":
        _follow_profile(channel, resident, inbound)
    if inbound.kind == "text" and resident.active:
        _show_loading(channel, inbound.user_id)
    turn = Turn(resident=resident, inbound=inbound, now=inbound.received_at)
    language = resident.language
    outbox = _answer(session, turn, row)
    if resident.language != language and inbound.kind != "follow":
        _link_menu(channel, resident)  # they asked for another language, or wrote in it
    if first_contact and inbound.kind == "text":  # no follow came first (Slack; LINE's lost)
        outbox = _welcome(resident).extend(outbox)
    ids = outboxes.store(session, outbox, reply_to=resident.id, reply_token=inbound.reply_token,
                         received_at=row.received_at, inbound_event_id=row.id)
    for step in turn.afterwards:
        step(session)
    return ids


def _answer(session, turn: Turn, row: InboundEvent) -> Outbox:
    """What the handlers answer; when one fails, an apology, and the event is marked failed."""
    try:
        with session.begin_nested():
            outbox = dispatch(session, turn)
    except OperationalError:
        raise  # the database is away: let the job be retried
    except Exception:
        # A bug in a handler must not leave the person without an answer; the
        # event is kept with its payload so it can be looked at and replayed.
        log.exception("handler failed for inbound event %s (%s)", row.id, row.event_type)
        row.status = "failed"
        return Outbox().to(turn.resident.id, Text(t("common.sorry", turn.resident.language)))
    row.status = "done"
    return outbox


def _welcome(resident: Resident) -> Outbox:
    """The greeting for a first message that no follow event greeted."""
    return Outbox().to(resident.id, Text(t("onboarding.welcome", resident.language,
                                           name=resident.display_name)))


def _with_profile(session, channel, inbound: Inbound) -> Inbound:
    """On a follow or a first message, the person's name and language from the platform's profile."""
    if inbound.kind == "unfollow" or (
            inbound.kind != "follow" and residents.find(session, inbound.platform, inbound.user_id)):
        return inbound
    profile = channel.profile(inbound.user_id)
    return replace(inbound, display_name=inbound.display_name or profile.get("display_name"),
                   language=inbound.language or profile.get("language"))


def _follow_profile(channel, resident, inbound: Inbound) -> None:
    """A follow: greet in the profile's language, and show the rich menu of that language."""
    if inbound.language:
        resident.language = supported(inbound.language)
    _link_menu(channel, resident)


def _link_menu(channel, resident: Resident) -> None:
    """Show the person the rich menu of their language (only LINE has rich menus)."""
    if getattr(channel, "link_menu", None) is None:
        return
    if resident.language == DEFAULT_LOCALE and resident.rich_menu_id:
        channel.unlink_menu(resident.platform_user_id)
    resident.rich_menu_id = channel.link_menu(resident.platform_user_id, resident.language)


def _show_loading(channel, user_id: str) -> None:
    try:
        channel.show_loading(user_id)
    except Exception:  # a missing animation is no reason to lose the answer
        log.warning("loading animation failed for %s", user_id, exc_info=True)


def deliver(outbound_ids: list[int]) -> None:
    """Send outbound rows written by another job (after its commit)."""
    outboxes.deliver(outbound_ids)
