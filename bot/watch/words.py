"""Reading what a watched resident writes: a time of day, a time away, a sign that something is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.i18n import t
from bot.nlp.normalise import normalise
from bot.nlp.when import find_date

_CLOCK_JA = re.compile(r"(午前|午後|朝|昼|夕方|夜|晩)?の?(\d{1,2})時(半|(\d{1,2})分)?")
_CLOCK_EN = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|o'clock)?\b")
_AFTERNOON = ("午後", "夕方", "夜", "晩", "pm", "p.m.")
_SPAN_DAYS = re.compile(r"(\d{1,2})\s*(日間|days?)", re.IGNORECASE)
_SPAN_WEEKS = re.compile(r"(\d{1,2})\s*(週間|weeks?)", re.IGNORECASE)
_UNTIL = re.compile(r"(.{0,8}?)(まで|until|till)", re.IGNORECASE)
_LONGEST_PAUSE_DAYS = 60


def minute_of_day(text: str) -> int | None:
    """The greeting time a person names (8時半, 午後2時, 7:30, 9am) in minutes after midnight.

    A bare hour is a morning hour: people are greeted in the day, and 6時 means the morning here.
    """
    text = normalise(text)
    if match := _CLOCK_JA.search(text):
        hour, part = int(match.group(2)), match.group(1)
        minute = 30 if match.group(3) == "半" else int(match.group(4) or 0)
    elif match := _CLOCK_EN.search(text.lower()):
        hour, part, minute = int(match.group(1)), match.group(3), int(match.group(2) or 0)
    else:
        return None
    if part in _AFTERNOON and hour < 12:
        hour += 12
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return hour * 60 + minute


@dataclass(frozen=True)
class Pause:
    """Days without a greeting, first and last included."""

    first: date
    last: date


def pause_span(text: str, today: date) -> Pause | None:
    """「明日から3日間、娘のところに行きます」 -> tomorrow to the day after the next; None if no span."""
    text = normalise(text)
    first = _first_day(text, today)
    last = _last_day(text, first, today)
    if last is None or last < first or (last - first).days > _LONGEST_PAUSE_DAYS:
        return None
    return Pause(first, last)


def _first_day(text: str, today: date) -> date:
    """The day named before から/from, else tomorrow (a person going away writes the day before)."""
    head = re.split(r"から|from", text, maxsplit=1, flags=re.IGNORECASE)
    if len(head) == 2:
        named = find_date(head[0] + " ", today)
        if named is not None:
            return named
    return today + timedelta(days=1)


def _last_day(text: str, first: date, today: date) -> date | None:
    if match := _SPAN_DAYS.search(text):
        return first + timedelta(days=int(match.group(1)) - 1)
    if match := _SPAN_WEEKS.search(text):
        return first + timedelta(days=7 * int(match.group(1)) - 1)
    if match := _UNTIL.search(text):
        named = find_date(match.group(1), today)
        return named if named is not None and named != today else None
    return None


def _says(text: str, locale: str, key: str) -> bool:
    text = normalise(text).lower()
    words = t(key, locale).split(",") + t(key, "ja").split(",")
    return any(word.strip().lower() in text for word in words if word.strip())


def sounds_unwell(text: str, locale: str) -> bool:
    """Whether a reply says something is wrong (熱がある, 転んでしまって): the watchers hear of it."""
    return _says(text, locale, "watch.unwell_words")


def says_away(text: str, locale: str) -> bool:
    """Whether the words say the person will be away (行きます, 入院, 旅行): a pause, not a request."""
    return _says(text, locale, "watch.away_words")
