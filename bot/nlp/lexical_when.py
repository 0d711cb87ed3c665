"""Days and times said in Vietnamese, Chinese or Korean, resolved like English ones.

Each vocabulary's [when] table turns its words into English ("sáng mai" -> "tomorrow
morning", 明天 -> tomorrow, 내일 -> tomorrow); clock times (3 giờ chiều, 下午三点, 오후 세 시)
become 15:00; then bot.nlp.when resolves the English against the message time.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.nlp.lexical import LANGUAGES, lexicon, prepare, strip_marks
from bot.nlp.when import When, bare_weekday, names_day, resolve

_PM = ("afternoon", "evening", "night", "tonight")
_CHINESE_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_KOREAN_HOURS = {
    "한": 1,
    "두": 2,
    "세": 3,
    "네": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
    "열": 10,
    "열한": 11,
    "열두": 12,
}
_PARTS = r"(morning|noon|afternoon|evening|night|tonight)"
_CLOCKS = {
    "vi": re.compile(r"(\d{1,2})\s*(?:giờ|gio|h)\s*(?:(\d{1,2})|(rưỡi|ruoi))?"),
    "zh-Hans": re.compile(r"(\d{1,2}|十[一二]?|[一二两三四五六七八九十])\s*[点點](?:\s*(半)|\s*(\d{1,2})\s*分?)?"),
    "ko": re.compile(
        r"(\d{1,2}|열[한두]|[한두세네]|다섯|여섯|일곱|여덟|아홉|열)\s*시(?!간)(?:\s*(반)|\s*(\d{1,2})\s*분)?"
    ),  # noqa: E501
}
_DATES = {
    "vi": re.compile(r"ngày\s*(\d{1,2})\s*(?:/|tháng)\s*(\d{1,2})"),
    "zh-Hans": re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]"),
    "ko": re.compile(r"(\d{1,2})\s*월\s*(\d{1,2})\s*일"),
}
_NEXT_WEEKDAY = re.compile(
    r"\b(?:(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+next week"
    r"|next week\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
)


# Typed without marks, sáng (morning) is sang "over to" and tối (evening) tôi "I": the vocabulary
# keeps them as times only in its phrases (sang mai); before another day word they are times too
# (sang ngay kia, toi thu bay).
_BARE_PARTS = re.compile(
    r" (sang|toi) (?=(?:today|tomorrow|day after tomorrow|next|monday|tuesday|wednesday|thursday|friday|saturday"
    r"|sunday|this weekend)\b)"
)
_BARE_PART_WORDS = {"sang": " morning ", "toi": " evening "}


def _hour(word: str, language: str) -> int:
    """An hour written in digits, Chinese numerals or native Korean numbers."""
    if word.isdigit():
        return int(word)
    return (_KOREAN_HOURS if language == "ko" else _CHINESE_DIGITS).get(word, 0)


def _clock_text(match: re.Match, language: str, part: str | None) -> str:
    """A clock time as HH:MM, moved past noon when an afternoon or evening word goes with it."""
    hour = _hour(match.group(1), language)
    half = match.group(3) if language == "vi" else match.group(2)
    minutes = match.group(2) if language == "vi" else match.group(3)
    minute = 30 if half else int(minutes or 0)
    if part in _PM and hour < 12:
        hour += 12
    return f" {hour:02d}:{minute:02d} "


def _clocks(text: str, language: str) -> str:
    """Replace clock times, each with the part of day said just before or after it."""

    def convert(match: re.Match) -> str:
        around = text[max(0, match.start() - 12) : match.end() + 12]
        part = re.search(_PARTS, around)
        return _clock_text(match, language, part.group(1) if part else None)

    return _CLOCKS[language].sub(convert, text)


def _dates(text: str, language: str) -> str:
    """Month and day (ngày 5/12, 12月5日, 12월 5일) as 12月5日, which bot.nlp.when reads."""

    def convert(match: re.Match) -> str:
        day, month = (match.group(1), match.group(2)) if language == "vi" else (match.group(2), match.group(1))
        return f" {int(month)}月{int(day)}日 "

    return _DATES[language].sub(convert, text)


def to_english(text: str, language: str) -> str:
    """The message with its day and time words in English and clock times as HH:MM."""
    prepared = prepare(text, language)
    vocabulary = lexicon(language)
    words = vocabulary.when
    bare = language == "vi" and strip_marks(prepared) == prepared
    if bare:
        words = {bare: words[key] for bare, key in vocabulary.bare(words)}
    for word in sorted(words, key=len, reverse=True):
        needle = f" {word} " if language == "vi" else word
        prepared = prepared.replace(needle, f" {words[word]} ")
    if bare:
        prepared = _BARE_PARTS.sub(lambda m: _BARE_PART_WORDS[m.group(1)], prepared)
    prepared = _clocks(_dates(prepared, language), language)
    return _NEXT_WEEKDAY.sub(lambda m: f"next {m.group(1) or m.group(2)}", prepared)


def resolve_in(text: str, language: str, now: datetime) -> When:
    """The moment a Vietnamese, Chinese or Korean message speaks of."""
    return resolve(to_english(text, language), now)


def names_day_in(text: str, language: str, now: datetime) -> bool:
    """Whether a message in any of our languages names a day (后天, 모레, ngày kia, 明後日), not
    only a part of day or a clock time."""
    return names_day(to_english(text, language) if language in LANGUAGES else text, now.date())


def bare_weekday_in(text: str, language: str) -> int | None:
    """The weekday a message in any of our languages names without its week (木曜, thứ năm), or None."""
    return bare_weekday(to_english(text, language) if language in LANGUAGES else text)
