"""Dates and times said in a message, resolved against the message time."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

WEEKDAYS_JA = "月火水木金土日"
WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PARTS = {  # word -> (time_of_day, default hour)
    "朝": ("morning", 9),
    "午前": ("morning", 9),
    "昼": ("afternoon", 12),
    "午後": ("afternoon", 14),
    "夕方": ("evening", 17),
    "夜": ("evening", 19),
    "晩": ("evening", 19),
    "morning": ("morning", 9),
    "noon": ("afternoon", 12),
    "afternoon": ("afternoon", 14),
    "evening": ("evening", 17),
    "night": ("evening", 19),
    "tonight": ("evening", 19),
    "arvo": ("afternoon", 14),  # Australian English
    # Written in hiragana alone (voice input, older people's phones).
    "あさ": ("morning", 9),
    "ごぜん": ("morning", 9),
    "ひる": ("afternoon", 12),
    "ごご": ("afternoon", 14),
    "ゆうがた": ("evening", 17),
    "よる": ("evening", 19),
    # Half in kana (夕がた, ゆう方): typed as the phone offered each character.
    "夕がた": ("evening", 17),
    "ゆう方": ("evening", 17),
}
_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# 今朝 / 今夜 are today's even when said after midnight; 明日 is always the next calendar day.
_RELATIVE = {
    "今日": 0,
    "本日": 0,
    "きょう": 0,
    "今朝": 0,
    "今夜": 0,
    "今晩": 0,
    "今夕": 0,
    "明日": 1,
    "あした": 1,
    "あす": 1,
    "明後日": 2,
    "あさって": 2,
    "明明後日": 3,
    "明々後日": 3,
    "しあさって": 3,
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "tomorrow": 1,
    "tmrw": 1,
    "tmr": 1,
    "2moro": 1,
    "2morrow": 1,
    "tomoz": 1,
    "tomorow": 1,
    "tommorow": 1,
    "tommorrow": 1,
    "this arvo": 0,
    "day after tomorrow": 2,
}
_WEEKEND = re.compile(r"(再来週|来週|今週)末|週末|\b(next|this|the)\s+weekend\b")
_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
# 「3日間」「三日ほど」「2日分」「3日くらい」 are how long, not which day (「3日くらいに」 is a day).
_DAY = re.compile(r"(?<![\d月])(\d{1,2})日(?!間|ほど|程|ばかり|ばっかり|分|(?:くらい|ぐらい)(?!に))")
_WEEKDAY_JA = re.compile(r"(再来週|来週|今週)?(?:の)?([月火水木金土日])曜")
_WEEKDAY_EN = re.compile(r"\b(next|this|on)?\s*(" + "|".join(WEEKDAYS_EN) + r")\b")
# Weekdays as people shorten them ("sat arvo", "thurs", "on tue"); mon, wed, sat and sun are also
# words ("I sat down", "the sun"), so they are a day only after on / this / next, before a part of
# the day or a time ("sat afternoon", "sun 10am"), or as the whole answer ("Sat.").
_SHORT_WEEKDAYS = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thur": 3, "thurs": 3}  # thu is Vietnamese
_SHORT_WEEKDAYS |= {"fri": 4, "sat": 5, "sun": 6}
_ALSO_WORDS = ("mon", "wed", "sat", "sun")
_SHORT_WEEKDAY_EN = re.compile(
    r"(?<!')\b(next|this|on)?\s*(" + "|".join(sorted(_SHORT_WEEKDAYS, key=len, reverse=True)) + r")\b\.?"
    r"(?=\s*(morning|afternoon|evening|night|arvo|noon|\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\d{1,2}:\d{2})"
    r"|\s*[.!?]*\s*$)?"
)
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_HOUR_JA = re.compile(
    r"(午前|午後|朝|昼|夕方|夜|晩|ごぜん|ごご|ゆうがた|夕がた|ゆう方|よる)?の?(\d{1,2})時(?!間)(半|(\d{1,2})分)?"
)
_HOUR_EN = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|o'clock)")
_PART = re.compile(
    r"(午前|午後|夕方|朝|昼|夜|晩|morning|afternoon|evening|night|noon|tonight|\barvo\b"
    r"|ゆうがた|夕がた|ゆう方|ごぜん|ごご|あさ(?!って)|ひる|(?<=の)よる)"
)
# 「明日じゃなくて明後日」: what follows the contrast is what is meant.
CONTRAST = re.compile(r"じゃなくて|じゃなく|ではなくて|ではなく|でなくて|やなくて|じゃのうて|\binstead of\b")
# "Wednesday instead of Tuesday": English names the day meant before the contrast, Japanese after it
_INSTEAD = re.compile(r"\b(?:instead of|rather than)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,、，;]")
_NOT_BUT = re.compile(r"\bnot\b.+?\bbut\b(?P<meant>.+)", re.IGNORECASE)  # "not Tuesday but Wednesday"
_COMMA_NOT = re.compile(r"(?P<meant>.*\w.*?)[,;]\s*not\b", re.IGNORECASE)  # "Wednesday, not Tuesday"
# Katakana read as hiragana (ｱｼﾀ becomes アシタ in normalising, then あした here).
_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


@dataclass(frozen=True)
class When:
    """A resolved moment, and the part of day when only that was said."""

    moment: datetime | None
    time_of_day: str | None


def _kanji_numbers(text: str) -> str:
    """Turn small kanji numerals before 時/日/月 into digits (三時 -> 3時)."""

    def convert(match: re.Match) -> str:
        digits = match.group(1)
        value = (
            sum(_KANJI_DIGITS[c] for c in digits)
            if "十" not in digits
            else ((_KANJI_DIGITS.get(digits.split("十")[0], 1) * 10) + _KANJI_DIGITS.get(digits.split("十")[1], 0))
        )
        return f"{value}{match.group(2)}"

    return re.sub(r"([一二三四五六七八九十]{1,3})(時|日|月)", convert, text)


def english_weekday(lowered: str) -> tuple[str | None, int] | None:
    """The weekday an English text names, in full ("Saturday") or short ("sat arvo", "thurs"),
    with the week word before it (next, this, on): (week, 0 for Monday); None if it names none."""
    if match := _WEEKDAY_EN.search(lowered):
        return match.group(1), WEEKDAYS_EN.index(match.group(2))
    for match in _SHORT_WEEKDAY_EN.finditer(lowered):
        short = match.group(2)
        whole = not lowered[: match.start()].strip() and len(lowered[match.end() :].split()) <= 1  # "Sat pls"
        if short not in _ALSO_WORDS or match.group(1) or match.group(3) is not None or whole:
            return match.group(1), _SHORT_WEEKDAYS[short]
    return None


def _weekday_date(now: date, weekday: int, week: str | None) -> date:
    """This/next week's weekday (weeks start on Monday), or the next one to come."""
    monday = now - timedelta(days=now.weekday())
    if week in ("来週", "next"):
        return monday + timedelta(days=7 + weekday)
    if week == "再来週":
        return monday + timedelta(days=14 + weekday)
    if week in ("今週", "this"):
        return monday + timedelta(days=weekday)
    return now + timedelta(days=(weekday - now.weekday()) % 7)


def find_date(text: str, now: date) -> date | None:
    """The day a message speaks of, if it names one."""
    lowered = text.lower()
    for word, days in sorted(_RELATIVE.items(), key=lambda item: -len(item[0])):
        if word in lowered:
            return now + timedelta(days=days)
    if match := _MONTH_DAY.search(text):
        return _future(now, int(match.group(1)), int(match.group(2)))
    if match := _WEEKEND.search(lowered):
        return _weekend(now, match.group(1) or match.group(2))
    if match := _WEEKDAY_JA.search(text):
        return _weekday_date(now, WEEKDAYS_JA.index(match.group(2)), match.group(1))
    if named := english_weekday(lowered):
        return _weekday_date(now, named[1], named[0])
    if match := _DAY.search(text):
        return _future_day(now, int(match.group(1)))
    return None


def _weekend(now: date, week: str | None) -> date:
    """The Saturday of the weekend meant (today when it is the weekend already)."""
    if week in ("来週", "next"):
        return _weekday_date(now, 5, "来週")
    if week == "再来週":
        return _weekday_date(now, 5, "再来週")
    return now if now.weekday() >= 5 else _weekday_date(now, 5, None)


def _future(now: date, month: int, day: int) -> date | None:
    """That month and day this year, or next year if it has passed."""
    try:
        found = date(now.year, month, day)
        return found if found >= now else date(now.year + 1, month, day)
    except ValueError:
        return None


def _future_day(now: date, day: int) -> date | None:
    """That day of this month, or of next month if it has passed."""
    month, year = (now.month, now.year) if day >= now.day else (now.month % 12 + 1, now.year + (now.month == 12))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_time(text: str) -> tuple[time | None, str | None]:
    """Clock time said in the message, or the part of day when only that is said."""
    lowered = text.lower()
    said = _PART.search(lowered)
    part = PARTS[said.group(1)][0] if said else None  # 朝8時: the clock, and still the morning
    if match := _HOUR_JA.search(text):
        minute = 30 if match.group(3) == "半" else int(match.group(4) or 0)
        return _clock(int(match.group(2)), minute, match.group(1)), part
    if match := _HOUR_EN.search(lowered):
        meridiem = "午後" if match.group(3).startswith("p") else "午前" if match.group(3).startswith("a") else None
        return _clock(int(match.group(1)), int(match.group(2) or 0), meridiem), part
    if match := _CLOCK.search(text):
        return _clock(int(match.group(1)), int(match.group(2)), None), part
    if said:
        return time(PARTS[said.group(1)][1], 0), part
    return None, None


def _clock(hour: int, minute: int, part: str | None) -> time | None:
    """A clock time, moving afternoon/evening hours (午後3時, 夜8時) past noon."""
    if part in ("午後", "夕方", "夜", "晩", "ごご", "ゆうがた", "夕がた", "ゆう方", "よる") and hour < 12:
        hour += 12
    elif part is None and 1 <= hour <= 6:
        hour += 12  # 5時 for a chore means the afternoon
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def resolve(text: str, now: datetime) -> When:
    """The moment a (normalised) message speaks of, relative to `now`."""
    whole = _kanji_numbers(text.translate(_TO_HIRAGANA))
    text = _meant(whole, now.date())
    day = find_date(text, now.date())
    clock, part = find_time(text)
    if day is None and text != whole and (clock or part):
        day = find_date(whole, now.date())  # 「明日の朝じゃなくて午後」: the time refused, not the day
    if day is None:
        if clock is None:
            return When(None, None)
        moment = datetime.combine(now.date(), clock)
        return When(moment if moment > now else moment + timedelta(days=1), part)
    moment = datetime.combine(day, clock or time(0, 0))
    if day == now.date() and _names_weekday(text) and (clock is None or moment <= now):
        moment += timedelta(days=7)  # a bare weekday that is today and already past: next week's
    return When(moment, part)


def names_day(text: str, now: date) -> bool:
    """Whether a message names a day (明日, 3日, 火曜), not only a part of day or a clock time."""
    return find_date(_meant(_kanji_numbers(text.translate(_TO_HIRAGANA)), now), now) is not None


# How long a break lasts: 「3日間」「二週間」「1ヶ月」, "for two weeks", "a fortnight", "10 days".
_LENGTH_JA = re.compile(r"(\d+|[一二三四五六七八九十]+)\s*(日間|週間|か月|ヶ月|ゖ月|ケ月|カ月)")
_LENGTH_EN = re.compile(r"\b(a|an|one|two|three|four|five|six|a couple of|\d+)\s+(day|week|month)s?\b")
_EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "a couple of": 2}
_UNIT_DAYS = {"日間": 1, "週間": 7, "day": 1, "week": 7}  # months: 30 days


def _length(text: str) -> timedelta | None:
    """How long a period said lasts, if the message says it."""
    if "fortnight" in text:
        return timedelta(days=14)
    if match := _LENGTH_JA.search(text):
        count = match.group(1)
        number = int(count) if count.isdigit() else int(_kanji_numbers(count + "日")[:-1])
    elif match := _LENGTH_EN.search(text):
        count = match.group(1)
        number = int(count) if count.isdigit() else _EN_NUMBERS[count]
    else:
        return None
    return timedelta(days=number * _UNIT_DAYS.get(match.group(2), 30))


def period_end(text: str, now: datetime) -> datetime | None:
    """When a period said in the message is over (来週 -> the Monday after it; 明日 -> the day
    after; 「月曜から2週間」 "two weeks from Monday" -> two weeks after that Monday; 「3日間」 -> three
    days from today), or None when it names none. Half-width kana and full-width letters are read as
    any."""
    text = _kanji_numbers(unicodedata.normalize("NFKC", text).translate(_TO_HIRAGANA)).lower()
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), time(0, 0))
    if (length := _length(text)) is not None:
        next_week = any(word in text for word in ("来週", "らいしゅう", "next week"))
        start = monday.date() + timedelta(weeks=1) if next_week else find_date(text, now.date()) or now.date()
        return datetime.combine(start, time(0, 0)) + length
    for words, weeks in (
        (("再来週", "さらいしゅう"), 3),
        (("来週", "らいしゅう", "next week"), 2),
        (("今週", "こんしゅう", "this week"), 1),
    ):
        if any(word in text for word in words):
            return monday + timedelta(weeks=weeks)
    month = _month_end(text, now.date())
    if month is not None:
        return datetime.combine(month, time(0, 0))
    day = find_date(_meant(text, now.date()), now.date())
    return datetime.combine(day + timedelta(days=1), time(0, 0)) if day else None


# A break said in months, and the day it is over: 「今月いっぱい」 the 1st of next month, 「来月の頭まで」
# once next month's first week is past, 「来月まで」 the 1st of next month, 「来月は」 the 1st after it.
_MONTHS: tuple[tuple[tuple[str, ...], int, int], ...] = (
    (("再来月まで", "さらいげつまで"), 2, 1),
    (("再来月", "さらいげつ"), 3, 1),
    (("今月", "こんげつ", "thismonth"), 1, 1),
    (
        (
            "来月の頭",
            "来月頭",
            "来月のはじめ",
            "来月はじめ",
            "来月の初め",
            "来月初め",
            "らいげつのあたま",
            "らいげつあたま",
            "らいげつのはじめ",
            "らいげつはじめ",
            "startofnextmonth",
            "beginningofnextmonth",
        ),
        1,
        8,
    ),
    (("来月まで", "らいげつまで", "untilnextmonth"), 1, 1),
    (("来月", "らいげつ", "nextmonth"), 2, 1),
)


def _month_end(text: str, today: date) -> date | None:
    """The day a break said in months is over, or None when no month is named (spaces aside:
    「らいげつの あたま」 is 来月の頭, "until next month" is untilnextmonth)."""
    text = text.replace(" ", "")
    for words, months, day in _MONTHS:
        if any(word in text for word in words):
            index = today.year * 12 + today.month - 1 + months
            return date(index // 12, index % 12 + 1, day)
    return None


# 「朝より夕方がいい」「明日より明後日」: the time or day before より is the one not wanted (「明日より毎朝」,
# from tomorrow, keeps its day: より is dropped only when another of the same sort is named).
_RATHER_TIME = re.compile(r"(?:午前|午後|朝|昼|夕方|夜|晩|ゆうがた|ひる|\d{1,2}時半?)より(?:も)?")
_RATHER_DAY = re.compile(r"(?:今日|きょう|明日|あした|あす|明後日|あさって|[月火水木金土日]曜日?)より(?:も)?")


def _meant(text: str, now: date) -> str:
    """The part a contrast leaves standing (「明日じゃなくて明後日」), when it names a day or a time; a day or
    time compared away with より (「朝より夕方」) left out when another is named."""
    last = meant_part(text)
    if last != text and (find_date(last, now) or find_time(last)[0]):
        return last
    rest = _RATHER_TIME.sub(" ", text)
    if rest != text and find_time(rest)[0]:
        text = rest
    rest = _RATHER_DAY.sub(" ", text)
    if rest != text and find_date(rest, now):
        text = rest
    return text


def meant_part(text: str) -> str:
    """The part of a message a contrast leaves standing: after 「じゃなくて」 (「火曜じゃなくて水曜」),
    before "instead of" or "rather than" ("Wednesday instead of Tuesday") or after the clause they
    open ("Instead of Tuesday, Wednesday please"), after "not ... but" and before ", not"
    ("Wednesday, not Tuesday"); the whole text when it has no contrast, or when the part meant
    cannot be told."""
    if instead := _INSTEAD.search(text):
        if text[: instead.start()].strip(" ,.!?"):
            return text[: instead.start()]
        refused_and_meant = _CLAUSE_END.split(text[instead.end() :], maxsplit=1)
        if len(refused_and_meant) == 2 and refused_and_meant[1].strip(" ,.!?"):
            return refused_and_meant[1]
        return text
    if (but := _NOT_BUT.search(text)) and but["meant"].strip(" ,.!?"):
        return but["meant"]
    if comma := _COMMA_NOT.match(text):
        return comma["meant"]
    return CONTRAST.split(text)[-1]


def bare_weekday(text: str) -> int | None:
    """The weekday a message names without saying which week (木曜, "on Thursday"; not 来週の木曜,
    "next Thursday"), 0 for Monday; None if it names none or says the week. After a contrast
    (「火曜じゃなくて水曜」) the weekday meant is the one after it."""
    last = meant_part(text)
    if last != text and (_WEEKDAY_JA.search(last) or english_weekday(last.lower())):
        text = last
    lowered = text.lower()
    if any(word in lowered for word in ("週", "しゅう", "week", "this ", "next ")):
        return None
    if match := _WEEKDAY_JA.search(text):
        return WEEKDAYS_JA.index(match.group(2))
    if named := english_weekday(lowered):
        return named[1]
    return None


def _names_weekday(text: str) -> bool:
    """Whether the date came from a bare weekday (水曜, Friday), not 今日 or 今週の."""
    lowered = text.lower()
    if any(word in lowered for word in ("今日", "本日", "今週", "today", "this ")):
        return False
    return bool(_WEEKDAY_JA.search(text) or english_weekday(lowered))
