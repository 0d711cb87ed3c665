"""A district admin's work said in words, anywhere in the message (「地区のみなさんに安否確認を送って」
「回覧板を回したい」「返事がない人を教えて」「承認します」): the same as the buttons and commands."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.circulars import subscriptions
from bot.events import Outbox, Text
from bot.handlers import Turn, button, on_first, on_text
from bot.handlers.circulars import COMPOSE_MINUTES, admin_buttons, status as circular_status
from bot.handlers.conversation import has_word
from bot.handlers.safety import prepare_typed, status as safety_status
from bot.matching import approvals
from db.models import District, HelperProfile, helper_districts


@on_text
def admin_in_words(session: Session, turn: Turn) -> Outbox | None:
    """An admin's 「安否確認を送って」「回覧板を送りたい」「未回答の人は？」「承認します」; not an
    admin's, or none of these: not ours. The words are read first: every text of every resident
    that no question took comes here, and only one in an admin's words needs their districts."""
    safety, circular = has_word(turn, "adminchat.safety_words"), has_word(turn, "adminchat.circular_words")
    silent = has_word(turn, "adminchat.silent_words")
    asks_to_send = has_word(turn, "adminchat.send_words") and not has_word(turn, "adminchat.how_words")
    approve = has_word(turn, "adminchat.approve_words") and not has_word(turn, "adminchat.not_approve_words")
    if not (silent or (asks_to_send and (safety or circular)) or approve):
        return None
    districts = subscriptions.admin_districts(session, turn.resident)
    if not districts:
        return None
    if silent:
        unread = circular or has_word(turn, "adminchat.unread_words")
        return (circular_status if unread and not safety else safety_status)(session, turn)
    if asks_to_send and safety:
        return prepare_typed(session, turn)
    if asks_to_send and circular:
        return compose_asked(session, turn, districts)
    return approve_waiting(session, turn, districts)  # not 「承認待ちの人は？」「まだ承認しないで」


@on_first
def silent_asked_in_emergency_words(session: Session, turn: Turn) -> Outbox | None:
    """「まだ返事がない人は誰ですか」 from a district admin is their question about a safety check,
    though its words (返事がない) read as someone not answering in an emergency: answered before
    the emergency reply, which would alert the district's staff."""
    if turn.understanding is None or not turn.understanding.emergency or not has_word(turn, "adminchat.silent_words"):
        return None
    return admin_in_words(session, turn)


def compose_asked(session: Session, turn: Turn, districts: list[District]) -> Outbox:
    """「回覧板を送りたい」: ask for the circular (with several districts: which, by button)."""
    if len(districts) > 1:
        return turn.reply(Text(turn.t("circular.admin_menu"), admin_buttons(session, turn)))
    district = districts[0]
    conversations.ask(
        session, turn.resident, "circular_compose", {"district_id": district.id}, now=turn.now, minutes=COMPOSE_MINUTES
    )
    return turn.reply(Text(turn.t("circular.compose_ask", district=district.name)))


def waiting(session: Session, districts: list[District]) -> list[HelperProfile]:
    """Helpers of these districts who wait for an admin's approval."""
    ids = [d.id for d in districts if d.requires_approval]
    found = session.scalars(
        select(HelperProfile)
        .join(helper_districts, helper_districts.c.helper_id == HelperProfile.id)
        .where(helper_districts.c.district_id.in_(ids), HelperProfile.approved.is_(False))
        .order_by(HelperProfile.id)
    )
    return list(dict.fromkeys(found))


def approve_waiting(session: Session, turn: Turn, districts: list[District]) -> Outbox | None:
    """「承認します」: the one helper who waits is approved; with several, each has a button."""
    profiles = waiting(session, districts)
    if not profiles:
        return None
    if len(profiles) == 1:
        return approvals.approve_helper(session, profiles[0].resident_id, turn.resident.id)
    choices = tuple(
        button(p.resident.display_name or str(p.resident_id), "helper.approve", p.resident_id) for p in profiles
    )
    return turn.reply(Text(turn.t("adminchat.approve_which"), choices, lasting=True))
