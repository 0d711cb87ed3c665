"""People from the desk: asking a helper for an unmet request, registering someone without a
phone with their proxy, and recording an experience master's class.

Each calls the chat's core: offers.assign, proxies.register_represented, ledger.teach.
"""

from __future__ import annotations

import re
import uuid

from flask import abort, request

from bot import outbox as outboxes
from bot import runtime
from bot.circulars.subscriptions import admin_districts
from bot.events import Outbox, Text
from bot.handlers.proxies import register_represented
from bot.i18n import hours_text, t
from bot.matching import offers, unmet
from bot.timebank import ledger, people
from bot.web import admin_forms as forms
from bot.web import admin_queries as queries
from bot.web import request_now, request_session
from bot.web.admin import blueprint, check_csrf, done, in_district, page, require_district
from db.models import HelpRequest, Resident
from db.session import Session

CLASS_KEY = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")  # a transfer id


# -- an unmet request: ask someone in person ---------------------------------------------------


@blueprint.get("/d/<int:district_id>/requests/<int:request_id>")
def help_request(district_id: int, request_id: int):
    """One request; when unmet, the helpers the chat alert offers, each with a button."""
    db = request_session()
    admin, district = require_district(db, district_id)
    row = in_district(db, HelpRequest, request_id, district_id)
    return page(
        "request.html",
        admin,
        district=district,
        row=row,
        helpers=unmet.short_list(db, row) if row.status == "unmet" else [],
    )


@blueprint.post("/d/<int:district_id>/requests/<int:request_id>/assign")
def assign(district_id: int, request_id: int):
    """この人にお願いする: the core offers the request to that helper and tells the requester."""
    check_csrf()
    with Session.begin() as db:
        admin, _ = require_district(db, district_id)
        row = in_district(db, HelpRequest, request_id, district_id)
        helper_id = offered_helper(request.form, unmet.short_list(db, row))
        box = offers.assign(db, request_id, helper_id, admin, request_now(), runtime.current().config)
        asked = any(envelope.resident_id == helper_id for envelope in box.envelopes)
        name = db.get_one(Resident, helper_id).display_name or ""
        ids = outboxes.store(db, box)
    outboxes.deliver(runtime.current().channels, ids, request_now())
    return done(
        "admin.assign.sent" if asked else "admin.assign.closed",
        "admin.help_request",
        {"name": name},
        district_id=district_id,
        request_id=request_id,
    )


def offered_helper(form, helpers: list[Resident]) -> int:
    """The helper pressed, only among those the page offered (400 otherwise)."""
    try:
        return forms.choice(form, "helper_id", [h.id for h in helpers])
    except forms.FormError:
        abort(400)


# -- people without a phone --------------------------------------------------------------------


@blueprint.get("/d/<int:district_id>/represented")
def represented(district_id: int):
    """The form to register someone without a phone, and who is registered already."""
    return represented_page(district_id, {}, None)


def represented_page(district_id: int, form, error: str | None):
    """The page, with what was typed and what to correct."""
    db = request_session()
    admin, district = require_district(db, district_id)
    return page(
        "represented.html",
        admin,
        district=district,
        form=form,
        error=error,
        proxies=queries.residents(db, district_id),
        people=queries.represented(db, district_id),
    )


@blueprint.post("/d/<int:district_id>/represented")
def register(district_id: int):
    """Register the person with the proxy chosen among the district's residents; the proxy is told."""
    check_csrf()
    try:
        with Session.begin() as db:
            admin, _ = require_district(db, district_id)
            name, ids = registered(db, admin, district_id, request.form)
    except forms.FormError as error:
        return represented_page(district_id, request.form, error.args[0]), 400
    outboxes.deliver(runtime.current().channels, ids, request_now())
    return done("admin.represented.registered", "admin.represented", {"name": name}, district_id=district_id)


def registered(db, admin: Resident, district_id: int, form) -> tuple[str, list[int]]:
    """Register the person the form describes; (their name, the proxy's notice to deliver)."""
    name = forms.text(form, "name", forms.NAME_MAX, required=True)
    home = forms.choice(form, "district_id", [d.id for d in admin_districts(db, admin)])
    proxy_id = forms.choice(form, "proxy_id", [p.id for p in queries.residents(db, district_id)])
    address = forms.text(form, "address", forms.ADDRESS_MAX) or None
    phone = forms.text(form, "phone", forms.PHONE_MAX) or None
    register_represented(db, name, home, proxy_id, address, phone)
    proxy = db.get(Resident, proxy_id)
    told = Text(t("admin.represented.proxy_told", proxy.language, name=name))
    return name, outboxes.store(db, Outbox().to(proxy.id, told))


# -- an experience master's class --------------------------------------------------------------


@blueprint.get("/d/<int:district_id>/teaching")
def teaching(district_id: int):
    """The form to record a class: master, participants, minutes."""
    return teaching_page(district_id, {}, None)


def teaching_page(district_id: int, form, error: str | None):
    """The page, with a fresh key so that pressing 記録 twice records the class once."""
    db = request_session()
    admin, district = require_district(db, district_id)
    return page(
        "teaching.html",
        admin,
        district=district,
        form=form,
        error=error,
        masters=[m for _, m in people.experience_masters(db, [district_id])],
        key=form.get("key") or str(uuid.uuid4()),
    )


@blueprint.post("/d/<int:district_id>/teaching")
def teach(district_id: int):
    """記録: the time bank pays the master participants x minutes from the district's account."""
    check_csrf()
    try:
        with Session.begin() as db:
            admin, _ = require_district(db, district_id)
            again, fields, ids = record_class(db, admin, district_id, request.form)
    except forms.FormError as error:
        return teaching_page(district_id, request.form, error.args[0]), 400
    outboxes.deliver(runtime.current().channels, ids, request_now())
    return done(
        "admin.teaching.already" if again else "admin.teaching.recorded",
        "admin.teaching",
        fields,
        district_id=district_id,
    )


def record_class(db, admin: Resident, district_id: int, form) -> tuple[bool, dict, list[int]]:
    """ledger.teach once per form (its key) and thank the master: (recorded before, fields, outbox)."""
    key = form.get("key", "")
    if not CLASS_KEY.match(key):
        abort(400)
    masters = [m.id for _, m in people.experience_masters(db, [district_id])]
    master_id = forms.choice(form, "master_id", masters)
    count = forms.number(form, "participants", forms.MAX_PARTICIPANTS)
    minutes = forms.number(form, "minutes", forms.MAX_CLASS_MINUTES)
    again = ledger.recorded(db, key)
    config = runtime.current().config
    earned = ledger.teach(db, master_id, district_id, count, minutes, admin.id, config=config, transfer_id=key)
    master = db.get(Resident, master_id)
    fields = {"name": master.display_name or "", "earned": hours_text(earned, admin.language)}
    thanks = Text(
        t("timebank.teach.received", master.language, count=count, earned=hours_text(earned, master.language))
    )
    return again, fields, [] if again else outboxes.store(db, Outbox().to(master_id, thanks))
