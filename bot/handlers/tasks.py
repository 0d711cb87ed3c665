"""Cancelling a request, and a task done: one side reports, the other confirms, hours are settled."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.events import Outbox, Text
from bot import outbox as outboxes
from bot.handlers import Turn, as_read, button, on_intent, on_postback, on_state, on_text
from bot.handlers.conversation import has_word, normal, words
from bot.i18n import hours_text
from bot.matching import describe, drafts, offers, unmet
from db.models import HelpRequest, Resident, Task

ACTIVE = ("draft", "open", "unmet", "assigned")
MINUTE_CHOICES = (30, 60, 90, 120)


def on_behalf_of(session: Session, resident: Resident) -> list[int]:
    """This resident and the people they are proxy for."""
    return [resident.id, *session.scalars(select(Resident.id).where(Resident.proxy_id == resident.id))]


def latest_request(session: Session, resident: Resident, category: str | None = None) -> HelpRequest | None:
    """The person's most recent request still going on (of this kind, when one is given)."""
    people = on_behalf_of(session, resident)
    query = select(HelpRequest).where(
        or_(HelpRequest.resident_id.in_(people), HelpRequest.created_by_id == resident.id),
        HelpRequest.status.in_(ACTIVE),
    )
    if category is not None:
        query = query.where(HelpRequest.category == category)
    return session.scalar(query.order_by(HelpRequest.id.desc()).limit(1))


@on_intent("cancel")
def cancel(session: Session, turn: Turn) -> Outbox:
    """Cancel the latest request: offers withdrawn, the helper who took it told. A cancel only
    guessed (「さっきのお願い、どげんなったと」 has no word of cancelling) is asked about first."""
    request = named_request(session, turn) or latest_request(session, turn.resident)
    if request is None:
        return turn.reply(Text(turn.t("request.cancel_none")))
    if turn.text and not has_word(turn, "conversation.cancel_words"):
        return ask_to_cancel(turn, request)
    return withdrawn(session, turn, request)


def named_request(session: Session, turn: Turn) -> HelpRequest | None:
    """「ゴミ出しはキャンセル」 of a ゴミ出し and a 買い物 sent together: the latest request going on of
    the one kind the message names (a cancel is read with no kind of its own)."""
    from bot.nlp.classify import analyse, category_scores

    named = [kind for kind, score in category_scores(analyse(as_read(turn.text))).items() if score > 0]
    return latest_request(session, turn.resident, named[0]) if len(named) == 1 else None


def ask_to_cancel(turn: Turn, request: HelpRequest) -> Outbox:
    """「…のお願いを取り消しますか？」 with a button for each answer (on the message: they must last)."""
    return turn.reply(
        Text(
            describe_t(turn.resident, "request.ask_cancel", request),
            (
                button(turn.t("request.cancel_yes"), "request.cancel", str(request.id)),
                button(turn.t("request.cancel_no"), "request.keep"),
            ),
            lasting=True,
        )
    )


@on_postback("request.cancel")
def cancel_pressed(session: Session, turn: Turn) -> Outbox:
    """はい, 取り消す: the request is withdrawn, if it is still the person's and still out."""
    request = session.get(HelpRequest, int(turn.args[0]))
    if request is None or request != latest_request(session, turn.resident, request.category):
        return turn.reply(Text(turn.t("common.stale_button")))
    return withdrawn(session, turn, request)


@on_postback("request.keep")
def keep_pressed(session: Session, turn: Turn) -> Outbox:
    """いいえ: nothing changes."""
    return turn.reply(Text(turn.t("request.cancel_kept")))


def withdrawn(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """Withdraw the request's offers, tell the helper who took it, tell the person."""
    box = offers.close_offers(session, request, turn.now, "withdrawn", None)
    if request.status == "assigned" and request.task is not None:
        helper = request.task.helper
        box.to(helper.id, Text(describe_t(helper, "offer.cancelled_helper", request)))
    request.status, request.closed_at = "cancelled", turn.now
    conversations.finish(session, turn.resident)
    return turn.reply(
        Text(
            turn.t(
                "request.cancelled",
                kind=describe.kind(request.category, turn.locale),
                when=describe.when(request, turn.locale),
            )
        )
    ).extend(box)


def describe_t(person: Resident, key: str, request: HelpRequest, **fields: object) -> str:
    """A catalog text about a request in the person's language."""
    from bot.i18n import t

    return t(
        key,
        person.language,
        kind=describe.kind(request.category, person.language),
        when=describe.when(request, person.language),
        **fields,
    )


def my_task(session: Session, resident: Resident) -> Task | None:
    """The task in progress this person helps with, or is helped with."""
    people = on_behalf_of(session, resident)
    return session.scalar(
        select(Task)
        .join(HelpRequest, HelpRequest.id == Task.request_id)
        .where(
            HelpRequest.status == "assigned", or_(Task.helper_id == resident.id, HelpRequest.resident_id.in_(people))
        )
        .order_by(Task.id.desc())
        .limit(1)
    )


@on_intent("done")
def done(session: Session, turn: Turn) -> Outbox:
    """終わりました: ask how long it took (a default per kind), then the other side confirms; a
    time said in the same breath (「終わりました。1時間くらいでした」) is taken, not asked again."""
    task = my_task(session, turn.resident)
    if task is None:
        return turn.reply(Text(turn.t("task.none")))
    task.done_reported_by_id, task.done_at = turn.resident.id, turn.now
    said = duration(turn.text)
    if said is not None and 0 < said <= 24 * 60:
        return reported(session, turn, task, said)
    drafts.ask(session, turn.resident, "task_minutes", {"task_id": task.id}, turn.now)
    return turn.reply(minutes_question(turn, task, turn.t("task.ask_minutes", usual=usual_hours(turn, task))))


def usual_hours(turn: Turn, task: Task) -> str:
    from bot.timebank import ledger

    return hours_text(ledger.default_minutes(task.request.category), turn.locale)


def minutes_question(turn: Turn, task: Task, text: str) -> Text:
    """How long it took, with a button for the usual time and a few others."""
    from bot.timebank import ledger

    choices = sorted({ledger.default_minutes(task.request.category), *MINUTE_CHOICES})
    return Text(text, tuple(button(hours_text(m, turn.locale), "task.minutes", task.id, m) for m in choices))


_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")
_HOURS = r"(?:時間|じかん|ジカン|hours?|hrs?|h|giờ|小时|个小时|시간)"
_MINUTES = r"(?:分|ふん|ぷん|フン|プン|minutes?|mins?|m|phút|分钟|분)"
_NUMBER = r"(\d+(?:\.\d+)?)"


def _numerals(text: str) -> str:
    """Width folded, kanji numerals as digits (二時間 -> 2時間, 十五分 -> 15分)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"([一二三四五六七八九]?)十([一二三四五六七八九]?)", _tens, text)
    return text.translate(_KANJI_DIGITS)


def _tens(match: re.Match) -> str:
    tens = int(match.group(1).translate(_KANJI_DIGITS) or 1)
    ones = int(match.group(2).translate(_KANJI_DIGITS) or 0)
    return str(tens * 10 + ones)


def duration(text: str) -> int | None:
    """Minutes written with their unit: 「1時間半」 90, 「1.5時間」 90, 「二時間」 120, 「1時間15分」 75,
    "45 min" 45; a clock time (2時に) or a time ago (30分前) is no duration."""
    text = _numerals(text)
    hours = re.search(_NUMBER + r"\s*" + _HOURS + r"(半)?(?!前|後|ご|まえ)", text)
    minutes = re.search(r"(?<![\d.])" + _NUMBER + r"\s*" + _MINUTES + r"(?![a-z]|前|後|まえ)", text)
    if hours is None and minutes is None:
        return None
    total = 0.0
    if hours is not None:
        total += float(hours.group(1)) * 60 + (30 if hours.group(2) else 0)
    if minutes is not None and (hours is None or minutes.start() > hours.end() - 1):
        total += float(minutes.group(1))
    return round(total)


def parse_minutes(text: str) -> int | None:
    """ "90" -> 90, "1時間30分" -> 90, "1時間半" -> 90, "2" -> 120 (small numbers are hours)."""
    said = duration(text)
    if said is not None:
        return said
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", _numerals(text))]
    if len(numbers) >= 2:
        return round(numbers[0] * 60 + numbers[1])
    if numbers:
        return round(numbers[0] * 60 if numbers[0] <= 8 else numbers[0])
    return None


@on_state("task_minutes")
def typed_minutes(session: Session, turn: Turn) -> Outbox | None:
    """How long it took, typed; words that give no time (「わからない」) get the question again
    rather than a pleasantry that leaves the task unreported."""
    minutes = parse_minutes(turn.text)
    task = session.get(Task, (turn.pending.data or {}).get("task_id") or 0)
    if task is None:
        return None
    if minutes is None or not 0 < minutes <= 24 * 60:
        if elsewhere(turn):
            return None  # a request, a cancel, a command: read as such
        return turn.reply(minutes_question(turn, task, turn.t("task.minutes_again")))
    return reported(session, turn, task, minutes)


def elsewhere(turn: Turn) -> bool:
    """Whether words that are no time mean something else: a cancel, a command, a request for a
    kind of help (「わからない」 alone is no request)."""
    understood = turn.understood
    if understood.intent == "help_request":
        return understood.category not in (None, "other")
    return understood.intent not in ("chitchat", "done", "accept", "decline")


@on_postback("task.minutes")
def pressed_minutes(session: Session, turn: Turn) -> Outbox:
    """How long it took, pressed."""
    task = session.get(Task, int(turn.args[0]))
    if task is None or task.done_reported_by_id != turn.resident.id:
        return turn.reply(Text(turn.t("task.none")))
    return reported(session, turn, task, int(turn.args[1]))


def other_side(task: Task, reporter: Resident) -> Resident:
    """Who confirms: the person helped (their proxy reads it) or the helper."""
    return task.request.resident if reporter.id == task.helper_id else task.helper


def reported(session: Session, turn: Turn, task: Task, minutes: int) -> Outbox:
    """Minutes noted; the other side gets a button to confirm."""
    task.minutes = minutes
    conversations.finish(session, turn.resident)
    other = other_side(task, turn.resident)
    reader = outboxes.recipient(session, other.id)
    if reader is not None:  # so that a typed はい / まだです answers the question too
        conversations.ask(session, reader, "task_confirm", {"task_id": task.id}, now=turn.now, minutes=7 * 24 * 60)
    question = confirm_question(
        other,
        task,
        describe_t(
            other,
            "task.confirm_question",
            task.request,
            name=turn.resident.display_name,
            hours=hours_text(minutes, other.language),
        ),
    )
    return turn.reply(Text(turn.t("task.reported"))).to(other.id, question)


def confirm_question(person: Resident, task: Task, text: str) -> Text:
    """「終わりましたか」 with 確認する / まだです on the message: the answer may come days later,
    after other messages, so the buttons must not be quick replies."""
    return Text(
        text,
        (
            button(describe_t(person, "task.confirm_button", task.request), "task.confirm", task.id),
            button(describe_t(person, "task.not_yet_button", task.request), "task.not_yet", task.id),
        ),
        lasting=True,
    )


def may_confirm(session: Session, task: Task, resident: Resident) -> bool:
    """The side that did not report it (or the proxy of the person helped)."""
    helped = task.request.resident_id in on_behalf_of(session, resident)
    sides = {task.helper_id: resident.id == task.helper_id, task.request.resident_id: helped}
    return (
        task.done_reported_by_id is not None
        and task.minutes is not None
        and resident.id != task.done_reported_by_id
        and any(sides.values())
    )


@on_state("task_confirm")
def typed_confirmation(session: Session, turn: Turn) -> Outbox | None:
    """はい / 助かりました / 確かに終わりました confirm, まだです / 来てない do not (a no wins);
    small talk gets the question again with its buttons; anything else is not an answer."""
    said = confirmation(turn)
    task = session.get(Task, int(turn.pending.data.get("task_id", 0)))
    if said is None:
        if task is None or turn.understood.intent != "chitchat" or not may_confirm(session, task, turn.resident):
            return None
        text = describe_t(turn.resident, "task.confirm_again", task.request)
        return turn.reply(confirm_question(turn.resident, task, text))
    conversations.finish(session, turn.resident)
    turn.args = [str(turn.pending.data.get("task_id", 0))]
    return confirm(session, turn) if said else not_yet(session, turn)


def confirmation(turn: Turn) -> bool | None:
    """Whether a typed answer says the task is done (None: it says neither)."""
    text = normal(turn.text)
    compact = "".join(ch for ch in text if not ch.isspace() and ch not in "、。,.!！?？")
    starts = lambda key: any(text.startswith(w) or compact.startswith(w) for w in words(turn, key))  # noqa: E731
    inside = lambda key: any(w in text or w in compact for w in words(turn, key))  # noqa: E731
    if turn.understood.intent == "decline" or starts("task.no_words") or inside("task.no_inside"):
        return False
    if turn.understood.intent in ("accept", "done") or starts("task.yes_words") or inside("task.yes_inside"):
        return True
    return None


@on_postback("task.confirm")
def confirm(session: Session, turn: Turn) -> Outbox:
    """Confirmed: the hours move in the time bank and thanks go both ways."""
    from bot.timebank import ledger

    task = session.get(Task, int(turn.args[0]))
    if task is None or task.request.status != "assigned" or not may_confirm(session, task, turn.resident):
        return turn.reply(Text(turn.t("task.none")))
    assert task.minutes is not None  # may_confirm: a task reported done has its minutes
    ledger.settle_task(session, task, task.minutes, config=turn.config)
    task.confirmed_at = turn.now
    task.request.status, task.request.closed_at = "done", turn.now
    helper, helped = task.helper, task.request.resident
    hours = hours_text(task.minutes, helper.language)
    box = Outbox().to(
        helper.id, Text(describe_t(helper, "task.thanks_helper", task.request, name=helped.display_name, hours=hours))
    )
    return box.to(
        helped.id,
        Text(
            describe_t(
                helped,
                "task.thanks_helped",
                task.request,
                name=helper.display_name,
                hours=hours_text(task.minutes, helped.language),
            )
        ),
    )


@on_postback("task.not_yet")
def not_yet(session: Session, turn: Turn) -> Outbox:
    """Not finished after all: the reporter is told."""
    task = session.get(Task, int(turn.args[0]))
    if task is None or not may_confirm(session, task, turn.resident):
        return turn.reply(Text(turn.t("task.none")))
    reporter = session.get_one(Resident, task.done_reported_by_id)
    task.done_reported_by_id, task.done_at, task.minutes = None, None, None
    return turn.reply(Text(turn.t("task.not_yet_noted"))).to(
        reporter.id, Text(describe_t(reporter, "task.not_yet_reporter", task.request))
    )


@on_text
def request_status(session: Session, turn: Turn) -> Outbox | None:
    """「さっきのお願いはどうなってますか」: the state of the person's latest request (of the kind named:
    「ゴミ出しはどうなった？」)."""
    if not has_word(turn, "request.status_words"):
        return None
    request = named_request(session, turn) or latest_request(session, turn.resident)
    if request is None:
        return turn.reply(Text(turn.t("request.status_none")))
    helper = request.task.helper.display_name if request.task is not None else ""
    key = f"request.status_{request.status}"
    if request.status == "unmet" and not unmet.admins(session, request.district_id):
        key += "_alone"  # nobody was told: never say a district contact is looking
    return turn.reply(
        Text(
            turn.t(
                key,
                helper=helper,
                kind=describe.kind(request.category, turn.locale),
                when=describe.when(request, turn.locale),
            )
        )
    )
