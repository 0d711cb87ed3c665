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
