"""The photo of a missing person, for one person at a time: by a link signed for them, while the
search is open, to the family and to those who pressed 協力する. Nothing else serves it."""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, Response, abort

from bot import runtime
from bot.watch import search as searches
from bot.web import request_session
from db.models import Search

pages = Blueprint("search_photo", __name__)


def init_app(app: Flask) -> None:
    """Register the photo route."""
    app.register_blueprint(pages)


@pages.get("/search/photo/<int:search_id>/<int:person_id>/<token>")
def photo(search_id: int, person_id: int, token: str):
    """The photo, or 404 (a wrong token, a person who is not helping, a search that ended)."""
    db = request_session()
    found = db.get(Search, search_id)
    expected = searches.photo_token(search_id, person_id, runtime.current().config.secret_key)
    if (
        found is None
        or found.photo is None
        or not hmac.compare_digest(token.encode(), expected.encode())
        or not searches.may_see(db, found, person_id)
    ):
        abort(404)
    return Response(
        found.photo,
        mimetype=found.photo_type or "image/jpeg",
        headers={"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"},
    )
