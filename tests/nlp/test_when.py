"""Time expressions against a fixed reference time (Wednesday 2025-05-14 10:00)."""

from datetime import datetime

import pytest

from bot.nlp import understand

NOW = datetime(2025, 5, 14, 10, 0)


# A clock time said with a part of day keeps the part (明日の朝8時: the morning, at 8).
@pytest.mark.parametrize(
    ("text", "expected", "part"),
    [
        ("明日の朝8時にゴミ出しをお願い", datetime(2025, 5, 15, 8, 0), "morning"),
        ("今週の土曜に草取りをお願い", datetime(2025, 5, 17, 0, 0), None),
        ("来週火曜の午後に病院まで送ってほしい", datetime(2025, 5, 20, 14, 0), "afternoon"),
        ("あさって買い物をお願い", datetime(2025, 5, 16, 0, 0), None),
        ("20日に電球を替えてほしい", datetime(2025, 5, 20, 0, 0), None),
        ("6月3日の午後3時に送迎をお願い", datetime(2025, 6, 3, 15, 0), "afternoon"),
        ("8時半に犬の散歩", datetime(2025, 5, 15, 8, 30), None),
        ("15:30に来てほしい", datetime(2025, 5, 14, 15, 30), None),
        ("朝に散歩をお願い", datetime(2025, 5, 15, 9, 0), "morning"),
        ("夕方5時ごろ散歩をお願い", datetime(2025, 5, 14, 17, 0), "evening"),
        ("水曜の午後にお願い", datetime(2025, 5, 14, 14, 0), "afternoon"),
        ("水曜にお願い", datetime(2025, 5, 21, 0, 0), None),
        ("Can someone walk my dog tomorrow morning?", datetime(2025, 5, 15, 9, 0), "morning"),
        ("I need a ride next Tuesday at 3pm", datetime(2025, 5, 20, 15, 0), None),
    ],
)
def test_when(text: str, expected: datetime, part: str | None) -> None:
    result = understand(text, now=NOW)
    assert (result.when, result.time_of_day) == (expected, part)


def test_no_time_said() -> None:
    assert understand("犬の散歩を2時間お願いしたい", now=NOW).when is None


AFTER_MIDNIGHT = datetime(2025, 5, 27, 3, 0)  # Tuesday, 03:00


@pytest.mark.parametrize(
    ("text", "expected", "part"),
    [
        ("明日の朝ゴミ出しをお願い", datetime(2025, 5, 28, 9, 0), "morning"),  # the next calendar day
        ("今朝のゴミを出してほしい", datetime(2025, 5, 27, 9, 0), "morning"),
        ("今日の朝、犬の散歩をお願い", datetime(2025, 5, 27, 9, 0), "morning"),
        ("朝に散歩をお願い", datetime(2025, 5, 27, 9, 0), "morning"),
        ("今夜、病院まで送ってほしい", datetime(2025, 5, 27, 19, 0), "evening"),
        ("今晩買い物を頼みたい", datetime(2025, 5, 27, 19, 0), "evening"),
        ("週末に草取りをお願い", datetime(2025, 5, 31, 0, 0), None),
        ("来週末に粗大ゴミを運んでほしい", datetime(2025, 6, 7, 0, 0), None),
        ("午前中に電球を替えてほしい", datetime(2025, 5, 27, 9, 0), "morning"),
        ("お昼に買い物をお願い", datetime(2025, 5, 27, 12, 0), "afternoon"),
        ("夕方5時に犬の散歩", datetime(2025, 5, 27, 17, 0), "evening"),
        ("5時半に犬の散歩", datetime(2025, 5, 27, 17, 30), None),
        ("17時に来てほしい", datetime(2025, 5, 27, 17, 0), None),
        ("Can someone walk my dog this evening?", datetime(2025, 5, 27, 17, 0), "evening"),
        ("Can someone mow my lawn on Saturday?", datetime(2025, 5, 31, 0, 0), None),
    ],
)
def test_when_said_after_midnight(text: str, expected: datetime, part: str | None) -> None:
    result = understand(text, now=AFTER_MIDNIGHT)
    assert (result.when, result.time_of_day) == (expected, part)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今夜、病院まで送ってほしい", datetime(2025, 5, 14, 19, 0)),
        ("今朝のゴミを出してほしい", datetime(2025, 5, 14, 9, 0)),  # today's morning, not tomorrow's
        ("Can someone walk my dog this evening?", datetime(2025, 5, 14, 17, 0)),
        ("週末に草取りをお願い", datetime(2025, 5, 17, 0, 0)),
    ],
)
def test_today_words_stay_today(text: str, expected: datetime) -> None:
    assert understand(text, now=NOW).when == expected


def test_weekend_said_on_a_sunday_is_that_day() -> None:
    sunday = datetime(2025, 5, 18, 8, 0)
    assert understand("週末に草取りをお願い", now=sunday).when == datetime(2025, 5, 18, 0, 0)


# A helper's break said in months ends on the day they would be back (shown to them as まで).
@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("来月の頭までお休みします", datetime(2025, 6, 8)),
        ("らいげつの あたままで やすみます", datetime(2025, 6, 8)),
        ("来月まで休ませてください", datetime(2025, 6, 1)),
        ("今月いっぱいお休みします", datetime(2025, 6, 1)),
        ("来月は入院するけん休むね", datetime(2025, 7, 1)),
        ("再来月まで手伝えません", datetime(2025, 7, 1)),
        ("I'm away until next month", datetime(2025, 6, 1)),
        ("来週は旅行でお休みします", datetime(2025, 5, 26)),
        ("しばらく休みます", None),
    ],
)
def test_a_break_said_in_months_ends_when_the_helper_is_back(text, back):
    from bot.nlp.when import period_end

    assert period_end(text, NOW) == back


# A break said by how long it lasts ends that long after the day it starts (today when none is said).
@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("can I take a break for two weeks from Monday? I'm travelling", datetime(2025, 6, 2)),
        ("I'm away for 10 days", datetime(2025, 5, 24)),
        ("off for a fortnight", datetime(2025, 5, 28)),
        ("月曜から2週間、旅行でお休みします", datetime(2025, 6, 2)),
        ("3日間お休みします", datetime(2025, 5, 17)),
        ("二週間休みます", datetime(2025, 5, 28)),
        ("来週から1ヶ月休みます", datetime(2025, 6, 18)),
    ],
)
def test_a_break_said_by_its_length_ends_that_long_after_it_starts(text, back):
    """ "a break for two weeks from Monday" had ended on that Monday."""
    from bot.nlp.when import period_end

    assert period_end(text, NOW) == back
