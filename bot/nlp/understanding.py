"""understand(): one chat message to intent, category, time and summary."""

from dataclasses import dataclass
from datetime import datetime

from bot.nlp import lexical_when
from bot.nlp.classify import analyse
from bot.nlp.language import detect, requested_language
from bot.nlp.lexical import LANGUAGES as LEXICAL_LANGUAGES
from bot.nlp.normalise import normalise
from bot.nlp.private import redact
from bot.nlp.reading import read, read_lexical
from bot.nlp.summary import summarise
from bot.nlp.when import resolve

SUMMARY_LENGTH = 40


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
    # The sender asks the bot to use another language (「English please」, 「日本語で」).
    switch_to: str | None = None
    # How likely the intent is right (0..1, calibrated on held-aside training messages):
    # the conversation asks back when it is low.
    confidence: float = 1.0
    # The message tells of an emergency (fire, flooding, someone collapsed or not breathing):
    # the bot answers at once with 119/110 and tells the district's admins.
    emergency: bool = False


def understand(text: str, context: str | None = None, *, now: datetime, language: str | None = None) -> Understanding:
    """Read one message, given the pending question (context), the time it was written (明日 is
    the day after it) and the language the sender has used so far (it settles kanji that Chinese
    and Japanese share)."""
    switch_to = requested_language(text)
    written = detect(text, language)
    if written in LEXICAL_LANGUAGES:
        return _understand_lexical(text, written, context, now, switch_to)
    return _understand_japanese_or_english(text, context, now, switch_to)


def _understand_lexical(
    text: str, language: str, context: str | None, now: datetime, switch_to: str | None
) -> Understanding:
    """Vietnamese, Chinese or Korean, read by their phrase vocabularies."""
    reading, points = read_lexical(text, language, context)
    when = lexical_when.resolve_in(text, language, now)
    return Understanding(
        intent=reading.intent,
        category=reading.category,
        when=when.moment,
        summary=_short(text),
        language=language,
        time_of_day=when.time_of_day,
        leaving=points.cue("leave") > 0,
        switch_to=switch_to,
        confidence=reading.confidence,
        emergency=reading.emergency,
    )


def _short(text: str) -> str:
    """The message itself as the summary: its first line, without addresses, 40 characters at most."""
    line = redact(normalise(text).split("\n")[0])
    return line if len(line) <= SUMMARY_LENGTH else line[: SUMMARY_LENGTH - 1] + "…"


def _understand_japanese_or_english(
    text: str, context: str | None, now: datetime, switch_to: str | None
) -> Understanding:
    """Japanese (and English) through the tagger and the Japanese classifier."""
    analysis = analyse(text)
    reading = read(analysis, context)
    when = resolve(analysis.text, now)
    return Understanding(
        intent=reading.intent,
        category=reading.category,
        when=when.moment,
        summary=summarise(analysis, reading.category),
        language=analysis.language,
        time_of_day=when.time_of_day,
        leaving=analysis.score("leave") > 0,
        switch_to=switch_to,
        confidence=reading.confidence,
        emergency=reading.emergency,
    )
