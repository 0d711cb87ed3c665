"""見守り in chat: signing up (time, days, hours to wait, watchers), the daily answer, pauses,
joining as a watcher with a code, the last 30 days, and the helper's report from the door."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot import outbox as outboxes
from bot.events import Outbox, Text
from bot.handlers import Turn, button, catalog_words, on_command, on_first, on_postback, on_state
from bot.handlers.onboarding import ask_district
from bot.i18n import time_text
from bot.queue import enqueue_after_commit
from bot.watch import answers, checkins, visits
from bot.watch.checkins import EVERY_DAY, WEEKDAYS, Plan
from bot.watch.history import history_text
from bot.watch.words import minute_of_day
from db.models import CheckInDay, Resident

ASK_MINUTES = 60
TIMES = (7 * 60, 9 * 60, 11 * 60)
WAIT_HOURS = (2, 3, 6)
# Intents that mean the person wants something done: their words count as an answer, quietly.
ACTIONS = ("help_request", "offer_help", "cancel", "done", "balance", "subscribe", "unsubscribe", "usage")
CODE = re.compile(r"\d{6}")


def _for_me(session: Session, turn: Turn, person_id: int) -> Resident | None:
    """The person if the sender is them or their proxy, else None."""
    person = session.get(Resident, person_id)
    if person is None or turn.resident.id not in (person.id, person.proxy_id):
        return None
    return person


# -- answers to the greeting, and pauses, whatever else is going on ---------------------------

@on_first
def answered_in_words(session: Session, turn: Turn) -> Outbox | None:
    """Any words from a greeted resident count; a time away pauses the greetings."""
    intent = getattr(turn.understanding, "intent", "")
    busy = intent in ACTIONS or (turn.conversation is not None and not turn.conversation.state.startswith("watch_"))
    paused = answers.away(session, turn.resident, turn.text, turn.now)
    said = answers.in_words(session, turn.resident, turn.text, turn.now)
    if busy and paused is None:
        return _send_quietly(session, said, turn)
    if paused is None:
        return said
    return paused if said is None else paused.extend(_others(said, turn))


def _others(box: Outbox, turn: Turn) -> Outbox:
    """What the answer told others (watchers), without the thanks to the sender."""
    return Outbox([e for e in box.envelopes if e.resident_id != turn.resident.id])


def _send_quietly(session: Session, said: Outbox | None, turn: Turn) -> None:
    """The words go on to their own handler; what the answer told the watchers is sent apart."""
    if said is None:
        return None
    ids = outboxes.store(session, _others(said, turn))
    if ids:
        enqueue_after_commit(session, "bot.jobs.deliver", ids)
    return None


@on_postback("watch.fine")
def fine_pressed(session: Session, turn: Turn) -> Outbox:
    """元気です on the greeting (by the person or their proxy)."""
    day = session.get(CheckInDay, int(turn.args[0]))
    if day is None or _for_me(session, turn, day.check_in.resident_id) is None:
        return turn.reply(Text(turn.t("common.stale_button")))
    return answers.fine(session, day, turn.resident, turn.now)


@on_postback("watch.visit")
def visit_reported(session: Session, turn: Turn) -> Outbox:
    """会えた / 不在 / 救急 from the helper at the door."""
    return visits.report(session, int(turn.args[0]), turn.args[1], turn.resident, turn.now)


# -- signing up ------------------------------------------------------------------------------

@on_command("watch.words")
def watch_command(session: Session, turn: Turn) -> Outbox:
    """見守り...: a code joins as a watcher; 記録 shows the last 30 days; やめる stops; else sign up."""
    rest = turn.args[0] if turn.args else ""
    if code := CODE.search(rest):
        return _join(session, turn, code.group())
    if any(word in rest.lower() for word in catalog_words(turn.locale, "watch.history_hints")):
        return turn.reply(Text(history_text(session, turn.resident, turn.now.date())))
    if any(word in rest.lower() for word in catalog_words(turn.locale, "watch.stop_hints")):
        return _stop(session, turn)
    return _start(session, turn)


def _start(session: Session, turn: Turn) -> Outbox:
    represented = list(session.scalars(select(Resident).where(Resident.proxy_id == turn.resident.id)))
    if represented:
        choices = (button(turn.t("watch.for_myself"), "watch.for", turn.resident.id),
                   *(button(p.display_name or str(p.id), "watch.for", p.id) for p in represented))
        conversations.ask(session, turn.resident, "watch_for", {}, now=turn.now, minutes=ASK_MINUTES)
        return turn.reply(Text(turn.t("watch.ask_whom"), choices))
    return _ask_time(session, turn, turn.resident)


@on_postback("watch.for")
def whom_pressed(session: Session, turn: Turn) -> Outbox:
    """The proxy chose who is watched over."""
    person = _for_me(session, turn, int(turn.args[0]))
    if person is None:
        return turn.reply(Text(turn.t("common.stale_button")))
    return _ask_time(session, turn, person)


def _ask_time(session: Session, turn: Turn, person: Resident) -> Outbox:
    if person.district_id is None:
        return turn.reply(Text(turn.t("watch.district_first")), ask_district(session, turn))
    conversations.ask(session, turn.resident, "watch_time", {"person_id": person.id}, now=turn.now,
                      minutes=ASK_MINUTES)
    choices = tuple(button(_clock(m, turn.locale), "watch.time", m) for m in TIMES)
    return turn.reply(Text(turn.t("watch.ask_time", name=person.display_name or ""), choices))


def _clock(minute: int, locale: str) -> str:
    from datetime import datetime

    return time_text(datetime(2000, 1, 1, minute // 60, minute % 60), locale)


def _step(session: Session, turn: Turn, state: str) -> dict | None:
    """The sign-up's data when the pending question is `state`, else None (an old button)."""
    conversation = conversations.current(session, turn.resident, turn.now)
    if conversation is None or conversation.state != state:
        return None
    return dict(conversation.data)


@on_state("watch_time")
def typed_time(session: Session, turn: Turn) -> Outbox | None:
    """8時半 / 7:30 typed instead of pressed."""
    minute = minute_of_day(turn.text)
    return None if minute is None else _chose_time(session, turn, minute)


@on_postback("watch.time")
def time_pressed(session: Session, turn: Turn) -> Outbox:
    """A greeting time pressed."""
    return _chose_time(session, turn, int(turn.args[0]))


def _chose_time(session: Session, turn: Turn, minute: int) -> Outbox:
    data = _step(session, turn, "watch_time")
    if data is None or not 0 <= minute < 24 * 60:
        return turn.reply(Text(turn.t("common.stale_button")))
    conversations.ask(session, turn.resident, "watch_days", {**data, "minute": minute}, now=turn.now,
                      minutes=ASK_MINUTES)
    return turn.reply(Text(turn.t("watch.ask_days"), (
        button(turn.t("watch.every_day"), "watch.days", "every"),
        button(turn.t("watch.weekdays"), "watch.days", "weekdays"))))


@on_postback("watch.days")
def days_pressed(session: Session, turn: Turn) -> Outbox:
    """毎日 / 平日だけ."""
    data = _step(session, turn, "watch_days")
    if data is None or turn.args[0] not in ("every", "weekdays"):
        return turn.reply(Text(turn.t("common.stale_button")))
    conversations.ask(session, turn.resident, "watch_wait", {**data, "days": turn.args[0]},
                      now=turn.now, minutes=ASK_MINUTES)
    return turn.reply(Text(turn.t("watch.ask_wait"), tuple(
        button(turn.t("watch.hours", hours=h), "watch.wait", h) for h in WAIT_HOURS)))


@on_postback("watch.wait")
def wait_pressed(session: Session, turn: Turn) -> Outbox:
    """How many hours of silence before the watchers hear of it."""
    data = _step(session, turn, "watch_wait")
    if data is None or int(turn.args[0]) not in WAIT_HOURS:
        return turn.reply(Text(turn.t("common.stale_button")))
    conversations.ask(session, turn.resident, "watch_who", {**data, "hours": int(turn.args[0])},
                      now=turn.now, minutes=ASK_MINUTES)
    return turn.reply(Text(turn.t("watch.ask_who"), tuple(
        button(turn.t(f"watch.who.{w}"), "watch.who", w) for w in ("family", "admin", "both"))))


@on_postback("watch.who")
def who_pressed(session: Session, turn: Turn) -> Outbox:
    """Who watches: then the check-in starts, and the code for family is given."""
    data = _step(session, turn, "watch_who")
    person = _for_me(session, turn, int(data["person_id"])) if data else None
    if person is None or turn.args[0] not in ("family", "admin", "both"):
        return turn.reply(Text(turn.t("common.stale_button")))
    plan = Plan(minute_of_day=data["minute"], weekdays=EVERY_DAY if data["days"] == "every" else WEEKDAYS,
                alert_after_hours=data["hours"], district_admins_watch=turn.args[0] in ("admin", "both"))
    check_in = checkins.sign_up(session, person, plan, by=turn.resident, now=turn.now)
    conversations.finish(session, turn.resident)
    days = turn.t("watch.every_day" if data["days"] == "every" else "watch.weekdays")
    said = turn.t("watch.signed_up", name=person.display_name or "", time=_clock(plan.minute_of_day, turn.locale),
                  days=days, hours=plan.alert_after_hours)
    box = turn.reply(Text(said))
    if turn.args[0] in ("family", "both"):
        box.to(turn.resident.id, Text(turn.t("watch.share_code", code=check_in.invite_code)))
    if not person.address:
        conversations.ask(session, turn.resident, "watch_address", {"person_id": person.id}, now=turn.now,
                          minutes=ASK_MINUTES)
        box.to(turn.resident.id, Text(turn.t("watch.ask_address"),
                                      (button(turn.t("watch.address_later"), "watch.address_later"),)))
    return box


@on_state("watch_address")
def typed_address(session: Session, turn: Turn) -> Outbox | None:
    """Where the neighbour should go: kept for the helper who accepts, no one else."""
    data = turn.conversation.data or {}
    person = _for_me(session, turn, int(data.get("person_id", 0)))
    if person is None or getattr(turn.understanding, "intent", "") in ACTIONS:
        return None
    person.address = turn.text.strip()[:500]
    conversations.finish(session, turn.resident)
    return turn.reply(Text(turn.t("watch.address_kept")))


@on_postback("watch.address_later")
def address_later(session: Session, turn: Turn) -> Outbox:
    """No address now."""
    conversations.finish(session, turn.resident)
    return turn.reply(Text(turn.t("watch.address_skipped")))


# -- watchers, stopping ------------------------------------------------------------------------

def _join(session: Session, turn: Turn, code: str) -> Outbox:
    check_in = checkins.by_code(session, code)
    if check_in is None or check_in.resident_id == turn.resident.id:
        return turn.reply(Text(turn.t("watch.code_unknown")))
    checkins.add_watcher(session, check_in, turn.resident, "family")
    person = check_in.resident
    box = turn.reply(Text(turn.t("watch.joined", name=person.display_name or "")))
    return box.to(person.id, Text(t_for(person, "watch.joined_told", name=turn.resident.display_name or "")))


def t_for(person: Resident, key: str, **fields: object) -> str:
    """A catalog text in another person's language."""
    from bot.i18n import t

    return t(key, person.language, **fields)


def _stop(session: Session, turn: Turn) -> Outbox:
    check_in = checkins.of(session, turn.resident.id)
    if check_in is None:
        return turn.reply(Text(turn.t("watch.none")))
    checkins.stop(check_in)
    box = turn.reply(Text(turn.t("watch.stopped")))
    for watcher in checkins.watchers(session, check_in):
        box.to(watcher.id, Text(t_for(watcher, "watch.stopped_watcher", name=turn.resident.display_name or "")))
    return box
