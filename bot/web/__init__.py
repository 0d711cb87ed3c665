"""Web pages: the district admin pages and the local chat page."""

from __future__ import annotations

from flask import g
from sqlalchemy.orm import Session

from db import session as db_session


def request_session() -> Session:
    """The database session of the current request, closed at teardown (app.py)."""
    if "db_session" not in g:
        g.db_session = db_session.Session()
    return g.db_session
