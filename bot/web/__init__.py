"""Web pages: the district admin pages and the local chat page."""

from __future__ import annotations

from datetime import datetime

from flask import g
from sqlalchemy.orm import Session

from bot import runtime
from db import session as db_session


def request_session() -> Session:
    """The database session of the current request, closed at teardown (app.py)."""
    if "db_session" not in g:
        g.db_session = db_session.Session()
    return g.db_session


def request_now() -> datetime:
    """The time of the current request: the runtime's clock, read once per request; the page
    hands it to the domain."""
    if "now" not in g:
        g.now = runtime.current().clock.now()
    return g.now
