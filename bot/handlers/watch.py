"""見守り in chat: the daily answer (button or words) and pauses, whatever else is going on;
joining as a watcher with a code, the last 30 days, stopping, and the helper's report from the
door. Signing up is watch_signup.py."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot import outbox as outboxes
from bot.events import Outbox, Text
from bot.handlers import Turn, catalog_words, on_command, on_first, on_postback, on_text
from bot.handlers import conversation as flows
from bot.handlers.request_intake import asks
from bot.handlers.watch_signup import for_me, start, t_for
from bot.queue import Job, enqueue_after_commit
from bot.watch import answers, checkins, visits
from bot.watch.history import history_text
from db.models import CheckInDay

# Intents that mean the person wants something done: their words count as an answer, quietly.
ACTIONS = ("help_request", "offer_help", "cancel", "done", "balance", "subscribe", "unsubscribe", "usage")
CODE = re.compile(r"\d{6}")


# -- answers to the greeting, and pauses, whatever else is going on ---------------------------


@on_first
def answered_in_words(session: Session, turn: Turn) -> Outbox | None:
    """Any words from a greeted resident count; a time away pauses the greetings."""
    intent = getattr(turn.understanding, "intent", "")
    busy = intent in ACTIONS or (turn.conversation is not None and not turn.conversation.state.startswith("watch_"))
    paused = answers.away(session, turn.resident, turn.text, turn.now)
    said = answers.in_words(session, turn.resident, turn.text, turn.now)
    if busy and paused is None:
        _send_quietly(session, said, turn)
        return None
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
        enqueue_after_commit(session, Job.DELIVER, ids)
    return None


@on_postback("watch.fine")
def fine_pressed(session: Session, turn: Turn) -> Outbox:
    """元気です on the greeting (by the person or their proxy)."""
    day = session.get(CheckInDay, int(turn.args[0]))
    if day is None or for_me(session, turn, day.check_in.resident_id) is None:
        return turn.reply(Text(turn.t("common.stale_button")))
    return answers.fine(session, day, turn.resident, turn.now)


@on_postback("watch.visit")
def visit_reported(session: Session, turn: Turn) -> Outbox:
    """会えた / 不在 / 救急 from the helper at the door."""
    return visits.report(session, int(turn.args[0]), turn.args[1], turn.resident, turn.now)


# -- the command, watchers, stopping ------------------------------------------------------------------------


_SHORT = 10  # characters after the command word that may still be a bare sign-up (見守り 母をお願い)


@on_command("watch.words")
def watch_command(session: Session, turn: Turn) -> Outbox | None:
    """見守り...: a code joins as a watcher; 記録 shows the last 30 days; やめる stops; else sign up."""
    rest = turn.args[0] if turn.args else ""
    if code := CODE.search(rest):
        return _join(session, turn, code.group())
    if any(word in rest.lower() for word in catalog_words(turn.locale, "watch.history_hints")):
        return turn.reply(Text(history_text(session, turn.resident, turn.now.date())))
    if any(word in rest.lower() for word in catalog_words(turn.locale, "watch.stop_hints")):
        return _stop(session, turn)
    if len(rest) > _SHORT and turn.understood.intent in ("chitchat", "done"):
        return None  # 「見守りの方が今朝来てくれました、ありがとう」: a thank-you, answered as one
    return start(session, turn)


@on_text
def watch_in_words(session: Session, turn: Turn) -> Outbox | None:
    """「一人暮らしの母の見守りをお願いしたい」, "daily check-ins for my father": a request that names
    見守り anywhere, and no kind of help, starts the sign-up (a thank-you, a report, an offer or a
    cancel that names it is left to its own handler). Not the command's other branches: their
    hints, read anywhere in a sentence, are in its other words (様子 for the record, "end" in
    "weekends" for stopping)."""
    understood = turn.understood
    daily_check = flows.has_word(turn, "watch.daily_words") and flows.has_word(turn, "watch.check_words")
    # 「能不能每天有人去看看她？」 read as small talk; 「毎日暑いですね、様子はどう？」 asks no one to look in
    if understood.intent == "chitchat" and daily_check and ("?" in turn.text or "？" in turn.text) and asks(turn):
        return start(session, turn)
    if understood.intent != "help_request" or understood.category not in (None, "other"):
        return None  # 「子どもの見守りをお願いできますか」 is childcare, a request of its kind
    if not (flows.has_word(turn, "watch.words") or daily_check):
        return None  # 「毎朝様子ば見てもらえんやろか」 "check on her every day" name no 見守り
    if understood.when is not None and not flows.has_word(turn, "watch.daily_words"):
        return None  # 「明日の夕方、孫を見守ってもらえませんか」: one evening, a request with its time
    return start(session, turn)


def _join(session: Session, turn: Turn, code: str) -> Outbox:
    check_in = checkins.by_code(session, code)
    if check_in is None or check_in.resident_id == turn.resident.id:
        return turn.reply(Text(turn.t("watch.code_unknown")))
    said = (turn.args[0] if turn.args else "").lower()
    minsei = any(word in said for word in catalog_words(turn.locale, "watch.minsei_words"))
    checkins.add_watcher(session, check_in, turn.resident, "minsei" if minsei else "family")
    person = check_in.resident
    box = turn.reply(Text(turn.t("watch.joined", name=person.display_name or "")))
    told = "watch.joined_told_minsei" if minsei else "watch.joined_told"
    return box.to(person.id, Text(t_for(person, told, name=turn.resident.display_name or "")))


@on_postback("watch.stop")
def stop_pressed(session: Session, turn: Turn) -> Outbox:
    """見守りをやめる under the message that started it: the watched person stops it at any time."""
    return _stop(session, turn)


def _stop(session: Session, turn: Turn) -> Outbox:
    check_in = checkins.of(session, turn.resident.id)
    if check_in is None:
        return turn.reply(Text(turn.t("watch.none")))
    checkins.stop(check_in)
    box = turn.reply(Text(turn.t("watch.stopped")))
    for watcher in checkins.watchers(session, check_in):
        box.to(watcher.id, Text(t_for(watcher, "watch.stopped_watcher", name=turn.resident.display_name or "")))
    return box
