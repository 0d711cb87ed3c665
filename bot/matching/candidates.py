"""Finding the helpers who could take a request: database queries, ranking left to rank.py."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import Row
from sqlalchemy.orm import Session

from bot.matching import pools
from bot.matching.pools import ANY_HELPER, MASTERS_PER_DISTRICT, POOL_PER_DISTRICT, SKILL, SPREAD
from bot.matching.ring import ring
from bot.matching.rank import EXPERIENCE_THRESHOLD, Candidate, available, slot_for
from db.matching_index import fresh
from db.models import HelpRequest

__all__ = ["MASTERS_PER_DISTRICT", "POOL_PER_DISTRICT", "find", "ring"]


def fit(
    fits_by: int,
    experience: str | None,
    skills: str | None,
    stored: str | None,
    category: str,
    request_terms: Callable[[], dict],
) -> float:
    """1.0 for a registered kind, else how well the experience matches the request's words (the
    master's kinds and reading given as the JSON text stored)."""
    from bot.nlp import experience_terms, terms_score

    if fits_by == SKILL or category in ANY_HELPER or category in (_json(skills) or ()):
        return 1.0
    if not experience:
        return 0.0
    terms = _json(stored)
    if terms is None or not fresh(terms, experience):
        terms = experience_terms(experience)
    value = terms_score(terms, request_terms())
    return value if value >= EXPERIENCE_THRESHOLD else 0.0


def _json(text: str | None):
    return None if text is None else json.loads(text)


def find(session: Session, request: HelpRequest, now: datetime, default_cap: int) -> list[Candidate]:
    """Every helper who could take the request now, with what ranking needs."""
    if not request.district_id:
        return []
    # Where in the helpers' ids this request starts reading, the same for the same request.
    spread = random.Random(request.id).randrange(SPREAD)
    return _candidates(pools.read(session, request, spread, now), request, now, default_cap)


def _candidates(read: Sequence[Row], request: HelpRequest, now: datetime, default_cap: int) -> list[Candidate]:
    """The helpers who fit and are free, each once (serving two districts of the ring, the nearer
    counts); fit and free time worked out once per distinct profile text, not per helper."""
    slot = slot_for(request.when, request.time_of_day)
    # The request is read once, and only when an experience master needs comparing.
    request_terms = cache(lambda: _terms(" ".join(p for p in (request.text, request.summary) if p)))
    fits: dict[tuple, float] = {}
    free: dict[str | None, bool] = {}
    found: dict[int, Candidate] = {}
    home = request.district_id
    for district_id, fits_by, resident_id, availability, cap, experience, skills, terms, *history in read:
        if resident_id in found:
            continue
        key = (fits_by, experience, skills, terms)
        score = fits.get(key)
        if score is None:
            score = fits[key] = fit(fits_by, experience, skills, terms, request.category, request_terms)
        is_free = free.get(availability)
        if is_free is None:
            is_free = free[availability] = available(_json(availability), slot)
        if score > 0 and is_free:
            found[resident_id] = _candidate(resident_id, district_id == home, score, cap or default_cap, history, now)
    return list(found.values())


def _terms(text: str) -> dict:
    from bot.nlp import experience_terms

    return experience_terms(text)


def _candidate(resident_id: int, same: bool, score: float, cap: int, history: list, now: datetime) -> Candidate:
    week, last, received, answered = history
    days = (now - last).total_seconds() / 86400 if last else None
    return Candidate(resident_id, score, same, week or 0, cap, days, received or 0, answered or 0)
