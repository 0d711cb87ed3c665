"""Intent, category and confidence of a message: the learned layer of its language over the
vocabulary rules (rules alone for a language without a model file)."""

from typing import Final

from bot.nlp import features_lexical
from bot.nlp.classify import Analysis, analyse, classify_analysis
from bot.nlp.features import feature_numbers, features
from bot.nlp.learned import Model, Reading, model, predict, reading_of
from bot.nlp.lexical import find_hits
from bot.nlp.lexical_classify import Scores, classify_points, points_from

# Below this the vocabulary rules decide instead of the model. Since session 4 the model reads
# contrast and pauses better than the rules even when unsure (0.962/0.969 on held-out 1 and 2
# against 0.959/0.955 with rules below 0.6): the rules are its feature and only rescue readings
# it hardly believes. The conversation still asks back under request_intake.SURE.
UNSURE: Final = 0.4
EMERGENCY_NUMBERS: Final = frozenset({"110", "119"})
# Told 119/110 by mistake costs little after a call for help (safety check) and more elsewhere
# (the admins are alerted): the emergency head's threshold by pending question.
EMERGENCY_AT: Final = {"safety_check": 0.3, None: 0.5}


def read(analysis: Analysis, context: str | None, learned: Model | None = None) -> Reading:
    """What an analysed Japanese or English message means, and how sure the reading is (0..1),
    read by its language's shipped model (or by `learned`)."""
    rules = classify_analysis(analysis, context)  # a feature, and the fallback: read once
    learned = learned or model(analysis.language)
    if learned is None:
        return _as_emergency(Reading(*rules, confidence=1.0, emergency=told_emergency(analysis)), context)
    reading = reading_of(learned, _scores(learned, analysis, context, rules), _emergency_at(context))
    # 「110番してください」「すぐ119に」: the numbers said as such (not inside an address, see matcher)
    # are an emergency whatever the model reads; no training message says them.
    if not reading.emergency and told_emergency(analysis, EMERGENCY_NUMBERS):
        reading = Reading(reading.intent, reading.category, reading.confidence, True)
    return _combined(reading, rules, context)


def _scores(learned: Model, analysis: Analysis, context: str | None, rules: tuple[str, str | None]) -> list[float]:
    """The model's raw scores of an analysed Japanese or English message (Japanese features are
    made as numbers, which the model reads without looking their names up)."""
    if analysis.language == "ja":
        return learned.scores_of(feature_numbers(analysis, context, rules))
    return learned.scores(analysis_features(analysis, context, rules))


def analysis_features(analysis: Analysis, context: str | None, rules: tuple[str, str | None]) -> list[str]:
    """The learned layer's features of a Japanese or English message."""
    if analysis.language == "en":
        cues = features_lexical.english_cues(analysis.hits)
        return features_lexical.features(analysis.text, "en", cues, rules, context)
    return features(analysis, context, rules)


def read_lexical(text: str, language: str, context: str | None, learned: Model | None = None) -> tuple[Reading, Scores]:
    """What a Vietnamese, Chinese or Korean message means and how sure the reading is, with the
    phrase points it was read from (the caller reads leaving and times in them), read by the
    language's shipped model (or by `learned`)."""
    names, rules, points = lexical_features(text, language, context)
    learned = learned or model(language)
    told = points.cue("emergency") > 0
    if learned is None:  # the rules read an emergency as a request or a need themselves
        return Reading(*rules, confidence=1.0, emergency=told), points
    reading = predict(learned, names, _emergency_at(context))
    return _combined(reading, rules, context), points


def lexical_features(text: str, language: str, context: str | None) -> tuple[list[str], tuple[str, str | None], Scores]:
    """The learned layer's features of a Vietnamese, Chinese or Korean message, the rules'
    reading and the phrase points."""
    hits = find_hits(text, language)
    points = points_from(hits)
    rules = classify_points(points, context)
    cues = features_lexical.lexical_cues(hits)
    return features_lexical.features(text, language, cues, rules, context), rules, points


def _emergency_at(context: str | None) -> float:
    return EMERGENCY_AT.get(context, EMERGENCY_AT[None])


def _combined(reading: Reading, rules: tuple[str, str | None], context: str | None) -> Reading:
    """The model's reading, or the rules' when the model hardly believes its own (the low
    confidence stays, so that the conversation asks back)."""
    if reading.confidence < UNSURE:
        reading = Reading(*rules, confidence=reading.confidence, emergency=reading.emergency)
    return _as_emergency(reading, context)


def told_emergency(analysis: Analysis, only: frozenset[str] | None = None) -> bool:
    """An emergency word (one of `only`, if given) not negated (there is a fire; not: no fire here)."""
    return any(h.label == "cue:emergency" and not h.negated and (only is None or h.term in only) for h in analysis.hits)


def _as_emergency(reading: Reading, context: str | None) -> Reading:
    """An emergency is a call for help whatever else the words resemble (small talk, safe)."""
    if not reading.emergency:
        return reading
    if context == "safety_check":
        return Reading("need_help", None, reading.confidence, True)
    if reading.intent in ("chitchat", "safe", "need_help", "done", "help_request"):
        return Reading("help_request", "other", reading.confidence, True)  # not a kind of help
    return reading


def classify(text: str, context: str | None = None) -> tuple[str, str | None]:
    """(intent, category) of one message given what the bot asked before."""
    reading = read(analyse(text), context)
    return reading.intent, reading.category
