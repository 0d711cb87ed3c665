"""A district's monthly activity report: what a council attaches to its report to the city."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.web import admin_queries as queries
from bot.web import chart_facts as facts
from db.models import District

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Report:
    """One district's month in numbers, and its circulars and safety checks one by one."""

    district: District
    month: str  # "2026-11"
    requests: list[int]  # sent, met, unmet, cancelled after sending
    by_kind: list[tuple[str, list[int]]]  # category -> sent, met, unmet
    help_hours: float
    class_hours: float
    helpers: int
    masters: int
    circulars: list[facts.CircularFact]
    safety_checks: list[facts.CircularFact]
    followers: int
    new_followers: int

    @property
    def year_and_month(self) -> tuple[int, int]:
        """(2026, 11) for "2026-11"."""
        year, month = self.month.split("-")
        return int(year), int(month)


def month_asked(text: str | None, today: date) -> str:
    """The month asked for ("2026-10"), else last month, the one a council reports on."""
    if text and MONTH.match(text) and text <= facts.month_of(today):
        return text
    return facts.months(today, 2)[0]


def next_month(month: str, step: int) -> str:
    """The month `step` months after (or before) `month`."""
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def build(session: Session, district: District, month: str) -> Report:
    """Gather one month of the district's activity."""
    only = [month]
    requests = facts.sent_requests(session, district.id)
    tasks, classes, helpers, masters = facts.help_by_month(facts.help_given(session, district.id), only)[0][1]
    sent = [c for c in facts.circulars_sent(session, district.id) if facts.month_of(c.sent_at) == month]
    joined = queries.follower_dates(session, district.id)
    return Report(
        district=district,
        month=month,
        requests=facts.requests_by_month(requests, only)[0][1],
        by_kind=facts.requests_by_kind(requests, only),
        help_hours=tasks,
        class_hours=classes,
        helpers=int(helpers),
        masters=int(masters),
        circulars=[c for c in sent if c.kind == "circular"],
        safety_checks=[c for c in sent if c.kind == "safety_check"],
        followers=sum(1 for at in joined if facts.month_of(at) <= month),
        new_followers=sum(1 for at in joined if facts.month_of(at) == month),
    )
