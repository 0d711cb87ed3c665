"""Intent, category and confidence of a message: the learned layer for Japanese, rules otherwise."""

from bot.nlp.classify import Analysis, analyse, classify_analysis
from bot.nlp.features import features
from bot.nlp.learned import Reading, model, predict

UNSURE = 0.6


def read(analysis: Analysis, context: str | None) -> Reading:
    """What an analysed message means, and how sure the reading is (0..1)."""
    learned = model() if analysis.language == "ja" else None
    if learned is None:  # English keeps its vocabulary rules
        return Reading(*classify_analysis(analysis, context), confidence=1.0)
    reading = predict(learned, features(analysis, context))
    if reading.confidence >= UNSURE:
        return reading
    # unsure (held out, readings under 0.6 are right half the time): the vocabulary rules decide,
    # and the low confidence stays so that the conversation asks back
    return Reading(*classify_analysis(analysis, context), confidence=reading.confidence)


def classify(text: str, context: str | None = None) -> tuple[str, str | None]:
    """(intent, category) of one message given what the bot asked before."""
    reading = read(analyse(text), context)
    return reading.intent, reading.category
