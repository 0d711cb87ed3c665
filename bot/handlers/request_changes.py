"""The asking-for-help conversation declared, and its exits: correcting the kind, time or district
of a draft (by button or in words), or dropping it."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.events import Message, Outbox, Text
from bot.handlers import Turn, on_postback
from bot.handlers import conversation as flows
from bot.handlers import request_several as several
from bot.handlers.requests import (
    reads_as_landmark,
    answered,
    continue_draft,
    kind_buttons,
    mine,
    next_step,
    on_draft,
    typed_confirmation,
    typed_district,
    typed_landmark,
    typed_need,
    typed_place,
    typed_when,
)
from bot.handlers.request_intake import is_request_question, typed_is_request
from bot.matching import describe
from bot.nlp.lexical_when import bare_weekday_in, names_day_in
from bot.privacy import address_in, has_address
from db.models import District, HelpRequest

# The questions where a date is the answer itself, not a correction.
READS_WHEN = ("request_what", "request_when")
# A place's name, then its number (緑ケ丘1-2-3); not a bare number, nor a phone number after its
# label (携帯090-1234-5678): no house number starts with 0.
_NAMED_PLACE = re.compile(r"\D+[1-9]")


@on_draft("request.change_kind")
def change_kind(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """Correct the kind: one button per kind."""
    return turn.reply(Text(turn.t("request.ask_kind"), kind_buttons(turn.locale, "request.kind", request.id)))


@on_draft("request.kind")
def pressed_new_kind(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """The corrected kind (the one kind asked for, also when the message named several)."""
    another_kind(request, turn.args[1])
    return continue_draft(session, turn, request)


@on_draft("request.change_when")
def change_when(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """Correct the time: ask it again (one time for every kind asked for)."""
    request.when, request.time_of_day = None, None
    several.one_time_for_all(request)
    return continue_draft(session, turn, request)


@on_draft("request.change_district")
def change_district(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """Correct the district: ask it again."""
    request.district_id = None
    return continue_draft(session, turn, request)


@on_postback("request.discard")
def discard(session: Session, turn: Turn) -> Outbox:
    """Drop the draft (the やめる button)."""
    return dropped(session, turn, mine(session, turn))


def cancel_draft(session: Session, turn: Turn) -> Outbox:
    """「やめます」 at any question: the draft is dropped and the person told; 「買い物はやっぱり
    いいです」 of a draft of several kinds drops that kind only."""
    request = answered(session, turn)
    kind = several.named_alone(turn, request) if request is not None else None
    if request is None or kind is None:
        return dropped(session, turn, request)
    several.drop(request, kind)
    session.flush()
    said = turn.t(
        "request.kind_dropped", kind=describe.kind(kind, turn.locale), kept=describe.kinds(request, turn.locale)
    )
    return turn.reply(Text(said), *next_step(session, turn, request))


def dropped(session: Session, turn: Turn, request: HelpRequest | None) -> Outbox:
    """Drop a draft (if still one) and the pending question; say what was dropped."""
    conversations.finish(session, turn.resident)
    if request is None:
        return turn.reply(Text(turn.t("common.cancelled")))
    request.status = "cancelled"
    return turn.reply(Text(turn.t("request.draft_dropped", kind=describe.kinds(request, turn.locale))))


def ask_again(session: Session, turn: Turn) -> list[Message]:
    """The pending question of the draft (or its summary), asked again; 「お手伝いのお願いですか？」
    again, the message it is about still kept for はい."""
    if turn.pending.state == "request_is_request":
        return [is_request_question(turn)]
    request = answered(session, turn)
    if request is None:
        return [Text(turn.t("request.ask_what"), kind_buttons(turn.locale, "request.new"))]
    return next_step(session, turn, request)


def correct_draft(session: Session, turn: Turn) -> Outbox | None:
    """A new date, time, kind or district written at any question: the draft changes, and the
    next missing piece (or the summary) is shown again."""
    request = answered(session, turn)
    if request is None:
        return None
    state = turn.pending.state
    if state in READS_WHEN and (turn.understood.when or turn.understood.time_of_day):
        return None  # 「明日じゃなくて明後日で」 asked when: the answer itself, for the question
    place_before = request.meeting_point
    if _place(turn, request, state):
        return changed(session, turn, request, "place" if place_before else "place_kept")
    if _landmark(turn, request, state):
        return changed(session, turn, request, "landmark_kept")
    changed_when = _when(session, turn, request, state)
    # 「明日じゃなくて明後日にかえて」「地区を黒崎に変えて」: かえて is not a kind of help (修理) when
    # a date or a district was corrected.
    changed_district = not changed_when and _district(session, turn, request, state)
    changed_kind = not (changed_when or changed_district) and _kind(session, turn, request, state)
    if not (changed_when or changed_kind or changed_district):
        return None
    return changed(session, turn, request, "when" if changed_when else "district" if changed_district else "kind")


def changed(session: Session, turn: Turn, request: HelpRequest, what: str) -> Outbox:
    """変更しました (saying what it is now), and the next missing piece (or the summary) again."""
    session.flush()
    session.refresh(request)
    if what == "place_kept":  # written before it was asked for
        place = request.meeting_point or ""  # the person's own address, to them alone
        return turn.reply(Text(turn.t("request.place_kept", place=place)), *next_step(session, turn, request))
    if what == "landmark_kept":  # written before it was asked for; shown in the offers
        said = turn.t("request.landmark_kept", landmark=request.landmark or "")
        return turn.reply(Text(said), *next_step(session, turn, request))
    if what == "when":
        change = describe.whens(request, turn.locale)
    elif what == "kind":
        change = describe.kinds(request, turn.locale)
    elif what == "place":
        change = request.meeting_point or ""  # the person's own address, to them alone
    else:
        change = request.district.name if request.district is not None else ""
    return turn.reply(Text(turn.t("request.changed", change=change)), *next_step(session, turn, request))


def _place(turn: Turn, request: HelpRequest, state: str) -> bool:
    """「すみません、住所をまちがえました。9-3-1です」 after the address was given: the private place
    changes (a bare house number keeps the place name given before), never the public landmark.
    An address written before its question (「小倉2-5-1」 when asked when) is kept for it; a bare
    number or a phone number is not taken for one there."""
    if state == "request_place" or not has_address(turn.text):
        return False
    if request.meeting_point is None:
        if state == "request_district":
            return False  # 「緑ケ丘1-2-3です」 answers the district question itself (typed_district)
        address = address_in(turn.text)
        if address is None or not _NAMED_PLACE.match(address) or turn.understood.when or turn.understood.time_of_day:
            return False
        request.meeting_point = address[:500]
        return True
    if not (flows.reads_as_change(turn) or flows.has_word(turn, "conversation.address_words")):
        return False
    request.meeting_point = address_in(turn.text, request.meeting_point) or request.meeting_point
    return True


# Questions whose answer may be a place near a landmark itself, or where one is not the answer.
_NOT_FOR_LANDMARK = ("request_what", "request_district", "request_place", "request_landmark", "request_is_request")


def _landmark(turn: Turn, request: HelpRequest, state: str) -> bool:
    """「公民館の近く」 written while asked when: the public landmark, kept for its question. Only a
    short phrase that begins or ends with a word of place ("near the hall", 「駅の前です」), never a
    sentence that holds one in passing (「デイサービスの前に来てほしい」「この前も頼んだ」), nor a
    message with a time, a house number or a kind of help in it: it is shown to several people."""
    understood = turn.understood
    if state in _NOT_FOR_LANDMARK or request.landmark is not None or understood.when or understood.time_of_day:
        return False
    if not reads_as_landmark(turn, turn.text):
        return False
    if understood.category not in (None, "other") and names_kind(turn, understood.category):
        return False  # 「駅の近くのスーパーで買い物も」: a kind of help, not a landmark
    request.landmark = unicodedata.normalize("NFKC", turn.text).strip()
    return True


def _when(session: Session, turn: Turn, request: HelpRequest, state: str) -> bool:
    understood = turn.understood
    if state in READS_WHEN or (understood.when is None and understood.time_of_day is None):
        return False
    if has_address(turn.text) and not flows.reads_as_change(turn):
        return False  # 3-2-1 is a house number, not a date
    apply_when(turn, request)
    several.one_time_for_all(request)
    return True


def apply_when(turn: Turn, request: HelpRequest) -> None:
    """Apply the day and part of day the message says; what it does not say stays."""
    understood = turn.understood
    if understood.when is None:
        request.time_of_day = understood.time_of_day
    elif request.when is not None and not names_day_in(
        unicodedata.normalize("NFKC", turn.text), understood.language, turn.now
    ):
        # 「朝じゃなくて午後で」: the day stays, only the hour changes
        request.when = request.when.replace(hour=understood.when.hour, minute=understood.when.minute)
        request.time_of_day = understood.time_of_day
    else:
        keep_part = understood.time_of_day is None and understood.when.hour == 0
        before = request.when
        request.when = (
            understood.when
            if not keep_part or request.when is None
            else understood.when.replace(hour=request.when.hour, minute=request.when.minute)
        )
        request.time_of_day = request.time_of_day if keep_part else understood.time_of_day
        if before is not None:
            request.when = same_week(turn, before, request.when)


def same_week(turn: Turn, before: datetime, after: datetime) -> datetime:
    """「来週の水曜」 changed by 「やっぱり木曜にして」: the Thursday of the week first said, not this
    week's, unless that day (or today's hour said) is past."""
    weekday = bare_weekday_in(unicodedata.normalize("NFKC", turn.text), turn.understood.language)
    if weekday is None:
        return after
    moved = before + timedelta(days=weekday - before.weekday())
    moved = moved.replace(hour=after.hour, minute=after.minute)
    gone = moved.date() < turn.now.date() or (moved.time() != time(0) and moved < turn.now)
    return after if gone else moved


def _kind(session: Session, turn: Turn, request: HelpRequest, state: str) -> bool:
    category = kind_after_contrast(turn) or turn.understood.category
    if state == "request_what" or not flows.reads_as_change(turn) or category in (None, "other", request.category):
        return False
    if not names_kind(turn, category):
        return False  # the learned layer's guess alone does not change what was asked for
    another_kind(request, category)
    return True


def another_kind(request: HelpRequest, category: str) -> None:
    """The request becomes one of another kind. Words that named the kind left (「明日の朝ゴミ出しを…」
    for 買い物) would mislead its helpers, on the card and in the details, and are dropped; the words
    of an その他 (「役所の書類の書き方を…」) still say what is wanted."""
    from bot.nlp.classify import analyse, category_scores

    named = request.category != "other" and category_scores(analyse(request.text)).get(request.category, 0.0) > 0
    if named:
        request.text, request.summary = "", ""
    request.category = category
    several.one_kind(request)


def kind_after_contrast(turn: Turn) -> str | None:
    """「ゴミ出しじゃなくて買い物でした」, "the shopping instead of the bins": the kind named in the part
    a contrast leaves standing, which is the one meant."""
    from bot.nlp.classify import analyse, category_scores
    from bot.nlp.when import meant_part

    text = unicodedata.normalize("NFKC", turn.text)
    meant = meant_part(text)
    scores = category_scores(analyse(meant)) if meant != text and meant.strip() else {}
    return max(scores, key=lambda kind: scores[kind]) if scores else None


def names_kind(turn: Turn, category: str) -> bool:
    """Whether the message names this kind in words of the vocabulary (Japanese; the other
    languages are read by their vocabularies alone)."""
    if turn.understood.language != "ja":
        return True
    from bot.handlers import catalog_words
    from bot.nlp.classify import analyse, category_scores

    text = turn.text  # 「地区を黒崎に変えて」: the change verb alone names no kind (替える is 修理's)
    for word in catalog_words(turn.locale, "conversation.change_words"):
        text = text.replace(word, " ")
    return category_scores(analyse(text)).get(category, 0.0) > 0


def _district(session: Session, turn: Turn, request: HelpRequest, state: str) -> bool:
    from bot.residents import district_in

    if state in ("request_what", "request_district") or not (flows.reads_as_change(turn) or state == "request_confirm"):
        return False
    chosen = district_in(turn.text, list(session.scalars(select(District))))
    if chosen is None or (chosen.id == request.district_id and not flows.reads_as_change(turn)):
        return False
    request.district_id = chosen.id  # 「地区を黒崎に変えて」, 黒崎 already: the summary shown again all the same
    return True


REQUEST = flows.declare(
    flows.Flow(
        name="request",
        questions={
            "request_what": typed_need,
            "request_district": typed_district,
            "request_when": typed_when,
            "request_place": typed_place,
            "request_landmark": typed_landmark,
            "request_confirm": typed_confirmation,
            "request_is_request": typed_is_request,
        },
        free_text=frozenset({"request_place", "request_landmark"}),
        none_words={"request_landmark": "request.no_landmark_words"},
        unsure_words={"request_confirm": "request.unsure_words"},
        timeout_minutes=60,
        cancel=cancel_draft,
        ask_again=ask_again,
        correct=correct_draft,
    )
)
