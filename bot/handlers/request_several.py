"""Several kinds of help asked for in one message (「明日ゴミ出しと買い物をお願いしたい」): one draft,
asked about once, that goes out as one request per kind, each to the helpers of its kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.handlers import Turn, as_read
from bot.matching import describe
from bot.nlp.several import Named, kinds_named
from db.models import HelpRequest

# Languages whose messages are read by the tagger and vocabularies that kinds_named uses.
READ_LANGUAGES = ("ja", "en")


def named_together(session: Session, turn: Turn, request: HelpRequest) -> None:
    """The draft takes the first kind the message names; the others ride with it (each with its
    own time when the message gave one: 「朝ごみ出しと、午後に買い物」)."""
    if turn.understood.language not in READ_LANGUAGES:
        return
    named = kinds_named(as_read(turn.text), turn.now)
    if not named:
        return
    first, *others = named
    request.category, request.summary = first.category, first.summary[:200]
    if first.when is not None or first.time_of_day is not None:
        request.when, request.time_of_day = first.when, first.time_of_day
    request.more_kinds = [
        {
            "category": named.category,
            "summary": named.summary,
            "when": named.when.isoformat() if _own(named, request) and named.when else None,
            "time_of_day": named.time_of_day if _own(named, request) else None,
        }
        for named in others
    ]
    session.flush()


def _own(named: Named, request: HelpRequest) -> bool:
    """Whether a kind's time is its own (not the same as the draft's, nor unsaid)."""
    said = named.when is not None or named.time_of_day is not None
    return said and (named.when, named.time_of_day) != (request.when, request.time_of_day)


def one_time_for_all(request: HelpRequest) -> None:
    """A time changed for the draft is every kind's time (「日時を変える」, 「明後日にして」)."""
    if request.more_kinds:
        request.more_kinds = [{**extra, "when": None, "time_of_day": None} for extra in request.more_kinds]


def one_kind(request: HelpRequest) -> None:
    """A kind chosen again is the one kind asked for."""
    request.more_kinds = None


def companions(session: Session, request: HelpRequest) -> list[HelpRequest]:
    """The requests of the other kinds, added as the draft is sent (the draft keeps its own kind)."""
    made = [describe.companion(request, extra) for extra in request.more_kinds or []]
    for companion in made:
        session.add(companion)
    request.more_kinds = None
    session.flush()
    return made


def named_alone(turn: Turn, request: HelpRequest) -> str | None:
    """The one kind of a draft of several kinds that a message names (「買い物はやっぱりいいです」)."""
    if not request.more_kinds:
        return None
    from bot.nlp.classify import analyse, category_scores

    scores = category_scores(analyse(as_read(turn.text)))
    kinds = [request.category, *(extra["category"] for extra in request.more_kinds)]
    named = [kind for kind in kinds if scores.get(kind, 0.0) > 0]
    return named[0] if len(named) == 1 else None


def drop(request: HelpRequest, kind: str) -> None:
    """One kind of the draft is not wanted any more: the next kind takes its place if it was the first."""
    extras = list(request.more_kinds or [])
    if kind != request.category:
        request.more_kinds = [extra for extra in extras if extra["category"] != kind] or None
        return
    first, *rest = extras
    own = first.get("when") or first.get("time_of_day")
    request.category, request.summary = first["category"], (first.get("summary") or "")[:200]
    if own:
        request.when = datetime.fromisoformat(first["when"]) if first.get("when") else None
        request.time_of_day = first.get("time_of_day")
    request.more_kinds = rest or None
