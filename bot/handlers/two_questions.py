"""Two open questions at once: an offer to answer and a safety check to answer.

Whichever the pending question is, a reply is read against both: one that fits only one goes
there; one that fits both (「大丈夫です」: safe, or yes to the offer?) is asked about, with a
button for each.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.circulars import deliveries, safety
from bot.events import Outbox, Text
from bot.handlers import Turn, button, on_state
from bot.handlers.conversation import is_one_of
from bot.handlers.offers import offer_answer
from bot.handlers.safety import answered_in_words
from db.models import Conversation, DeliveryBatch, HelpRequest, Offer

OFFER_ANSWERS = ("accept", "decline")


def open_offer(session: Session, turn: Turn) -> Offer | None:
    """The helper's latest offer still waiting for an answer."""
    return session.scalar(
        select(Offer)
        .join(HelpRequest, HelpRequest.id == Offer.request_id)
        .where(Offer.helper_id == turn.resident.id, Offer.status.in_(("sent", "expired")), HelpRequest.status == "open")
        .order_by(Offer.id.desc())
        .limit(1)
    )


def open_safety_check(session: Session, turn: Turn) -> int | None:
    """The latest safety check sent to this person and not answered yet."""
    answered = deliveries.answered(session, turn.resident.id)
    sent = deliveries.checks_reaching(session, turn.resident.id, DeliveryBatch.status == "sent")
    return next((check for check in sent if check not in answered), None)


def read_as(turn: Turn, context: str) -> str:
    """What the text means as an answer to one kind of question."""
    from bot.nlp import understand

    return understand(turn.text, context, now=turn.now).intent


@on_state("offer_pending")
@on_state("safety_check")
def answer_either(session: Session, turn: Turn) -> Outbox | None:
    """Read the reply against every open question; ask which one when it fits both."""
    offer, circular_id = open_offer(session, turn), open_safety_check(session, turn)
    if offer is None or circular_id is None:
        return (
            offer_answer(session, turn) if turn.pending.state == "offer_pending" else answered_in_words(session, turn)
        )
    as_offer, as_safety = read_as(turn, "offer_pending"), read_as(turn, "safety_check")
    if as_safety not in safety.ANSWERS and is_one_of(turn, "safety.yes_words"):
        as_safety = "safe"  # a bare はい answers 「ご無事ですか？」 too
    fits_offer, fits_safety = as_offer in OFFER_ANSWERS, as_safety in safety.ANSWERS
    if fits_offer and fits_safety:
        return ask_which(turn, offer, as_offer, circular_id, as_safety)
    if fits_safety:
        return answered_in_words(session, _with_context(turn, "safety_check", circular_id=circular_id))
    if fits_offer:
        return offer_answer(session, _with_context(turn, "offer_pending", offer_id=offer.id))
    return None


def _with_context(turn: Turn, state: str, **data: int) -> Turn:
    from bot.nlp import understand

    turn.conversation = Conversation(state=state, data=dict(data))  # read as if asked; never stored
    turn.understanding = understand(turn.text, state, now=turn.now)
    return turn


def ask_which(turn: Turn, offer: Offer, as_offer: str, circular_id: int, as_safety: str) -> Outbox:
    """「どちらへのお返事ですか？」 with one button for the offer and one for the safety check."""
    offer_button = button(turn.t(f"conversation.which_offer_{as_offer}"), f"offer.{as_offer}", offer.id)
    safety_button = button(turn.t(f"conversation.which_safety_{as_safety}"), f"safety.{as_safety}", circular_id)
    return turn.reply(Text(turn.t("conversation.ask_which"), (safety_button, offer_button), lasting=True))
