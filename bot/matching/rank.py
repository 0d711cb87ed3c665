"""Ranking helpers for a request: a pure function on plain values, and its one-line explanation."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

WEEKDAY_PARTS = {"morning": "weekday_morning", "afternoon": "weekday_afternoon", "evening": "weekday_evening"}
SLOTS = ("weekday_morning", "weekday_afternoon", "weekday_evening", "weekend")
EXPERIENCE_THRESHOLD = 0.3  # below this an experience text does not fit the request
RECENT_DAYS = 14  # someone who helped two weeks ago counts as rested


class Candidate(NamedTuple):
    """What ranking needs to know about one helper (a named tuple: a pool makes a hundred of them
    per request, and a frozen dataclass sets each field through object.__setattr__, 2.5 us each)."""

    resident_id: int
    fit: float  # 1.0 for a registered kind, else the experience score
    same_district: bool
    tasks_this_week: int = 0
    weekly_cap: int = 5
    days_since_last_task: float | None = None  # None: never helped yet
    offers_received: int = 0
    offers_answered: int = 0

    @property
    def answer_rate(self) -> float:
        """How often this helper answers offers (a newcomer counts as fairly likely)."""
        if not self.offers_received:
            return 0.7
        return self.offers_answered / self.offers_received


def slot_for(when: datetime | None, time_of_day: str | None) -> str | None:
    """The availability slot a request falls in; None when any time will do."""
    if when is not None and when.weekday() >= 5:
        return "weekend"
    part = time_of_day
    if when is not None and part is None and (when.hour, when.minute) != (0, 0):
        part = "morning" if when.hour < 12 else "afternoon" if when.hour < 17 else "evening"
    if part not in WEEKDAY_PARTS:
        return None
    return WEEKDAY_PARTS[part] if when is not None else None


def available(availability: list[str], slot: str | None) -> bool:
    """Whether a helper's free time covers the slot (no slots given: always)."""
    return slot is None or not availability or slot in availability


def score(candidate: Candidate) -> float:
    """Higher is a better person to ask first: fit, nearness, rested, reliable."""
    load = candidate.tasks_this_week / max(candidate.weekly_cap, 1)
    rested = (
        1.0
        if candidate.days_since_last_task is None
        else min(candidate.days_since_last_task, RECENT_DAYS) / RECENT_DAYS
    )
    return (
        3.0 * candidate.fit
        + (1.0 if candidate.same_district else 0.3)
        + 1.0 * (1.0 - load)
        + 0.7 * rested
        + 0.8 * candidate.answer_rate
    )


def rank(candidates: list[Candidate]) -> list[tuple[Candidate, float]]:
    """Candidates under their weekly cap, best first (ties: the lower id, for stable tests)."""
    open_ = [c for c in candidates if c.tasks_this_week < c.weekly_cap and c.fit > 0]
    scored = [(c, round(score(c), 3)) for c in open_]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0].resident_id))


def explain(request_id: int, ranked: list[tuple[Candidate, float]], limit: int = 10) -> str:
    """One log line saying why the helpers came in this order."""
    parts = [
        f"#{c.resident_id}={s:.2f}(fit {c.fit:.2f}, {'home' if c.same_district else 'near'}, "
        f"{c.tasks_this_week}/{c.weekly_cap} wk, last {_days(c.days_since_last_task)}, "
        f"answers {c.answer_rate:.0%})"
        for c, s in ranked[:limit]
    ]
    return f"request {request_id} ranking: " + (" ".join(parts) if parts else "no candidate")


def _days(days: float | None) -> str:
    return "never" if days is None else f"{days:.0f}d"
