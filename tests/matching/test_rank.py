"""Ranking is a pure function: fit, nearness, load, rest and answer rate."""

from datetime import datetime

from bot.matching.rank import Candidate, available, explain, rank, slot_for


def test_a_fitting_home_helper_comes_first():
    home = Candidate(1, fit=1.0, same_district=True)
    near = Candidate(2, fit=1.0, same_district=False)
    loose = Candidate(3, fit=0.4, same_district=True)
    assert [c.resident_id for c, _ in rank([loose, near, home])] == [1, 2, 3]


def test_the_load_is_shared_and_the_weekly_cap_respected():
    busy = Candidate(1, fit=1.0, same_district=True, tasks_this_week=3, days_since_last_task=0.5)
    rested = Candidate(2, fit=1.0, same_district=True, tasks_this_week=0, days_since_last_task=20)
    full = Candidate(3, fit=1.0, same_district=True, tasks_this_week=5, weekly_cap=5)
    assert [c.resident_id for c, _ in rank([busy, rested, full])] == [2, 1]


def test_helpers_who_answer_come_before_those_who_never_do():
    answers = Candidate(1, fit=1.0, same_district=True, offers_received=10, offers_answered=9)
    silent = Candidate(2, fit=1.0, same_district=True, offers_received=10, offers_answered=0)
    assert rank([silent, answers])[0][0].resident_id == 1


def test_slots_of_a_request():
    assert slot_for(datetime(2026, 11, 28, 9), "morning") == "weekend"  # a Saturday
    assert slot_for(datetime(2026, 11, 27, 9), "morning") == "weekday_morning"
    assert slot_for(datetime(2026, 11, 27, 19, 30), None) == "weekday_evening"
    assert slot_for(datetime(2026, 11, 27), None) is None  # a day, any time of it
    assert slot_for(None, "any") is None
    assert available(["weekend"], "weekday_morning") is False
    assert available([], "weekday_morning") and available(["weekend"], None)


def test_explain_is_one_line():
    line = explain(7, rank([Candidate(1, fit=1.0, same_district=True)]))
    assert line.startswith("request 7 ranking: #1=") and "\n" not in line
