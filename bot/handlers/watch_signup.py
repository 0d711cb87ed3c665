"""Signing up for the daily check-in in chat: for whom, the time, the days, the hours to wait,
who watches, and the address for the neighbour. A declared conversation: cancel and the other
exits work at every question (bot.handlers.conversation)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.events import Message, Outbox, Text
from bot.handlers import Turn, button, on_postback
from bot.handlers import conversation as flows
from bot.handlers.onboarding import AFTER_DISTRICT, ask_district
from bot.i18n import t, time_text
from bot.watch import checkins, consent
from bot.watch.checkins import EVERY_DAY, WEEKDAYS, Plan
from bot.watch.words import minute_of_day
from db.models import CheckInRequest, Resident

ASK_MINUTES = 60
TIMES = (7 * 60, 9 * 60, 11 * 60)
WAIT_HOURS = (2, 3, 6)
WHO = ("family", "admin", "both")
FAMILY = "family"  # the watch_for choice of a family member living apart
# A Korean word for oneself of one syllable (저, 나) counts at the start of a word only (저요,
# 나예요): 누나, an older sister, ends in 나.
_WORD = re.compile(r"\w+")


def for_me(session: Session, turn: Turn, person_id: int) -> Resident | None:
    """The person if the sender is them or their proxy, else None."""
    person = session.get(Resident, person_id)
    if person is None or turn.resident.id not in (person.id, person.proxy_id):
        return None
    return person


def _ask(session: Session, turn: Turn, state: str, data: dict) -> None:
    conversations.ask(session, turn.resident, state, data, now=turn.now, minutes=ASK_MINUTES)


def _step(session: Session, turn: Turn, state: str) -> dict | None:
    """The sign-up's data when the pending question is `state`, else None (an old button)."""
    conversation = conversations.current(session, turn.resident, turn.now)
    if conversation is None or conversation.state != state:
        return None
    return dict(conversation.data)


def _clock(minute: int, locale: str) -> str:
    return time_text(datetime(2000, 1, 1, minute // 60, minute % 60), locale)


# -- the questions, as asked (and asked again) -------------------------------------------------


def _questions(turn: Turn, state: str, data: dict) -> list[Message]:
    if state == "watch_for":
        return [Text(turn.t("watch.ask_whom"), tuple(button(name, "watch.for", pid) for pid, name in data["choices"]))]
    if state == "watch_family_name":
        return [Text(turn.t("watch.ask_family_name"))]
    if state == "watch_time":
        choices = tuple(button(_clock(m, turn.locale), "watch.time", m) for m in TIMES)
        name = data.get("name", "").strip()
        asked = turn.t("watch.ask_time", name=name) if name else turn.t("watch.ask_time_unnamed")
        return [Text(asked, choices)]
    if state == "watch_days":
        return [
            Text(
                turn.t("watch.ask_days"),
                (
                    button(turn.t("watch.every_day"), "watch.days", "every"),
                    button(turn.t("watch.weekdays"), "watch.days", "weekdays"),
                ),
            )
        ]
    if state == "watch_wait":
        return [
            Text(
                turn.t("watch.ask_wait"),
                tuple(button(turn.t("watch.hours", hours=h), "watch.wait", h) for h in WAIT_HOURS),
            )
        ]
    if state == "watch_who":
        return [Text(turn.t("watch.ask_who"), tuple(button(turn.t(f"watch.who.{w}"), "watch.who", w) for w in WHO))]
    return [Text(turn.t("watch.ask_address"), (button(turn.t("watch.address_later"), "watch.address_later"),))]


def _next(session: Session, turn: Turn, state: str, data: dict) -> Outbox:
    _ask(session, turn, state, data)
    return turn.reply(*_questions(turn, state, data))


def ask_again(session: Session, turn: Turn) -> list[Message]:
    """The pending question once more."""
    return _questions(turn, turn.pending.state, dict(turn.pending.data or {}))


def cancel(session: Session, turn: Turn) -> Outbox:
    """やめます during the sign-up: nothing is started."""
    conversations.finish(session, turn.resident)
    return turn.reply(Text(turn.t("watch.signup_cancelled")))


# -- the steps -------------------------------------------------------------------------------


def start(session: Session, turn: Turn) -> Outbox:
    """見守り: for whom: oneself, a person one is proxy for, or family (who will be asked first)."""
    represented = list(session.scalars(select(Resident).where(Resident.proxy_id == turn.resident.id)))
    choices = [(turn.resident.id, turn.t("watch.for_myself"))] + [
        (p.id, p.display_name or str(p.id)) for p in represented
    ]
    if not represented and flows.has_word(turn, "watch.parent_words"):
        return _next(session, turn, "watch_family_name", {})  # 「母が一人暮らしで…」 said for whom already
    return _next(session, turn, "watch_for", {"choices": choices + [(FAMILY, turn.t("watch.for_family"))]})


@on_postback("watch.for")
def whom_pressed(session: Session, turn: Turn) -> Outbox:
    """Oneself or a represented person: on to the time; family: their name first."""
    if _step(session, turn, "watch_for") is None:
        return turn.reply(Text(turn.t("common.stale_button")))
    if turn.args[0] == FAMILY:
        return _next(session, turn, "watch_family_name", {})
    person = for_me(session, turn, int(turn.args[0]))
    if person is None:
        return turn.reply(Text(turn.t("common.stale_button")))
    return _ask_time(session, turn, person)


def typed_whom(session: Session, turn: Turn) -> Outbox | None:
    """「わたしです」「母の見守りを」, or a represented person's name, typed instead of pressed."""
    data = _step(session, turn, "watch_for") or {}
    others = [(pid, name) for pid, name in data.get("choices", []) if pid not in (FAMILY, turn.resident.id)]
    named = [pid for pid, name in others if name in turn.text]
    if len(named) == 1:
        person = for_me(session, turn, named[0])
        return _ask_time(session, turn, person) if person is not None else None
    if flows.has_word(turn, "watch.family_words"):
        return _next(session, turn, "watch_family_name", {})
    if _says_myself(turn):
        return _ask_time(session, turn, turn.resident)
    return None


def _says_myself(turn: Turn) -> bool:
    """「わたしです」「저요」 "me": a word of watch.myself_words (one Korean syllable: a word's first)."""
    firsts = {word[0] for word in _WORD.findall(flows.normal(turn.text))}
    return any(
        word in firsts or not flows.one_korean_syllable(word) for word in flows.found_words(turn, "watch.myself_words")
    )


def typed_family_name(session: Session, turn: Turn) -> Outbox | None:
    """The name of the family member to watch over: asked for their consent once the plan is chosen."""
    name = consent.written_name(turn.text)[:60]
    if not consent.bare_name(name):
        return None
    return _next(session, turn, "watch_time", {"family_name": name, "name": name})


def _ask_time(session: Session, turn: Turn, person: Resident) -> Outbox:
    if person.district_id is None:
        then = "watch" if person.id == turn.resident.id else None  # their own district: resumed after
        return turn.reply(Text(turn.t("watch.district_first")), ask_district(session, turn, then=then))
    return _next(session, turn, "watch_time", {"person_id": person.id, "name": person.display_name or ""})


AFTER_DISTRICT["watch"] = lambda session, turn: _ask_time(session, turn, turn.resident)


# 「毎朝」「夕方に」 with no clock time: the hour the bot reads that part of day as (bot/nlp/when.PARTS)
PART_OF_DAY_MINUTE = {"morning": 9 * 60, "afternoon": 14 * 60, "evening": 17 * 60}


def typed_time(session: Session, turn: Turn) -> Outbox | None:
    """8時半 / 7:30 typed instead of pressed; a part of day alone (毎朝, in the evening) is its usual hour."""
    minute = minute_of_day(turn.text)
    if minute is None:
        minute = PART_OF_DAY_MINUTE.get(turn.understood.time_of_day or "")
    return None if minute is None else _chose_time(session, turn, minute)


@on_postback("watch.time")
def time_pressed(session: Session, turn: Turn) -> Outbox:
    """A greeting time pressed."""
    return _chose_time(session, turn, int(turn.args[0]))


def _chose_time(session: Session, turn: Turn, minute: int) -> Outbox:
    data = _step(session, turn, "watch_time")
    if data is None or not 0 <= minute < 24 * 60:
        return turn.reply(Text(turn.t("common.stale_button")))
    return _next(session, turn, "watch_days", {**data, "minute": minute})


@on_postback("watch.days")
def days_pressed(session: Session, turn: Turn) -> Outbox:
    """毎日 / 平日だけ."""
    data = _step(session, turn, "watch_days")
    if data is None or turn.args[0] not in ("every", "weekdays"):
        return turn.reply(Text(turn.t("common.stale_button")))
    return _next(session, turn, "watch_wait", {**data, "days": turn.args[0]})


@on_postback("watch.wait")
def wait_pressed(session: Session, turn: Turn) -> Outbox:
    """How many hours of silence before the watchers hear of it."""
    data = _step(session, turn, "watch_wait")
    if data is None or int(turn.args[0]) not in WAIT_HOURS:
        return turn.reply(Text(turn.t("common.stale_button")))
    return _next(session, turn, "watch_who", {**data, "hours": int(turn.args[0])})


@on_postback("watch.who")
def who_pressed(session: Session, turn: Turn) -> Outbox:
    """Who watches: then the check-in starts, and the code for family is given."""
    data = _step(session, turn, "watch_who")
    if data is not None and "family_name" in data and turn.args[0] in WHO:
        conversations.finish(session, turn.resident)
        return consent.ask(session, turn.resident, data["family_name"], _plan(data, turn.args[0]), turn.now)
    person = for_me(session, turn, int(data["person_id"])) if data else None
    if data is None or person is None or turn.args[0] not in WHO:
        return turn.reply(Text(turn.t("common.stale_button")))
    plan = _plan(data, turn.args[0])
    check_in = checkins.sign_up(session, person, plan, by=turn.resident, now=turn.now)
    conversations.finish(session, turn.resident)
    days = turn.t("watch.every_day" if data["days"] == "every" else "watch.weekdays")
    box = turn.reply(
        Text(
            turn.t(
                "watch.signed_up",
                name=person.display_name or "",
                days=days,
                time=_clock(plan.minute_of_day, turn.locale),
                hours=plan.alert_after_hours,
            )
        )
    )
    if turn.args[0] in ("family", "both"):
        box.to(turn.resident.id, Text(turn.t("watch.share_code", code=check_in.invite_code)))
    if not person.address:
        box.extend(_next(session, turn, "watch_address", {"person_id": person.id}))
    return box


def _plan(data: dict, who: str) -> Plan:
    return Plan(
        minute_of_day=data["minute"],
        weekdays=EVERY_DAY if data["days"] == "every" else WEEKDAYS,
        alert_after_hours=data["hours"],
        district_admins_watch=who in ("admin", "both"),
    )


@on_postback("watch.consent")
def consent_pressed(session: Session, turn: Turn) -> Outbox:
    """The watched person's yes or no to a family member's request; only they (or their proxy) answer."""
    request = session.get(CheckInRequest, int(turn.args[0]))
    if request is None or request.status != "asked" or for_me(session, turn, request.resident_id) is None:
        return turn.reply(Text(turn.t("common.stale_button")))
    person, family = request.resident, request.requested_by
    check_in = consent.answer(session, request, turn.args[1] == "yes", turn.now)
    if check_in is None:
        box = turn.reply(Text(turn.t("watch.consent_declined_you", family=family.display_name or "")))
        return box.to(family.id, Text(t_for(family, "watch.consent_declined", name=person.display_name or "")))
    stop = button(turn.t("watch.stop_button"), "watch.stop")
    box = turn.reply(Text(turn.t("watch.consent_started"), (stop,)))
    box.to(
        family.id,
        Text(t_for(family, "watch.consent_agreed", name=person.display_name or "")),
        Text(t_for(family, "watch.share_code", code=check_in.invite_code)),
    )
    if person.district_id is None and person.id == turn.resident.id:
        return box.extend(turn.reply(Text(turn.t("watch.district_first")), ask_district(session, turn)))
    if not person.address:
        box.extend(_next(session, turn, "watch_address", {"person_id": person.id}))
    return box


def t_for(person: Resident, key: str, **fields: object) -> str:
    """A catalog text in another person's language."""
    return t(key, person.language, **fields)


def typed_address(session: Session, turn: Turn) -> Outbox | None:
    """Where the neighbour should go: kept for the helper who accepts, no one else."""
    person = for_me(session, turn, int((turn.pending.data or {}).get("person_id", 0)))
    if person is None or not turn.text.strip():
        return None
    person.address = turn.text.strip()[:500]
    conversations.finish(session, turn.resident)
    return turn.reply(Text(turn.t("watch.address_kept")))


@on_postback("watch.address_later")
def address_later(session: Session, turn: Turn) -> Outbox:
    """No address now."""
    conversations.finish(session, turn.resident)
    return turn.reply(Text(turn.t("watch.address_skipped")))


def typed_choice(session: Session, turn: Turn) -> Outbox | None:
    """「毎日で」「3時間くらい」「家族で」 typed at a question asked with buttons: as the button it
    names was pressed (None, asked again, when it names none or several); a choice refused in words
    (「毎日は無理です」) is asked again at once, never taken for another topic."""
    if flows.refuses_choice(turn):
        return turn.reply(Text(turn.t("conversation.not_understood")), *ask_again(session, turn))
    state = turn.pending.state
    buttons = [b for m in _questions(turn, state, dict(turn.pending.data or {})) for b in getattr(m, "buttons", ())]
    chosen = flows.typed_choice(turn, buttons)
    if chosen is None:
        return None
    action, *args = chosen.data.split(":")
    pressed = {"watch.days": days_pressed, "watch.wait": wait_pressed, "watch.who": who_pressed}[action]
    return pressed(session, replace(turn, action=action, args=args))


SIGN_UP = flows.declare(
    flows.Flow(
        name="watch",
        questions={
            "watch_for": typed_whom,
            "watch_family_name": typed_family_name,
            "watch_time": typed_time,
            "watch_days": typed_choice,
            "watch_wait": typed_choice,
            "watch_who": typed_choice,
            "watch_address": typed_address,
        },
        free_text=frozenset({"watch_address", "watch_family_name"}),
        timeout_minutes=ASK_MINUTES,
        cancel=cancel,
        ask_again=ask_again,
    )
)
