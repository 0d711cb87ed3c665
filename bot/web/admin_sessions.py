"""Admin sessions kept in the database, as a bank keeps them: a sign-in link opens one session
once; the browser's cookie holds only a random token; logout, revocation or a long idle ends it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import click
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import runtime
from db.models import AdminSession

LIFETIME = timedelta(hours=8)  # a working day; then a new link from the chat
IDLE = timedelta(minutes=30)  # a phone left on a table signs itself out
SEEN_EVERY = timedelta(minutes=1)  # how often a page view writes that the session is in use


def digest(token: str) -> str:
    """What is stored of a token: a leaked table opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: Session, resident_id: int, link_id: str, now: datetime) -> str | None:
    """A new session from a sign-in link; its token, or None when the link was used before."""
    token = secrets.token_urlsafe(32)
    try:
        with db.begin_nested():
            db.add(
                AdminSession(
                    token_hash=digest(token),
                    link_id=link_id,
                    resident_id=resident_id,
                    csrf=secrets.token_urlsafe(24),
                    created_at=now,
                    seen_at=now,
                )
            )
    except IntegrityError:  # the link's id is taken: it opened a session already
        return None
    return token


def link_used(db: Session, link_id: str) -> bool:
    """Whether a sign-in link has opened its session already."""
    return db.scalar(select(AdminSession.id).where(AdminSession.link_id == link_id)) is not None


def find(db: Session, token: object, now: datetime) -> AdminSession | None:
    """The live session of a token: not ended, younger than LIFETIME, used within IDLE."""
    if not isinstance(token, str) or not token:
        return None
    row = db.scalar(select(AdminSession).where(AdminSession.token_hash == digest(token)))
    if row is None or row.ended_at is not None or row.created_at + LIFETIME < now or row.seen_at + IDLE < now:
        return None
    return row


def touch(db: Session, row: AdminSession, now: datetime) -> None:
    """Note that the session is in use (at most once a minute)."""
    if row.seen_at + SEEN_EVERY <= now:
        db.execute(update(AdminSession).where(AdminSession.id == row.id).values(seen_at=now))


def end(db: Session, row: AdminSession, now: datetime) -> None:
    """Logout: the session ends now, wherever its cookie was copied to."""
    db.execute(update(AdminSession).where(AdminSession.id == row.id).values(ended_at=now))


def revoke(db: Session, resident_id: int, now: datetime) -> int:
    """End every live session of a person (a lost phone, an admin who steps down); how many."""
    ended = db.execute(
        update(AdminSession)
        .where(AdminSession.resident_id == resident_id, AdminSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    return cast(CursorResult, ended).rowcount


@click.command("admin-revoke")
@click.argument("resident_id", type=int)
def revoke_command(resident_id: int) -> None:
    """End every session of a person at once (a lost phone, an admin who steps down)."""
    from db.session import Session as SessionFactory

    with SessionFactory.begin() as db:
        ended = revoke(db, resident_id, runtime.current().clock.now())
    click.echo(f"{ended} sessions ended")
