"""Intent, category and confidence of a message: the learned layer for Japanese, rules otherwise."""

from bot.nlp.classify import Analysis, analyse, classify_analysis
from bot.nlp.features import features
from bot.nlp.learned import Reading, model, predict


def read(analysis: Analysis, context: str | None) -> Reading:
    """What an analysed message means, and how sure the reading is (0..1)."""
    learned = model() if analysis.language == "ja" else None
    if learned is None:  # English keeps its vocabulary rules
        return Reading(*classify_analysis(analysis, context), confidence=1.0)
    return predict(learned, features(analysis, context))


def classify(text: str, context: str | None = None) -> tuple[str, str | None]:
    """(intent, category) of one message given what the bot asked before."""
    reading = read(analyse(text), context)
    return reading.intent, reading.category
