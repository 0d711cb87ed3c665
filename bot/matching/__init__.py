"""Matching: who is asked to help, in which order, and the first accept wins.

rank.py decides on plain values; pools.py reads the helpers of a ring of districts, candidates.py
scores them for a request; offers.py sends rounds and settles accepts.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.events import Outbox
from db import matching_index


def approve_helper(session: Session, helper_resident_id: int, admin_resident_id: int) -> Outbox:
    """An admin approves a helper in a district that requires it (see approvals.py)."""
    from bot.matching.approvals import approve_helper as approve

    return approve(session, helper_resident_id, admin_resident_id)


def _read_experience(text: str) -> dict:
    """The NLP reading of an experience text, stored with the profile (db.matching_index)."""
    from bot.nlp import experience_terms

    return experience_terms(text)


matching_index.experience_reader = _read_experience
