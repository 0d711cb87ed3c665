"""見守り and disaster support for the district admin: who is watched and how their last 30 days
went; who needs help in a disaster, their supporters and state; disaster mode and shelters."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, abort, request
from sqlalchemy import select

from bot import outbox as outboxes
from bot import runtime
from bot.watch import checkins, consent, disaster, history, support
from bot.web import admin_forms as forms
from bot.web import admin_queries as queries
from bot.web import request_now, request_session
from bot.web.admin import check_csrf, done, in_district, page, require_district
from db.models import CheckIn, Resident, SupportNeed, Watcher
from db.session import Session

SHELTER_MAX = 1000

pages = Blueprint("watch_admin", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    """Register the pages (after bot.web.admin, whose templates and sign-in they use)."""
    app.register_blueprint(pages)


@dataclass(frozen=True)
class Watched:
    """One watched person as the page shows them."""

    id: int
    name: str
    time: str
    watchers: int
    today: str
    alarm: bool  # today unanswered after the alert, or a worrying answer
    days: list[str]
    minsei: list[str]  # the 民生委員 among the watchers


@pages.get("/d/<int:district_id>/watch")
def watch(district_id: int, error: str | None = None):
    """Each watched person of the district: today's state first, then the last 30 days."""
    db = request_session()
    admin, district = require_district(db, district_id)
    today = request_now().date()
    rows = db.scalars(
        select(CheckIn)
        .join(Resident, Resident.id == CheckIn.resident_id)
        .where(Resident.district_id == district_id, CheckIn.active.is_(True))
        .order_by(Resident.display_name)
    )
    people = [_watched(db, row, today, admin.language) for row in rows]
    return page(
        "watch.html",
        admin,
        district=district,
        error=error,
        neighbours=queries.residents(db, district_id),
        people=sorted(people, key=lambda p: not p.alarm),
    )


def _watched(db, check_in: CheckIn, today, locale: str) -> Watched:
    days = checkins.history(db, check_in, today)
    latest = days[0] if days and days[0].day == today else None
    state = history.day_state(latest, locale) if latest else ""
    alarm = latest is not None and (
        latest.answer == "unwell" or (latest.alerted_at is not None and latest.answered_at is None)
    )
    minsei = db.scalars(
        select(Resident.display_name)
        .join(Watcher, Watcher.resident_id == Resident.id)
        .where(Watcher.check_in_id == check_in.id, Watcher.role == "minsei")
        .order_by(Watcher.id)
    )
    return Watched(
        id=check_in.id,
        name=check_in.resident.display_name or "",
        minsei=[n or "" for n in minsei],
        time=f"{check_in.minute_of_day // 60}:{check_in.minute_of_day % 60:02d}",
        watchers=len(checkins.watchers(db, check_in)),
        today=state,
        alarm=alarm,
        days=history.lines(db, check_in, today, locale),
    )


@pages.post("/d/<int:district_id>/watch/<int:check_in_id>/minsei")
def watch_minsei(district_id: int, check_in_id: int):
    """Name a 民生委員 of the district as a watcher of one watched person; both are told."""
    check_csrf()
    try:
        with Session.begin() as db:
            require_district(db, district_id)
            check_in = db.get(CheckIn, check_in_id)
            if check_in is None or not check_in.active or check_in.resident.district_id != district_id:
                abort(404)
            person_id = forms.choice(
                request.form,
                "minsei_id",
                [p.id for p in queries.residents(db, district_id) if p.id != check_in.resident_id],
            )
            person = db.get_one(Resident, person_id)
            ids = outboxes.store(db, consent.name_minsei(db, check_in, person))
            names = {"name": person.display_name or "", "person": check_in.resident.display_name or ""}
    except forms.FormError as error:
        return watch(district_id, error.args[0]), 400
    outboxes.deliver(runtime.current().channels, ids, request_now())
    return done("admin.watch.minsei_added", "watch_admin.watch", names, district_id=district_id)


# -- people who need help in a disaster, and disaster mode ---------------------------------------


def _everyone(db, district_id: int) -> list[Resident]:
    """Residents of the district who could be marked (with or without a phone)."""
    return list(
        db.scalars(
            select(Resident)
            .where(Resident.district_id == district_id, Resident.active.is_(True))
            .order_by(Resident.display_name, Resident.id)
            .limit(500)
        )
    )


@pages.get("/d/<int:district_id>/support")
def support_page(district_id: int, error: str | None = None):
    """Each marked person with their state and supporters; the forms to mark and to name supporters."""
    db = request_session()
    admin, district = require_district(db, district_id)
    needs = support.of_district(db, district_id)
    marked = {need.resident_id for need in needs}
    rows = [(need, support.supporters(db, need)) for need in needs]
    urgent = {"need_help": 0, "asked": 1, "": 2}
    rows.sort(key=lambda row: urgent.get(row[0].state, 3))
    return page(
        "support.html",
        admin,
        district=district,
        rows=rows,
        error=error,
        candidates=[p for p in _everyone(db, district_id) if p.id not in marked],
        neighbours=queries.residents(db, district_id),
    )


@pages.post("/d/<int:district_id>/support")
def support_mark(district_id: int):
    """Mark a resident of the district as needing help in a disaster."""
    check_csrf()
    try:
        with Session.begin() as db:
            admin, _ = require_district(db, district_id)
            person_id = forms.choice(request.form, "resident_id", [p.id for p in _everyone(db, district_id)])
            person = db.get_one(Resident, person_id)
            support.mark(db, person, admin, forms.text(request.form, "note", forms.ADDRESS_MAX))
            name = person.display_name or ""
    except forms.FormError as error:
        return support_page(district_id, error.args[0]), 400
    return done("admin.support.marked", "watch_admin.support_page", {"name": name}, district_id=district_id)


@pages.post("/d/<int:district_id>/support/<int:need_id>/supporters")
def support_add(district_id: int, need_id: int):
    """Name a neighbour (who agreed) as one of their supporters."""
    check_csrf()
    try:
        with Session.begin() as db:
            require_district(db, district_id)
            need = in_district(db, SupportNeed, need_id, district_id)
            helper_id = forms.choice(request.form, "supporter_id", [p.id for p in queries.residents(db, district_id)])
            support.add_supporter(db, need, db.get_one(Resident, helper_id))
            name = db.get_one(Resident, helper_id).display_name or ""
    except forms.FormError as error:
        return support_page(district_id, error.args[0]), 400
    return done("admin.support.supporter_added", "watch_admin.support_page", {"name": name}, district_id=district_id)


@pages.post("/d/<int:district_id>/support/<int:need_id>/unmark")
def support_unmark(district_id: int, need_id: int):
    """No longer followed in a disaster."""
    check_csrf()
    with Session.begin() as db:
        require_district(db, district_id)
        need = in_district(db, SupportNeed, need_id, district_id)
        name = need.resident.display_name or ""
        support.unmark(db, need)
    return done("admin.support.unmarked", "watch_admin.support_page", {"name": name}, district_id=district_id)


@pages.post("/d/<int:district_id>/disaster")
def disaster_mode(district_id: int):
    """Disaster mode on or off (the menus follow), and what people read under 避難所."""
    check_csrf()
    try:
        with Session.begin() as db:
            _, district = require_district(db, district_id)
            district.shelter_info = forms.text(request.form, "shelter_info", SHELTER_MAX)
            on = request.form.get("mode") == "on"
            if on != district.disaster_mode:
                disaster.set_mode(db, district, on)
    except forms.FormError as error:
        return support_page(district_id, error.args[0]), 400
    return done(
        "admin.disaster.on" if on else "admin.disaster.off", "watch_admin.support_page", district_id=district_id
    )
