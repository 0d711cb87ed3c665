"""Keeping helper_kinds (district, kind, helper) in step with the helpers' profiles.

Candidate selection reads helpers of one district and kind in id order from an index, so its
cost does not grow with the city. Every ORM flush that adds or changes a HelperProfile (its
kinds, experience, districts, pause or approval) rewrites that helper's rows.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, delete, event, insert, select
from sqlalchemy.orm import Session

from db.models import HelperKind, HelperProfile, helper_districts

EXPERIENCE = "+experience"  # not a kind of help: this helper has experience text to compare

# Set by bot.matching (db imports no domain code): the NLP reading of an experience text, kept
# in HelperProfile.experience_terms so that matching does not analyse each master per request.
experience_reader: Callable[[str], dict] | None = None


def kinds(skills: list | None, experience: str | None) -> list[str]:
    """The index keys of a profile: its registered kinds, and EXPERIENCE for a master."""
    return [*dict.fromkeys(skills or []), *([EXPERIENCE] if experience else [])]


def rows_for(profile: HelperProfile) -> list[dict]:
    """The helper_kinds rows a profile should have."""
    return [
        {
            "helper_id": profile.id,
            "district_id": district.id,
            "kind": kind,
            "resident_id": profile.resident_id,
            "paused": bool(profile.paused),
            "paused_until": profile.paused_until,
            "approved": bool(profile.approved),
        }
        for district in profile.districts
        for kind in kinds(profile.skills, profile.experience)
    ]


def fresh(terms: dict | None, experience: str | None) -> bool:
    """Whether stored experience terms were read from this very text."""
    return bool(experience) and (terms or {}).get("source") == experience


@event.listens_for(Session, "before_flush")
def _read_experience(session: Session, _context, _instances) -> None:
    if experience_reader is None:
        return
    for profile in (*session.new, *session.dirty):
        if not isinstance(profile, HelperProfile) or fresh(profile.experience_terms, profile.experience):
            continue
        if profile.experience or profile.experience_terms is not None:
            profile.experience_terms = experience_reader(profile.experience) if profile.experience else None


@event.listens_for(Session, "after_flush")
def _keep_in_step(session: Session, _context) -> None:
    changed = [p for p in (*session.new, *session.dirty) if isinstance(p, HelperProfile)]
    if not changed:
        return
    connection = session.connection()
    connection.execute(delete(HelperKind).where(HelperKind.helper_id.in_([p.id for p in changed])))
    rows = [row for profile in changed for row in rows_for(profile)]
    if rows:
        connection.execute(insert(HelperKind), rows)


def rebuild(connection: Connection) -> int:
    """Rewrite every helper's rows from the profiles (after bulk loads); how many rows."""
    connection.execute(delete(HelperKind))
    districts: dict[int, list[int]] = {}
    for helper_id, district_id in connection.execute(select(helper_districts)):
        districts.setdefault(helper_id, []).append(district_id)
    profiles = connection.execute(
        select(
            HelperProfile.id,
            HelperProfile.skills,
            HelperProfile.experience,
            HelperProfile.resident_id,
            HelperProfile.paused,
            HelperProfile.paused_until,
            HelperProfile.approved,
        )
    )
    rows = [
        {
            "helper_id": pid,
            "district_id": d,
            "kind": kind,
            "resident_id": resident_id,
            "paused": paused,
            "paused_until": until,
            "approved": approved,
        }
        for pid, skills, experience, resident_id, paused, until, approved in profiles
        for d in districts.get(pid, [])
        for kind in kinds(skills, experience)
    ]
    for start in range(0, len(rows), 10_000):
        connection.execute(insert(HelperKind), rows[start : start + 10_000])
    return len(rows)
