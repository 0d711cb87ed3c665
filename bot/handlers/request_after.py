"""A correction after the request went out (「棚の修理、やっぱり火曜日にしてもらえますか」): the open
request changes, and the helpers who have it in hand are told."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.events import Outbox, Text
from bot.handlers import Turn, on_text
from bot.handlers.conversation import has_word, reads_as_change
from bot.handlers.request_changes import apply_when
from bot.handlers.tasks import describe_t
from bot.matching import describe
from db.models import HelpRequest, Offer

POSTED = ("open", "unmet", "assigned")


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
    if not about_it or (understood.when is None and understood.time_of_day is None):
        return None
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
