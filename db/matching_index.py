"""Keeping helper_kinds (district, kind, helper) in step with the helpers' profiles.

Candidate selection reads helpers of one district and kind in id order from an index, with
everything it filters on and ranks by (but the history), so its cost does not grow with the city.
Every ORM flush that adds or changes a HelperProfile (its kinds, experience, districts, free time,
cap, pause or approval), a helper's Resident (following or not) or a District (asking for
approval or not) rewrites the rows of the helpers concerned.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import Connection, delete, event, inspect, insert, or_, select, true
from sqlalchemy.orm import Session

from db.models import District, HelperKind, HelperProfile, Resident, helper_districts

EXPERIENCE = "+experience"  # not a kind of help: this helper has experience text to compare

# Set by bot.matching (db imports no domain code): the NLP reading of an experience text, kept
# in HelperProfile.experience_terms so that matching does not analyse each master per request.
experience_reader: Callable[[str], dict] | None = None


def kinds(skills: list | None, experience: str | None) -> list[str]:
    """The index keys of a profile: its registered kinds, and EXPERIENCE for a master."""
    return [*dict.fromkeys(skills or []), *([EXPERIENCE] if experience else [])]


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
    """Rewrite the rows of every helper this flush changed: their profile, whether their resident
    still follows, or whether a district they serve asks for approval."""
    changed = _changed(session)
    if changed is not None:
        write(session.connection(), changed)


def _changed(session: Session):
    """Which helpers' rows a flush makes stale, as a condition on HelperProfile (None: none)."""
    profiles = [p.id for p in (*session.new, *session.dirty) if isinstance(p, HelperProfile)]
    residents = [r.id for r in session.dirty if isinstance(r, Resident) and _moved(r, "active", "platform")]
    districts = [d.id for d in session.dirty if isinstance(d, District) and _moved(d, "requires_approval")]
    if not (profiles or residents or districts):
        return None
    serving = select(helper_districts.c.helper_id).where(helper_districts.c.district_id.in_(districts))
    return or_(HelperProfile.id.in_(profiles), HelperProfile.resident_id.in_(residents), HelperProfile.id.in_(serving))


def _moved(row, *names: str) -> bool:
    state = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in names)


def write(connection: Connection, which) -> int:
    """Rewrite the rows of the helpers `which` selects (a condition on HelperProfile) from what
    the database holds now; how many rows."""
    ids = select(HelperProfile.id).where(which)
    connection.execute(delete(HelperKind).where(HelperKind.helper_id.in_(ids)))
    rows = _rows(connection, which)
    for start in range(0, len(rows), 10_000):
        connection.execute(insert(HelperKind), rows[start : start + 10_000])
    return len(rows)


def rebuild(connection: Connection) -> int:
    """Rewrite every helper's rows from the profiles (after bulk loads); how many rows."""
    return write(connection, true())


def _rows(connection: Connection, which) -> list[dict]:
    """The helper_kinds rows of the helpers `which` selects."""
    districts: dict[int, list[tuple[int, bool]]] = {}
    served = (
        select(helper_districts.c.helper_id, District.id, District.requires_approval)
        .join(District, District.id == helper_districts.c.district_id)
        .join(HelperProfile, HelperProfile.id == helper_districts.c.helper_id)
        .where(which)
    )
    for helper_id, district_id, strict in connection.execute(served):
        districts.setdefault(helper_id, []).append((district_id, bool(strict)))
    profiles = connection.execute(
        select(*PROFILE, Resident.active, Resident.platform)
        .join(Resident, Resident.id == HelperProfile.resident_id)
        .where(which)
    ).mappings()
    return [row for profile in profiles for row in _profile_rows(profile, districts.get(profile["id"], []))]


PROFILE = (
    HelperProfile.id,
    HelperProfile.resident_id,
    HelperProfile.skills,
    HelperProfile.experience,
    HelperProfile.paused,
    HelperProfile.paused_until,
    HelperProfile.approved,
    HelperProfile.weekly_cap,
    HelperProfile.availability,
)


def _profile_rows(profile, districts: list[tuple[int, bool]]) -> list[dict]:
    """One profile's rows, a kind in a district each: offerable when its resident follows on a
    platform we can write to and it does not wait for approval in any district it serves."""
    waiting = not profile["approved"] and any(strict for _, strict in districts)
    shared = {
        "helper_id": profile["id"],
        "resident_id": profile["resident_id"],
        "paused": bool(profile["paused"]),
        "paused_until": profile["paused_until"],
        "approved": bool(profile["approved"]),
        "offerable": bool(profile["active"]) and profile["platform"] != "none" and not waiting,
        "weekly_cap": profile["weekly_cap"],
        "availability": json.dumps(profile["availability"] or [], separators=(",", ":")),
    }
    return [
        {**shared, "district_id": district_id, "kind": kind}
        for district_id, _ in districts
        for kind in kinds(profile["skills"], profile["experience"])
    ]
