"""understand(): one chat message to intent, category, time and summary."""

from dataclasses import dataclass
from datetime import datetime

from bot.nlp.classify import analyse, classify_analysis
from bot.nlp.summary import summarise
from bot.nlp.when import resolve


@dataclass(frozen=True)
class Understanding:
    """What a message means (labels of shared/nlp/LABELS.md) and what it says about when."""

    intent: str
    category: str | None
    when: datetime | None
    summary: str
    language: str
    time_of_day: str | None = None
    # The sender wants to leave the service altogether (退会), whatever the intent.
    leaving: bool = False


def understand(text: str, context: str | None = None, now: datetime | None = None) -> Understanding:
    """Read one message, given the pending question (context) and the message time."""
    analysis = analyse(text)
    intent, category = classify_analysis(analysis, context)
    when = resolve(analysis.text, now or datetime.now())
    return Understanding(
        intent=intent,
        category=category,
        when=when.moment,
        summary=summarise(analysis),
        language=analysis.language,
        time_of_day=when.time_of_day,
        leaving=analysis.score("leave") > 0,
    )
