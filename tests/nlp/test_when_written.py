"""Dates written the way people type them: hiragana only, half-width kana, a correction."""

from datetime import datetime

import pytest

from bot.nlp import understand

NOW = datetime(2026, 11, 30, 10, 0)  # a Monday


@pytest.mark.parametrize(
    "text, day, part",
    [
        ("あしたのあさ", 1, "morning"),
        ("ｱｼﾀﾉｱｻ", 1, "morning"),
        ("あすのゆうがた", 1, "evening"),
        ("あさっての ごご", 2, "afternoon"),
        ("きょうのよる", 0, "evening"),
        ("あさって", 2, None),
        ("明日じゃなくて明後日の朝", 2, "morning"),
        ("今日じゃなくて明日の午後で", 1, "afternoon"),
        ("あしたやなくてあさってにして", 2, None),
    ],
)
def test_the_day_and_part_of_day_are_read(text, day, part):
    understood = understand(text, now=NOW)
    assert ((understood.when.date() - NOW.date()).days, understood.time_of_day) == (day, part)


def test_a_contrast_without_a_new_date_keeps_the_date_said():
    assert (understand("明日の朝じゃなくても大丈夫", now=NOW).when.date() - NOW.date()).days == 1


@pytest.mark.parametrize(
    "text, day, part",
    [
        ("the day after tomorrow instead of tomorrow", 2, None),
        ("Instead of tomorrow, the day after tomorrow in the afternoon please", 2, "afternoon"),
        ("not tomorrow but the day after tomorrow", 2, None),
        ("the day after tomorrow, not tomorrow", 2, None),
        ("tomorrow evening rather than this morning", 1, "evening"),
    ],
)
def test_english_names_the_day_meant_before_instead_of_and_after_not_but(text, day, part):
    understood = understand(text, now=NOW, language="en")
    assert ((understood.when.date() - NOW.date()).days, understood.time_of_day) == (day, part)


@pytest.mark.parametrize(
    "text, day",
    [
        ("sat afternoon", 5),
        ("Sat.", 5),
        ("on sat", 5),
        ("sun 10am", 6),
        ("thurs", 3),
        ("fri arvo", 4),
        ("next wed", 9),
        ("tues morning pls", 1),
    ],
)
def test_english_weekdays_shortened_are_read(text, day):
    """ "sat afternoon" was read as no day (the request went out for the next day)."""
    assert (understand(text, now=NOW, language="en").when.date() - NOW.date()).days == day


@pytest.mark.parametrize(
    "text", ["I sat down and hurt my back", "the sun is too strong for my plants", "we got wed in May"]
)
def test_the_words_sat_sun_and_wed_are_no_day(text):
    assert understand(text, now=NOW, language="en").when is None
