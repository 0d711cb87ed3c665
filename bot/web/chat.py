"""The local chat page (development only): talk to the bot as made-up LINE residents.

What the page sends goes through the real webhook: a signed LINE body posted to
/callback. What the bot answers is captured by bot.channels.local and read back here.
"""
from __future__ import annotations

import uuid

from flask import Blueprint, Flask, abort, current_app, jsonify, render_template, request
from sqlalchemy import select

from bot import residents, runtime
from bot.channels import local
from bot.i18n import catalog, locales, supported, t
from bot.web import request_session
from db.models import LocalMessage, Resident
from db.session import Session

blueprint = Blueprint("chat", __name__, url_prefix="/dev/chat", template_folder="templates",
                      static_folder="static")

PLATFORM = "line"
KINDS = ("text", "postback", "follow", "unfollow")


def init_app(app: Flask) -> None:
    """Register the page (app.py does so only outside production)."""
    app.register_blueprint(blueprint)


@blueprint.get("")
def page():
    """The chat page, its texts in the asked language (Japanese by default)."""
    locale = supported(request.args.get("lang"))
    texts = {key.split(".", 1)[1]: text for key, text in catalog(locale).items()
             if key.startswith("devchat.")}
    languages = [{"code": code, "name": t("devchat.language_name", code)} for code in locales()]
    return render_template("chat.html", texts=texts, languages=languages, locale=locale)


@blueprint.get("/api/residents")
def list_residents():
    """The made-up LINE residents the page can speak as, the demo residents among them."""
    rows = request_session().scalars(select(Resident).where(
        Resident.platform == PLATFORM, Resident.erased.is_(False)).order_by(Resident.id))
    return jsonify([resident_json(r) for r in rows])


@blueprint.post("/api/residents")
def create_resident():
    """A new made-up person with a name and a language."""
    form = request.get_json(silent=True) or {}
    name = str(form.get("name") or "").strip()[:100]
    if not name:
        abort(400, "a name is needed")
    user_id = "Ulocal" + uuid.uuid4().hex[:27]
    with Session.begin() as session:
        resident = residents.upsert(session, PLATFORM, user_id, display_name=name,
                                    language=form.get("language"))
        return jsonify(resident_json(resident)), 201


@blueprint.get("/api/messages")
def list_messages():
    """What one person did and received since message `after`, oldest first."""
    user_id = request.args.get("user", "")
    after = request.args.get("after", 0, type=int)
    rows = request_session().scalars(select(LocalMessage).where(
        LocalMessage.user_id == user_id, LocalMessage.id > after).order_by(LocalMessage.id))
    return jsonify([{"id": row.id, **row.payload} for row in rows])


@blueprint.post("/api/send")
def send():
    """Post the person's text, button press or follow to /callback as LINE would."""
    form = request.get_json(silent=True) or {}
    user_id, kind = str(form.get("user") or ""), form.get("kind")
    if not user_id.startswith("U") or kind not in KINDS:
        abort(400, "unknown person or event")
    with Session.begin() as session:
        local.note_person(session, user_id, event=kind, text=form.get("text"), data=form.get("data"),
                          label=form.get("label"))
    body = local.webhook_body(user_id, kind, text=form.get("text"), data=form.get("data"))
    secret = runtime.current().config.line_channel_secret or ""
    answer = current_app.test_client().post(
        "/callback", data=body, content_type="application/json",
        headers={"X-Line-Signature": local.signature(body, secret)})
    return jsonify({"status": answer.status_code}), 200 if answer.status_code == 200 else 502


def resident_json(resident: Resident) -> dict:
    """A resident as the page lists them."""
    return {"user_id": resident.platform_user_id, "name": resident.display_name,
            "language": resident.language,
            "district": resident.district.name if resident.district else None}
