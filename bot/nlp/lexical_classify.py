"""Intent and kind of help of a Vietnamese, Chinese or Korean message, from its phrase scores.

The same decisions as the Japanese classifier, in the same order: a pending question
(safety check, offer) first, then what the message says about the service, then what it
asks for.
"""

from __future__ import annotations

from bot.kinds import KEYS
from bot.nlp.lexical import Hit, find_hits, lexicon, prepare, scores

CATEGORIES = KEYS  # the kinds of help, from bot/kinds.py
CLEAR_CATEGORY = 3.0
_SAFE, _NEED, _EMERGENCY = "cue:safe", "cue:need_help", "cue:emergency"


class Scores(dict):
    """Points per label; a missing label is 0."""

    def __missing__(self, key: str) -> float:
        return 0.0

    def cue(self, name: str) -> float:
        """Points for one cue."""
        return self[f"cue:{name}"]


def best_category(points: Scores) -> tuple[str, float]:
    """The strongest named kind of help and its points ("other", 0 when none was named)."""
    named = [c for c in CATEGORIES if points[f"category:{c}"] > 0]
    if not named:
        return "other", 0.0
    # On a tie the kind offered first wins, and "other" never (max keeps the first of equals).
    name = max(named, key=lambda c: (points[f"category:{c}"], c != "other"))
    return name, points[f"category:{name}"]


def _safety_answer(points: Scores) -> str | None:
    """safe / need_help for someone just asked whether they are safe, read in the last clause
    that answers ("we are fine but the medicine is running out" needs help)."""
    need = points[f"last:{_NEED}"] + points[f"last:{_EMERGENCY}"]
    if need and need >= points[f"last:{_SAFE}"]:
        return "need_help"
    if points[f"last:{_SAFE}"]:
        return "safe"
    # nothing said of safety, but something cannot be done (나갈 수가 없어요, 出不去): a need
    return "need_help" if points.cue("unable") else None


def _offer_answer(points: Scores) -> str | None:
    """accept / decline for a helper just offered a task."""
    accept, decline = points.cue("accept"), points.cue("decline")
    if decline and decline >= accept:
        return "decline"
    if accept:
        return "accept"
    # no yes or no, but something cannot be done (送不了, 못 가요): the reason for a no
    return "decline" if points.cue("unable") else None


def _service_intent(points: Scores, category_points: float) -> str | None:
    """Circulars on/off, cancel, how to use, time-bank balance."""
    if points.cue("news") and (points.cue("news_stop") or points.cue("cancel")):
        return "unsubscribe"  # before cancel: 取消订阅, hủy đăng ký thông báo
    if points.cue("cancel") and not points.cue("offer"):
        return "cancel"
    if points.cue("news") and (points.cue("news_get") or points.cue("news") >= category_points):
        return "subscribe"
    if points.cue("usage") and category_points < CLEAR_CATEGORY and not points.cue("ask"):
        return "usage"
    if points.cue("balance") and category_points < CLEAR_CATEGORY:
        return "balance"
    return None


def _general_intent(points: Scores, category_points: float) -> str:
    """What a message says on its own: an offer, a report, small talk or a request."""
    asks = points.cue("ask") + points.cue("want")
    if points.cue("offer") and points.cue("offer") >= points.cue("ask"):
        return "offer_help"
    if points.cue("done") and not points.cue("ask"):
        return "done"
    if points.cue("emergency"):
        return "help_request"
    if (points.cue("thanks") or points.cue("greeting")) and not points.cue("ask"):
        return "chitchat"
    return "help_request" if asks or category_points else "chitchat"


def classify_points(points: Scores, context: str | None) -> tuple[str, str | None]:
    """(intent, category) from phrase points and the pending question."""
    category, value = best_category(points)
    intent = _safety_answer(points) if context == "safety_check" else None
    if context == "offer_pending" and points.cue("decline") >= points.cue("cancel") > 0:
        intent = "decline"  # 这次就算了: a helper's no, not the cancel of a request
    intent = intent or _service_intent(points, value)
    if intent is None and context == "offer_pending":
        intent = _offer_answer(points)
    intent = intent or _general_intent(points, value)
    return intent, (category if intent == "help_request" else None)


def points_of(text: str, language: str) -> Scores:
    """Phrase points of a message (see points_from)."""
    return points_from(find_hits(text, language))


def points_from(hits: list[Hit]) -> Scores:
    """Phrase points of a message's hits, and (as last:<label>) those of safety answers in the
    last clause that holds one: after "but" or a new sentence, that clause is the answer."""
    points = Scores(scores(hits))
    answers = [h for h in hits if h.label in (_SAFE, _NEED, _EMERGENCY)]
    last = max((h.clause for h in answers), default=0)
    for hit in answers:
        if hit.clause == last:
            points[f"last:{hit.label}"] += hit.phrase.weight
    return points


def classify(text: str, language: str, context: str | None = None) -> tuple[str, str | None]:
    """(intent, category) of a message in one of the lexical languages."""
    return classify_points(points_of(text, language), context)


SKILL_POINTS = 3.0


def skill_points(text: str, language: str) -> dict[str, float]:
    """Points per kind of help a helper's experience covers: kinds named, and trades (木匠 -> repair)."""
    points = points_of(text, language)
    found = {c: points[f"category:{c}"] for c in CATEGORIES if points[f"category:{c}"] > 0}
    prepared = prepare(text, language)
    for word, category in lexicon(language).skills:
        if (f" {word} " if language == "vi" else word) in prepared:
            found[category] = found.get(category, 0.0) + SKILL_POINTS
    return found
