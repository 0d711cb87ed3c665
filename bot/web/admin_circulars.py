"""Circulars and safety checks from the desk: compose, preview with the cost, send, cancel.

The same core as the admin's chat: circulars.draft, then circulars.cost on the preview,
then circulars.launch (the fan-out job is enqueued after the commit), or circulars.cancel.
"""

from __future__ import annotations

from flask import redirect, request, url_for
from sqlalchemy.orm import Session as OrmSession

from bot import runtime
from bot.circulars import circulars, render, subscriptions
from bot.circulars.circulars import QuotaExceededError
from bot.handlers.safety import REMIND_AFTER_MINUTES
from bot.i18n import locales, t
from bot.web import admin_forms as forms
from bot.web import request_now, request_session
from bot.web.admin import blueprint, check_csrf, done, in_district, page, require_district
from db.models import Circular, District
from db.session import Session

KINDS = {"circular": "circular", "safety": "safety_check"}


@blueprint.get("/d/<int:district_id>/<any(circular, safety):area>/new")
def compose(district_id: int, area: str):
    """The form for a circular, or for a safety check with the usual words filled in."""
    return compose_page(district_id, area, None, None)


def compose_page(district_id: int, area: str, form, error: str | None):
    """The compose form with what was typed (or the usual words of a safety check)."""
    admin, district = require_district(request_session(), district_id)
    if form is None:
        form = (
            {"title": t("safety.default_title", admin.language), "body": t("safety.default_body", admin.language)}
            if area == "safety"
            else {}
        )
    translated = forms.translated_locales()
    given = any(form.get(f"{part}_{locale}") for locale in translated for part in ("title", "body"))
    return page(
        "compose.html",
        admin,
        district=district,
        area=area,
        form=form,
        error=error,
        translated=translated,
        translations_given=given,
    )


@blueprint.post("/d/<int:district_id>/<any(circular, safety):area>/new")
def compose_post(district_id: int, area: str):
    """Draft what the form says (the core checks the admin), then show its preview."""
    check_csrf()
    try:
        spec = forms.draft(request.form, district_id, KINDS[area], request_now(), REMIND_AFTER_MINUTES)
    except forms.FormError as error:
        return compose_page(district_id, area, request.form, error.args[0]), 400
    with Session.begin() as db:  # before any request session: it must not hold the draft back
        admin, _ = require_district(db, district_id)
        circular_id = circulars.draft(db, admin.id, spec).id
    return redirect(url_for("admin.preview", district_id=district_id, circular_id=circular_id))


@blueprint.get("/d/<int:district_id>/circulars/<int:circular_id>/preview")
def preview(district_id: int, circular_id: int):
    """Exactly what residents will see, per language, and what it costs of the month's quota."""
    db = request_session()
    admin, district = require_district(db, district_id)
    circular = in_district(db, Circular, circular_id, district_id)
    if circular.status != "draft":
        return redirect(url_for("admin.circular", district_id=district_id, circular_id=circular_id))
    return page(
        "preview.html",
        admin,
        district=district,
        circular=circular,
        samples=samples(db, circular, district),
        price=circulars.cost(db, district_id, runtime.current().channels),
        followers=subscriptions.follower_count(db, district_id),
    )


def samples(db: OrmSession, circular: Circular, district: District) -> list[tuple[str, list]]:
    """(language, messages) a follower of each language receives: Japanese, each translation
    given, and each language the district's followers read without one (the Japanese, after a
    short note in their language)."""
    readers = subscriptions.follower_languages(db, district.id)
    languages = [
        "ja",
        *(lang for lang in locales() if lang != "ja" and (lang in (circular.translations or {}) or lang in readers)),
    ]
    return [(lang, render.messages_for(circular, district.name, lang)) for lang in languages]


@blueprint.post("/d/<int:district_id>/circulars/<int:circular_id>/send")
def send(district_id: int, circular_id: int):
    """送信: launch now or at its time; over the quota, back to the preview that says so."""
    check_csrf()
    try:
        with Session.begin() as db:
            admin, _ = require_district(db, district_id)
            circular = in_district(db, Circular, circular_id, district_id)
            circulars.launch(db, circular, admin.id, request_now(), runtime.current().channels)
    except QuotaExceededError:
        return done("admin.compose.stopped", "admin.preview", district_id=district_id, circular_id=circular_id)
    return done("admin.compose.launched", "admin.circular", district_id=district_id, circular_id=circular_id)


@blueprint.post("/d/<int:district_id>/circulars/<int:circular_id>/cancel")
def cancel(district_id: int, circular_id: int):
    """やめる: a draft or a scheduled one is not sent; once sending began it is too late."""
    check_csrf()
    with Session.begin() as db:
        admin, _ = require_district(db, district_id)
        cancelled = circulars.cancel(db, in_district(db, Circular, circular_id, district_id), admin.id)
    return done(
        "admin.compose.cancelled" if cancelled else "admin.compose.too_late",
        "admin.circular",
        district_id=district_id,
        circular_id=circular_id,
    )
