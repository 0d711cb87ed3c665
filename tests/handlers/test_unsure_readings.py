"""A reading the learned layer is unsure of is asked about, never acted on as a guess: an ask
with no kind named is asked 「お手伝いのお願いですか？」 (not answered as small talk), and a typed
answer to a safety check read as safe is asked again (a need read as safe leaves someone alone)."""

from datetime import datetime

import pytest

from bot.events import Inbound
from bot.handlers import Turn
from bot.handlers.request_intake import maybe_request
from bot.handlers.safety import answered_in_words, reads_as
from bot.nlp import Understanding
from db.models import Conversation
from tests import factories
from tests.fakes import texts

NOW = datetime(2026, 11, 30, 10, 0)


def typed(resident, text: str, intent: str, confidence: float, category: str | None = None) -> Turn:
    """A turn of typed text with the understanding given (what the learned layer would read)."""
    inbound = Inbound("line", resident.platform_user_id, "text", "e1", NOW, text=text)
    understood = Understanding(intent, category, None, text, "ja", confidence=confidence)
    return Turn(resident, inbound, NOW, None, None, understanding=understood)  # type: ignore[arg-type]


@pytest.mark.parametrize("confidence, asked", [(0.45, True), (0.9, False)])
def test_an_unsure_ask_with_no_kind_named_is_asked_about(confidence, asked, session) -> None:
    resident = factories.resident(session, user_id="REQ", district=factories.district(session, "緑ケ丘"))
    turn = typed(resident, "ズボンの裾上げをしてくれる人はおらんやろか", "help_request", confidence, "other")
    said = " ".join(sent(maybe_request(session, turn)))
    assert ("お手伝いのお願いですか" in said) == asked


def test_small_talk_read_unsure_as_a_request_without_an_ask_stays_small_talk(session) -> None:
    resident = factories.resident(session, user_id="REQ", district=factories.district(session, "緑ケ丘"))
    turn = typed(resident, "今日はよか天気やね", "help_request", 0.45, "other")
    assert "お手伝いのお願いですか" not in " ".join(sent(maybe_request(session, turn)))


@pytest.mark.parametrize(
    "text, intent, confidence, read",
    [
        ("真っ暗で何も見えんし、怖かとです", "safe", 0.55, None),  # only guessed: asked again
        ("家族みんな無事です", "safe", 0.97, "safe"),
        ("はい", "safe", 0.55, "safe"),  # a bare yes is safe however sure the model is
        ("足が痛うて歩けん", "need_help", 0.55, "need_help"),  # a need is never held back
    ],
)
def test_a_safety_answer_read_as_safe_only_when_sure(text, intent, confidence, read, session) -> None:
    resident = factories.resident(session, user_id="TOME")
    assert reads_as(typed(resident, text, intent, confidence)) == read


def test_a_safety_answer_only_guessed_safe_is_thanked_before_it_is_asked_again(session) -> None:
    """「真っ暗で何も見えんし、怖かとです」 is asked again with the buttons: thanked for the answer, not
    told the bot is still waiting for one (she has just answered, frightened)."""
    resident = factories.resident(session, user_id="TOME")
    turn = typed(resident, "真っ暗で何も見えんし、怖かとです", "safe", 0.55)
    turn.conversation = Conversation(state="safety_answer", data={"circular_id": 1})
    said = " ".join(sent(answered_in_words(session, turn)))
    assert "ありがとう" in said and "お待ちしています" not in said, said


def sent(outbox) -> list[str]:
    """The texts of every message in an outbox."""
    return texts([message for envelope in outbox.envelopes for message in envelope.messages])
