"""What happened in a district, month by month, for its chart (地域カルテ) and monthly report.

Only what really happened counts: a request once it was sent (open, assigned, done, unmet, or
cancelled after its offers went out), never a draft; a circular or safety check once sent.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from statistics import median

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.circulars import deliveries
from db.models import Account, Circular, Delivery, HelperProfile, HelpRequest, LedgerEntry, Task

MET = ("assigned", "done")
SENT = ("open", "assigned", "done", "unmet")
OUTCOME_COLUMN = {"assigned": 1, "done": 1, "unmet": 2, "cancelled": 3}  # of requests_by_month


@dataclass(frozen=True)
class RequestFact:
    """One sent request: its kind, status, when it was made, how long until someone took it."""

    category: str
    status: str
    created_at: datetime
    minutes_to_accept: int | None
    text: str
    summary: str


@dataclass(frozen=True)
class HelpFact:
    """Help given: a task done or a class taught, by whom, when, how many minutes."""

    helper_id: int
    at: datetime
    minutes: int
    master: bool
    teaching: bool = False


@dataclass(frozen=True)
class CircularFact:
    """One sent circular or safety check with its counts."""

    kind: str
    sent_at: datetime
    sent: int
    confirmed: int
    answered: int
    needs_confirmation: bool
    title: str = ""
    need_help: int = 0


def month_of(moment: datetime | date) -> str:
    """ "2026-03" for any moment of March 2026."""
    return f"{moment:%Y-%m}"


def months(today: date, count: int = 12) -> list[str]:
    """The last `count` months as "YYYY-MM", oldest first."""
    year, month = today.year, today.month
    labels = []
    for _ in range(count):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return labels[::-1]


def sent_requests(session: Session, district_id: int) -> list[RequestFact]:
    """Every request of the district that was sent, with the minutes until its first accept."""
    sent = or_(HelpRequest.status.in_(SENT), and_(HelpRequest.status == "cancelled", HelpRequest.offer_round > 0))
    rows = session.execute(
        select(
            HelpRequest.category,
            HelpRequest.status,
            HelpRequest.created_at,
            Task.accepted_at,
            HelpRequest.text,
            HelpRequest.summary,
        )
        .outerjoin(Task, Task.request_id == HelpRequest.id)
        .where(HelpRequest.district_id == district_id, sent)
    )
    return [
        RequestFact(category, status, created, _minutes(created, accepted), text or "", summary or "")
        for category, status, created, accepted, text, summary in rows
    ]


def _minutes(start: datetime, end: datetime | None) -> int | None:
    return None if end is None else max(0, round((end - start).total_seconds() / 60))


def help_given(session: Session, district_id: int) -> list[HelpFact]:
    """Tasks done for the district's requests, and classes paid from the district's account."""
    masters = set(
        session.scalars(
            select(HelperProfile.resident_id).where(
                HelperProfile.experience.is_not(None), HelperProfile.experience != ""
            )
        )
    )
    tasks = session.execute(
        select(Task.helper_id, Task.done_at, Task.accepted_at, Task.minutes)
        .join(HelpRequest, HelpRequest.id == Task.request_id)
        .where(HelpRequest.district_id == district_id, HelpRequest.status == "done")
    )
    facts = [
        HelpFact(helper, done or accepted, minutes or 0, helper in masters) for helper, done, accepted, minutes in tasks
    ]
    return facts + classes(session, district_id)


def classes(session: Session, district_id: int) -> list[HelpFact]:
    """Classes experience masters taught, paid from the district's community account."""
    paid = (
        select(LedgerEntry.transfer_id)
        .join(Account, Account.id == LedgerEntry.account_id)
        .where(Account.kind == "community", Account.district_id == district_id, LedgerEntry.kind == "teaching")
    )
    rows = session.execute(
        select(Account.resident_id, LedgerEntry.created_at, LedgerEntry.minutes)
        .join(Account, Account.id == LedgerEntry.account_id)
        .where(LedgerEntry.transfer_id.in_(paid), Account.kind == "resident")
    )
    return [HelpFact(master, at, minutes, True, teaching=True) for master, at, minutes in rows if master is not None]


def circulars_sent(session: Session, district_id: int) -> list[CircularFact]:
    """Every circular and safety check the district sent, with sent, confirmed and answered counts."""
    rows = session.execute(
        select(
            Circular.kind,
            Circular.sent_at,
            Circular.needs_confirmation,
            deliveries.sent_count(Circular.id),
            func.count(Delivery.confirmed_at),
            func.count(Delivery.answer),
            Circular.title,
            func.count(Delivery.id).filter(Delivery.answer == "need_help"),
        )
        .outerjoin(Delivery, Delivery.circular_id == Circular.id)
        .where(
            Circular.district_id == district_id, Circular.status.in_(("sending", "sent")), Circular.sent_at.is_not(None)
        )
        .group_by(Circular.id)
        .order_by(Circular.sent_at)
    )
    return [
        CircularFact(kind, at, sent, confirmed, answered, needs, title, need_help)
        for kind, at, needs, sent, confirmed, answered, title, need_help in rows
        if at is not None  # (never None: the query asks for sent circulars)
    ]


# -- per month ---------------------------------------------------------------------------------


def requests_by_month(facts: list[RequestFact], labels: list[str]) -> list[tuple[str, list[int]]]:
    """Per month: requests sent, met (taken or done), unmet, cancelled after sending."""
    table = {label: [0, 0, 0, 0] for label in labels}
    for fact in facts:
        row = table.get(month_of(fact.created_at))
        if row is not None:
            row[0] += 1
            if fact.status in OUTCOME_COLUMN:
                row[OUTCOME_COLUMN[fact.status]] += 1
    return list(table.items())


def requests_by_kind(facts: list[RequestFact], labels: list[str]) -> list[tuple[str, list[int]]]:
    """Per kind of help over the months shown: requests, met, unmet; the most asked first."""
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for fact in facts:
        if month_of(fact.created_at) in labels:
            row = table[fact.category]
            row[0] += 1
            row[1] += fact.status in MET
            row[2] += fact.status == "unmet"
    return sorted(table.items(), key=lambda item: (-item[1][0], item[0]))


def unmet_rate(facts: list[RequestFact], labels: list[str]) -> list[tuple[str, list[int]]]:
    """Per month, the share (%) of closed requests (done or unmet) that found no helper."""
    closed = Counter(month_of(f.created_at) for f in facts if f.status in ("done", "unmet"))
    unmet = Counter(month_of(f.created_at) for f in facts if f.status == "unmet")
    return [(m, [percent(unmet[m], closed[m])]) for m in labels]


def first_accept(facts: list[RequestFact], labels: list[str]) -> list[tuple[str, list[int]]]:
    """Per month, the median minutes from a request to the first helper who took it, and how many."""
    waits = defaultdict(list)
    for fact in facts:
        if fact.minutes_to_accept is not None:
            waits[month_of(fact.created_at)].append(fact.minutes_to_accept)
    return [(m, [round(median(waits[m])) if waits[m] else 0, len(waits[m])]) for m in labels]


def help_by_month(facts: list[HelpFact], labels: list[str]) -> list[tuple[str, list[float]]]:
    """Per month: hours of help given (tasks, classes) and the helpers and masters who gave it."""
    table: dict[str, list[Any]] = {label: [0, 0, set(), set()] for label in labels}
    for fact in facts:
        row = table.get(month_of(fact.at))
        if row is not None:
            row[1 if fact.teaching else 0] += fact.minutes
            row[3 if fact.master else 2].add(fact.helper_id)
    return [
        (m, [round(tasks / 60, 1), round(teaching / 60, 1), len(helpers), len(masters)])
        for m, (tasks, teaching, helpers, masters) in table.items()
    ]


def circular_rates(facts: list[CircularFact], labels: list[str], kind: str) -> list[tuple[str, list[int]]]:
    """Per month: people sent to, how many confirmed (circulars) or answered (safety checks), the %."""
    table = {label: [0, 0] for label in labels}
    for fact in facts:
        row = table.get(month_of(fact.sent_at))
        if row is None or fact.kind != kind or (kind == "circular" and not fact.needs_confirmation):
            continue
        row[0] += fact.sent
        row[1] += fact.answered if kind == "safety_check" else fact.confirmed
    return [(m, [sent, done, percent(done, sent)]) for m, (sent, done) in table.items()]


def percent(part: int, whole: int) -> int:
    """part of whole in whole percent (0 when there is no whole)."""
    return round(100 * part / whole) if whole else 0
