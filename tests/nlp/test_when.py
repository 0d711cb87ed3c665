"""Time expressions against a fixed reference time (Wednesday 2025-05-14 10:00)."""

from datetime import datetime

import pytest

from bot.nlp import understand

NOW = datetime(2025, 5, 14, 10, 0)


@pytest.mark.parametrize(("text", "expected", "part"), [
    ("明日の朝8時にゴミ出しをお願い", datetime(2025, 5, 15, 8, 0), None),
    ("今週の土曜に草取りをお願い", datetime(2025, 5, 17, 0, 0), None),
    ("来週火曜の午後に病院まで送ってほしい", datetime(2025, 5, 20, 14, 0), "afternoon"),
    ("あさって買い物をお願い", datetime(2025, 5, 16, 0, 0), None),
    ("20日に電球を替えてほしい", datetime(2025, 5, 20, 0, 0), None),
    ("6月3日の午後3時に送迎をお願い", datetime(2025, 6, 3, 15, 0), None),
    ("8時半に犬の散歩", datetime(2025, 5, 15, 8, 30), None),
    ("15:30に来てほしい", datetime(2025, 5, 14, 15, 30), None),
    ("朝に散歩をお願い", datetime(2025, 5, 15, 9, 0), "morning"),
    ("夕方5時ごろ散歩をお願い", datetime(2025, 5, 14, 17, 0), None),
    ("水曜の午後にお願い", datetime(2025, 5, 14, 14, 0), "afternoon"),
    ("水曜にお願い", datetime(2025, 5, 21, 0, 0), None),
    ("Can someone walk my dog tomorrow morning?", datetime(2025, 5, 15, 9, 0), "morning"),
    ("I need a ride next Tuesday at 3pm", datetime(2025, 5, 20, 15, 0), None),
])
def test_when(text: str, expected: datetime, part: str | None) -> None:
    result = understand(text, now=NOW)
    assert (result.when, result.time_of_day) == (expected, part)


def test_no_time_said() -> None:
    assert understand("犬の散歩を2時間お願いしたい", now=NOW).when is None
