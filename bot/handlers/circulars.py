"""Circulars in chat: recent ones, read confirmations, and an admin's compose-preview-send."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.circulars import circulars, render, subscriptions
from bot.circulars.circulars import Draft, QuotaExceededError
from bot.errors import NotAllowedError
from bot.events import Button, Outbox, Text
from bot.handlers import Turn, button, main_menu, on_command, on_postback, on_state
from bot.i18n import list_text, t, when_text
from db.models import Circular, District, Resident

COMPOSE_MINUTES = 60


def refuse(turn: Turn) -> Outbox:
    """The kind answer to someone who is not an admin of the district."""
    return turn.reply(Text(turn.t("common.not_allowed"), main_menu(turn.locale)))


def admin_buttons(session: Session, turn: Turn) -> tuple:
    """The admin's own actions, one compose and one safety check button per district."""
    districts = subscriptions.admin_districts(session, turn.resident)
    per_district = [
        b
        for d in districts
        for b in (
            button(turn.t("circular.compose_button", district=d.name), "admin.compose", d.id),
            button(turn.t("safety.start_button", district=d.name), "safety.prepare", d.id),
        )
    ]
    if not districts:
        return ()
    return (
        *per_district,
        button(turn.t("circular.status_button"), "circular.status"),
        button(turn.t("safety.status_button"), "safety.status"),
        button(turn.t("circular.districts_button"), "admin.districts"),
        button(turn.t("timebank.record_teaching"), "timebank.teach"),
        button(turn.t("admin.open"), "admin.link"),
    )


@on_postback("menu.circulars")
def recent_circulars(session: Session, turn: Turn) -> Outbox:
    """最近の回覧板: the latest circulars of the districts the resident follows."""
    followed = subscriptions.followed(session, turn.resident)
    items = circulars.recent(session, [d.id for d in followed])
    lines = [
        turn.t(
            "circular.recent_item",
            date=when_text((c.sent_at or c.created_at).date(), turn.locale),
            district=c.district.name,
            title=c.title,
        )
        for c in items
    ]
    text = "\n".join([turn.t("circular.recent_title"), *lines]) if lines else turn.t("circular.recent_none")
    if not followed:
        text = turn.t("subscription.none")
    more = (button(turn.t("subscription.more_button"), "subscription.choose"),)
    outbox = turn.reply(Text(text, more + main_menu(turn.locale)))
    admin = admin_buttons(session, turn)
    return outbox.to(turn.resident.id, Text(turn.t("circular.admin_menu"), admin)) if admin else outbox


def not_yours(turn: Turn) -> Outbox:
    """The kind answer to someone pressing a button meant for a person they do not represent."""
    return turn.reply(Text(turn.t("circular.not_yours"), main_menu(turn.locale)))


def speaks_for(presser: Resident, person: Resident | None) -> bool:
    """Whether the presser may answer for this person: it is them, or they are their proxy."""
    return person is not None and (person.id == presser.id or person.proxy_id == presser.id)


def answering_for(session: Session, turn: Turn) -> Resident | None:
    """Whom a pressed button answers for: its second argument (someone represented) or the
    presser; None when the presser may not answer for that person."""
    if len(turn.args) < 2:
        return turn.resident
    person = session.get(Resident, int(turn.args[1])) if turn.args[1].isdigit() else None
    return person if speaks_for(turn.resident, person) else None


@on_postback("circular.confirm")
def confirm_pressed(session: Session, turn: Turn) -> Outbox:
    """確認しました pressed under a circular (by a proxy: for the person they represent)."""
    person = answering_for(session, turn)
    if person is None:
        return not_yours(turn)
    circulars.confirm(session, int(turn.args[0]), person.id, turn.now)
    return turn.reply(Text(turn.t("circular.confirmed"), main_menu(turn.locale)))


@on_state("circular_confirm")
def confirm_typed(session: Session, turn: Turn) -> Outbox | None:
    """見ました / 確認しました typed after a circular that asked for a confirmation."""
    if not reads_as_read(turn):
        return None
    conversations.finish(session, turn.resident)
    return confirm_pressed(session, _with_args(turn, turn.pending.data.get("circular_id")))


def reads_as_read(turn: Turn) -> bool:
    """Whether the whole reply says "I have read it": width and kana folded, in the sender's or
    the message's language, with endings that change nothing (見たよ, 読んだばい, ｵｯｹｰ)."""
    from bot.handlers.conversation import PUNCTUATION, normal, words

    replies, endings = set(words(turn, "circular.read_replies")), words(turn, "circular.read_endings")
    text = normal(turn.text)
    while text and text not in replies:
        ending = next((e for e in endings if e and text.endswith(e) and len(text) > len(e)), None)
        if ending is None:
            return False
        text = text[: -len(ending)].rstrip(PUNCTUATION)
    return bool(text)


def _with_args(turn: Turn, *args: object) -> Turn:
    turn.args = [str(a) for a in args]
    return turn


@on_postback("admin.compose")
def compose(session: Session, turn: Turn) -> Outbox:
    """The admin pressed 回覧板を送る: ask for the title and text."""
    district = session.get(District, int(turn.args[0])) if turn.args else None
    if district is None or district not in subscriptions.admin_districts(session, turn.resident):
        return refuse(turn)
    conversations.ask(
        session, turn.resident, "circular_compose", {"district_id": district.id}, now=turn.now, minutes=COMPOSE_MINUTES
    )
    return turn.reply(Text(turn.t("circular.compose_ask", district=district.name)))


@on_state("circular_compose")
def composed(session: Session, turn: Turn) -> Outbox:
    """The admin wrote the circular: show the preview."""
    conversations.finish(session, turn.resident)
    return draft_from_text(session, turn, turn.text, turn.pending.data["district_id"])


@on_command("circular.compose_prefixes")
def compose_from_chat(session: Session, turn: Turn) -> Outbox | None:
    """回覧: <title>\\n<body> from an admin: a preview; from anyone else: a kind refusal."""
    text = turn.args[0]
    districts = subscriptions.admin_districts(session, turn.resident)
    if not districts:
        return refuse(turn)
    return draft_from_text(session, turn, text, districts[0].id)


# The end of a sentence (。！？), where a circular written on one line is cut into title and body.
_SENTENCE_END = re.compile(r"(?<=[。！？!?])")


def split_title(text: str) -> tuple[str, str]:
    """First line the title, the rest the body; written on one line (「12月6日に大掃除をします。
    軍手をお持ちください。」), its first sentence the title and the rest the body."""
    title, _, body = text.strip().partition("\n")
    if not body.strip():
        title, *rest = _SENTENCE_END.split(title.strip(), maxsplit=1)
        body = "".join(rest)
    return title.strip()[:200], body.strip()


def draft_from_text(session: Session, turn: Turn, text: str, district_id: int) -> Outbox:
    """Draft the circular and show it with its cost and 送信 / やめる."""
    title, body = split_title(text)
    if not title:
        return turn.reply(Text(turn.t("circular.compose_empty")))
    try:
        circular = circulars.draft(session, turn.resident.id, Draft(district_id, title, body))
    except NotAllowedError:
        return refuse(turn)
    return preview(session, turn, circular)


def preview(session: Session, turn: Turn, circular: Circular) -> Outbox:
    """What the followers will get, what it costs, and the buttons to send or not."""
    price = circulars.cost(session, circular.district_id, turn.channels)
    followers = subscriptions.follower_count(session, circular.district_id)
    # as the followers of the admin's language will get it, without its buttons (nothing to press yet)
    district = session.get_one(District, circular.district_id)
    sample = [replace(m, buttons=()) for m in render.messages_for(circular, district.name, turn.locale)]
    actions: tuple[Button, ...] = (button(turn.t("circular.cancel_button"), "circular.cancel", circular.id),)
    if price.verdict == "stop":
        lines = [turn.t("circular.cost_stop", messages=price.messages, left=price.left)]
    else:
        lines = [cost_text(turn.locale, price, followers)]
        lines += [turn.t("circular.cost_warn")] if price.verdict == "warn" else []
        lines.append(turn.t("circular.preview"))
        actions = (button(turn.t("circular.send_button"), "circular.send", circular.id), *actions)
    return turn.reply(*sample, Text("\n".join(lines), actions))


def cost_text(locale: str, price: circulars.Cost, followers: int) -> str:
    """How many it reaches and how many LINE messages it uses."""
    if price.limit is None:
        return t("circular.cost_unlimited", locale, followers=followers, messages=price.messages)
    return t("circular.cost", locale, followers=followers, messages=price.messages, left=price.left)


@on_postback("circular.send")
def send_pressed(session: Session, turn: Turn) -> Outbox:
    """送信 pressed under a preview: launch the fan-out (after this turn commits)."""
    circular = session.get(Circular, int(turn.args[0]))
    if circular is None or circular.status != "draft":
        return turn.reply(Text(turn.t("circular.already")))
    try:
        price = circulars.launch(session, circular, turn.resident.id, turn.now, turn.channels)
    except NotAllowedError:
        return refuse(turn)
    except QuotaExceededError:
        price = circulars.cost(session, circular.district_id, turn.channels)
        return turn.reply(Text(turn.t("circular.cost_stop", messages=price.messages, left=price.left)))
    if circular.status == "scheduled" and circular.scheduled_at is not None:
        return turn.reply(Text(turn.t("circular.scheduled", when=when_text(circular.scheduled_at, turn.locale))))
    followers = subscriptions.follower_count(session, circular.district_id)
    return turn.reply(Text(turn.t("circular.sending", followers=followers)))


@on_postback("circular.cancel")
def cancel_pressed(session: Session, turn: Turn) -> Outbox:
    """やめる pressed under a preview."""
    circular = session.get(Circular, int(turn.args[0]))
    try:
        done = circular is not None and circulars.cancel(session, circular, turn.resident.id)
    except NotAllowedError:
        return refuse(turn)
    return turn.reply(Text(turn.t("circular.cancelled" if done else "circular.already")))


def names(turn: Turn, people: list[Resident]) -> str:
    """Display names for an admin's follow-up list."""
    return list_text((p.display_name or turn.t("circular.no_name") for p in people), turn.locale)


@on_command("circular.status_words")
def status_typed(session: Session, turn: Turn) -> Outbox | None:
    """未確認の人, typed by an admin (from anyone else: not a command)."""
    return status(session, turn) if subscriptions.admin_districts(session, turn.resident) else None


@on_postback("circular.status")
def status(session: Session, turn: Turn) -> Outbox:
    """未確認の人: the latest circular's sent / confirmed counts and who has not confirmed."""
    return follow_up(session, turn, "circular")


def follow_up(session: Session, turn: Turn, area: str) -> Outbox:
    """The latest circular (area "circular") or safety check ("safety"): counts, who is silent."""
    districts = [d.id for d in subscriptions.admin_districts(session, turn.resident)]
    if not districts:
        return refuse(turn)
    kind, column = ("safety_check", "answer") if area == "safety" else ("circular", "confirmed_at")
    latest = circulars.latest(session, districts, kind)
    if latest is None:
        return turn.reply(Text(turn.t(f"{area}.nothing_yet")))
    silent = circulars.silent(session, latest.id, column)
    lines = [
        turn.t(f"{area}.status", title=latest.title, **circulars.progress(session, latest.id).counts()),
        turn.t(f"{area}.silent_list", names=names(turn, silent)) if silent else turn.t(f"{area}.silent_none"),
    ]
    return turn.reply(Text("\n".join(lines), admin_buttons(session, turn)))
