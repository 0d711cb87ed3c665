"""A correction after the request went out (「棚の修理、やっぱり火曜日にしてもらえますか」): the open
request changes, and the helpers who have it in hand are told. A bare time said soon after
(「午前中がよか」) is asked about first: it may be the time of the request just sent, or of a new one."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.events import Outbox, Text
from bot.handlers import Turn, button, main_menu, on_postback, on_state, on_text
from bot.handlers.conversation import has_word, reads_as_change, yes_or_no
from bot.handlers.request_changes import apply_when
from bot.handlers.tasks import describe_t
from bot.matching import describe
from db.models import HelpRequest, Offer

POSTED = ("open", "unmet", "assigned")
RETIME = "request_retime"  # 「さっきのお願いの時間を変えますか？」 is pending
# a time alone, this long after a request went out, may still be about it
RECENT = timedelta(hours=2)
# a message that says a time and nothing more is short (「午前中がよか」「10時からがいいです」);
# English and Vietnamese spell the same in about twice the letters ("Morning would be better")
TIME_ONLY_CHARS = 20
TIME_ONLY_CHARS_SPELT = {"en": 40, "vi": 40}


def posted_request(session: Session, turn: Turn, category: str | None = None) -> HelpRequest | None:
    """The person's latest request that went out and is not done (of this kind, when one is named:
    「さっきのゴミ出し」 of a ゴミ出し and a 買い物 sent together)."""
    query = select(HelpRequest).where(HelpRequest.created_by_id == turn.resident.id, HelpRequest.status.in_(POSTED))
    if category is not None:
        query = query.where(HelpRequest.category == category)
    return session.scalar(query.order_by(HelpRequest.id.desc()).limit(1))


@on_text
def correct_posted(session: Session, turn: Turn) -> Outbox | None:
    """A new day or time for the request that is out, said as a correction (「やっぱり」「じゃなくて」)
    or about it (「さっきのごみ出し、明後日にしてくれんね」)."""
    understood = turn.understood
    about_it = reads_as_change(turn) or has_word(turn, "conversation.earlier_words")
    if understood.when is None and understood.time_of_day is None:
        return None
    if not about_it:
        return ask_retime(session, turn) if says_only_a_time(turn) else None
    named = understood.category if understood.category not in (None, "other") else None
    request = posted_request(session, turn, named) or (None if named else posted_request(session, turn))
    if request is None:
        return None
    apply_when(turn, request)
    session.flush()
    box = turn.reply(
        Text(
            turn.t(
                "request.changed_posted",
                kind=describe.kind(request.category, turn.locale),
                when=describe.when(request, turn.locale),
            )
        )
    )
    return box.extend(tell_helpers(session, request))


def tell_helpers(session: Session, request: HelpRequest) -> Outbox:
    """The helper who took it, or those who have its offer open, hear the new time."""
    box = Outbox()
    if request.task is not None:
        helpers = [request.task.helper]
    else:
        open_offers = session.scalars(
            select(Offer).where(Offer.request_id == request.id, Offer.status.in_(("sent", "expired")))
        )
        helpers = [offer.helper for offer in open_offers]
    for helper in helpers:
        box.to(helper.id, Text(describe_t(helper, "request.changed_helper", request)))
    return box


def says_only_a_time(turn: Turn) -> bool:
    """「午前中がよか」「10時からがいいです」: a short message wishing for a time, with no kind of help
    in it (「今日もありがとう」 names a day and wishes nothing)."""
    from bot.handlers.request_changes import names_kind

    understood = turn.understood
    longest = TIME_ONLY_CHARS_SPELT.get(understood.language, TIME_ONLY_CHARS)
    if len(unicodedata.normalize("NFKC", turn.text).strip()) > longest:
        return False
    if not has_word(turn, "request.retime_words"):
        return False
    if understood.intent not in ("help_request", "chitchat"):
        return False
    if understood.language != "ja":
        return understood.category is None
    return understood.category is None or not names_kind(turn, understood.category)


def ask_retime(session: Session, turn: Turn) -> Outbox | None:
    """Ask whether a bare time is for the request sent in the last hours: the new time is shown on
    the button, and nothing changes until the person says yes."""
    request = posted_request(session, turn)
    if request is None or turn.now - request.created_at > RECENT:
        return None
    before = request.when, request.time_of_day
    apply_when(turn, request)  # to show the time it would become; put back just below
    after = request.when, request.time_of_day
    shown = describe.when(request, turn.locale)
    request.when, request.time_of_day = before
    if after == before:
        return None
    data = {"request_id": request.id, "when": after[0].isoformat() if after[0] else None, "time_of_day": after[1]}
    conversations.ask(session, turn.resident, RETIME, data, now=turn.now, minutes=30)
    kind = describe.kind(request.category, turn.locale)
    buttons = (
        button(turn.t("request.retime_yes"), "request.retime", "yes"),
        button(turn.t("request.retime_no"), "request.retime", "no"),
    )
    return turn.reply(Text(turn.t("request.ask_retime", kind=kind, when=shown), buttons))


@on_postback("request.retime")
def retime_pressed(session: Session, turn: Turn) -> Outbox:
    """変える: the request takes the time asked about; そのまま: nothing changes."""
    turn.conversation = conversations.current(session, turn.resident, turn.now)
    if turn.conversation is None or turn.conversation.state != RETIME:
        return turn.reply(Text(turn.t("common.stale_button")))
    return _retime(session, turn, turn.args[:1] == ["yes"])


@on_state(RETIME)
def retime_typed(session: Session, turn: Turn) -> Outbox | None:
    """はい / いいえ typed to the same question; anything else is read as usual."""
    said = yes_or_no(turn)
    if said is not None:
        return _retime(session, turn, said)
    conversations.finish(session, turn.resident)  # a new message moves on: the question is dropped
    return None


def _retime(session: Session, turn: Turn, change: bool) -> Outbox:
    data = dict(turn.pending.data)
    conversations.finish(session, turn.resident)
    request = session.get(HelpRequest, data["request_id"])
    if request is None or request.status not in POSTED:
        return turn.reply(Text(turn.t("common.stale_button"), main_menu(turn.locale)))  # cancelled meanwhile
    if not change:
        return turn.reply(Text(turn.t("request.retime_kept"), main_menu(turn.locale)))
    request.when = datetime.fromisoformat(data["when"]) if data["when"] else None
    request.time_of_day = data["time_of_day"]
    session.flush()
    kind, when = describe.kind(request.category, turn.locale), describe.when(request, turn.locale)
    box = turn.reply(Text(turn.t("request.changed_posted", kind=kind, when=when)))
    return box.extend(tell_helpers(session, request))
