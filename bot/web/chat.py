"""The local chat page (development only): talk to the bot as made-up LINE residents.

What the page sends goes through the real webhook: a signed LINE body posted to
/callback. What the bot answers is captured by bot.channels.local and read back here.
"""

from __future__ import annotations

import base64
import binascii
import math
import uuid

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, render_template, request
from sqlalchemy import select

from bot import residents, runtime
from bot.channels import local
from bot.i18n import catalog, locales, supported, t
from bot.web import request_session
from db.models import LocalMessage, Resident
from db.session import Session

blueprint = Blueprint("chat", __name__, url_prefix="/dev/chat", template_folder="templates", static_folder="static")

PLATFORM = "line"
KINDS = ("text", "postback", "follow", "unfollow", "sticker", "image", "location")
# LINE's own free stickers (package 11537, Brown & Cony; 446, Moon & James) the page can send,
# each with its keywords as LINE sends them, and the catalog key of its name.
STICKERS = {
    "ok": {"packageId": "11537", "stickerId": "52002734", "keywords": ["OK", "good", "thumbs up"]},
    "thanks": {"packageId": "11537", "stickerId": "52002739", "keywords": ["thank you", "thanks"]},
    "bow": {"packageId": "446", "stickerId": "1990", "keywords": ["sorry", "bow", "please"]},
    "smile": {"packageId": "446", "stickerId": "1988", "keywords": ["happy", "smile", "hello"]},
}
# Places the page can send as a location message (as LINE's location picker would).
PLACES = [
    {"title": "荒尾市役所", "address": "熊本県荒尾市宮内出目390", "latitude": 32.98675, "longitude": 130.43335},
    {"title": "荒尾駅", "address": "熊本県荒尾市大正町1丁目", "latitude": 32.98714, "longitude": 130.42486},
    {"title": "小倉駅", "address": "福岡県北九州市小倉北区浅野1丁目1-1", "latitude": 33.88685, "longitude": 130.88259},
    {"title": "黒崎駅", "address": "福岡県北九州市八幡西区黒崎3丁目15-1", "latitude": 33.86764, "longitude": 130.76399},
]
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
IMAGE_MAX_BYTES = 700 * 1024  # sent as base64 within the app's 1 MiB request limit; the page shrinks photos


def init_app(app: Flask) -> None:
    """Register the page (app.py does so only outside production)."""
    app.register_blueprint(blueprint)


@blueprint.get("")
def page():
    """The chat page, its texts in the asked language (Japanese by default)."""
    locale = supported(request.args.get("lang"))
    texts = {key.split(".", 1)[1]: text for key, text in catalog(locale).items() if key.startswith("devchat.")}
    languages = [{"code": code, "name": t("devchat.language_name", code)} for code in locales()]
    return render_template(
        "chat.html", texts=texts, languages=languages, locale=locale, stickers=list(STICKERS), places=PLACES
    )


@blueprint.get("/api/residents")
def list_residents():
    """The made-up LINE residents the page can speak as, the demo residents among them."""
    rows = request_session().scalars(
        select(Resident).where(Resident.platform == PLATFORM, Resident.erased.is_(False)).order_by(Resident.id)
    )
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
        resident = residents.upsert(session, PLATFORM, user_id, display_name=name, language=form.get("language"))
        return jsonify(resident_json(resident)), 201


@blueprint.get("/api/messages")
def list_messages():
    """What one person did and received since message `after`, oldest first."""
    user_id = request.args.get("user", "")
    after = request.args.get("after", 0, type=int)
    rows = request_session().scalars(
        select(LocalMessage).where(LocalMessage.user_id == user_id, LocalMessage.id > after).order_by(LocalMessage.id)
    )
    return jsonify([shown(row) for row in rows])


def shown(row: LocalMessage) -> dict:
    """A row as the page reads it: a photo by its content URL, not its bytes."""
    payload = {key: value for key, value in row.payload.items() if key != "content"}
    if payload.get("event") == "image":
        payload["src"] = content_url(payload.get("message_id", ""))
    return {"id": row.id, **payload}


def content_url(media_id: str) -> str:
    """Where the bot (and the page) fetch a photo sent on the page: LINE's content call, on the
    page's stand-in for LINE's data host."""
    return f"{local.CONTENT_PATH}/v2/bot/message/{media_id}/content"


@blueprint.get("/line-data/v2/bot/message/<media_id>/content")
def content(media_id: str):
    """A photo sent on the page, as LINE's data host answers GET /v2/bot/message/{id}/content."""
    row = request_session().scalar(
        select(LocalMessage).where(LocalMessage.payload["message_id"].as_string() == media_id)
    )
    if row is None or "content" not in row.payload:
        abort(404)
    return Response(
        base64.b64decode(row.payload["content"]),
        mimetype=row.payload.get("content_type"),
        headers={"Cache-Control": "private, max-age=3600"},
    )


@blueprint.post("/api/send")
def send():
    """Post the person's text, button press, follow, sticker, photo or place to /callback as LINE would."""
    form = request.get_json(silent=True) or {}
    user_id, kind = str(form.get("user") or ""), form.get("kind")
    if not user_id.startswith("U") or kind not in KINDS:
        abort(400, "unknown person or event")
    message, kept = medium(kind, form)
    with Session.begin() as session:
        local.note_person(
            session, user_id, event=kind, text=form.get("text"), data=form.get("data"), label=form.get("label"), **kept
        )
    body = local.webhook_body(user_id, kind, text=form.get("text"), data=form.get("data"), message=message)
    secret = runtime.current().config.line_channel_secret or ""
    answer = current_app.test_client().post(
        "/callback",
        data=body,
        content_type="application/json",
        headers={"X-Line-Signature": local.signature(body, secret)},
    )
    return jsonify({"status": answer.status_code}), 200 if answer.status_code == 200 else 502


def medium(kind: str, form: dict) -> tuple[dict, dict]:
    """A sticker's, photo's or place's fields for the webhook, and what the page keeps to show
    it (400 for a sticker the page does not offer, a file that is no photo, a place off the map)."""
    if kind == "sticker":
        sticker = STICKERS.get(str(form.get("sticker")))
        if sticker is None:
            abort(400, "unknown sticker")
        return sticker, {"sticker": form.get("sticker")}
    if kind == "image":
        content_type = str(form.get("content_type") or "")
        try:
            data = base64.b64decode(str(form.get("image") or ""), validate=True)
        except (binascii.Error, ValueError):
            abort(400, "the photo is not base64")
        if content_type not in IMAGE_TYPES or not data or len(data) > IMAGE_MAX_BYTES:
            abort(400, "not a photo, or too large")
        media_id = local.message_id()
        return {"id": media_id}, {
            "message_id": media_id,
            "content_type": content_type,
            "content": base64.b64encode(data).decode(),
        }
    if kind == "location":
        try:
            latitude, longitude = float(form.get("latitude")), float(form.get("longitude"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            abort(400, "a place needs its latitude and longitude")
        if not (
            math.isfinite(latitude) and math.isfinite(longitude) and -90 <= latitude <= 90 and -180 <= longitude <= 180
        ):
            abort(400, "a place off the map")
        place = {
            "title": str(form.get("title") or "")[:100],
            "address": str(form.get("address") or "")[:300],
            "latitude": latitude,
            "longitude": longitude,
        }
        return place, {"place": place}
    return {}, {}


def resident_json(resident: Resident) -> dict:
    """A resident as the page lists them."""
    return {
        "user_id": resident.platform_user_id,
        "name": resident.display_name,
        "language": resident.language,
        "district": resident.district.name if resident.district else None,
    }
