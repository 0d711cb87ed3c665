"""Intent, category and confidence of a message: the learned layer for Japanese, rules otherwise."""

from typing import Final

from bot.nlp.classify import Analysis, analyse, classify_analysis
from bot.nlp.features import features
from bot.nlp.learned import Reading, model, predict

# Below this the vocabulary rules decide instead of the model. Since session 4 the model reads
# contrast and pauses better than the rules even when unsure (0.962/0.969 on held-out 1 and 2
# against 0.959/0.955 with rules below 0.6): the rules are its feature and only rescue readings
# it hardly believes. The conversation still asks back under request_intake.SURE.
UNSURE: Final = 0.4
# Told 119/110 by mistake costs little after a call for help (safety check) and more elsewhere
# (the admins are alerted): the emergency head's threshold by pending question.
EMERGENCY_AT: Final = {"safety_check": 0.3, None: 0.5}


def read(analysis: Analysis, context: str | None) -> Reading:
    """What an analysed message means, and how sure the reading is (0..1)."""
    learned = model() if analysis.language == "ja" else None
    if learned is None:  # English keeps its vocabulary rules
        return _as_emergency(
            Reading(*classify_analysis(analysis, context), confidence=1.0, emergency=told_emergency(analysis)), context
        )
    rules = classify_analysis(analysis, context)  # a feature, and the fallback: read once
    reading = predict(learned, features(analysis, context, rules), EMERGENCY_AT.get(context, 0.5))
    if reading.confidence < UNSURE:
        # hardly a reading: the vocabulary rules decide, and the low confidence stays so that the
        # conversation asks back
        reading = Reading(*rules, confidence=reading.confidence, emergency=reading.emergency)
    return _as_emergency(reading, context)


def told_emergency(analysis: Analysis) -> bool:
    """An emergency word not negated (there is a fire; not: no fire here)."""
    return any(h.label == "cue:emergency" and not h.negated for h in analysis.hits)


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
