"""The districts page for city staff (地区担当職員): the districts they support, each editable (its
name, reading, city, whether helpers need approval, its neighbours among them, its admins).

Staff see and change only the districts they support: another district is a 403 like any other
admin page, and it is never named (a neighbour outside their districts is only counted).
"""

from __future__ import annotations

from flask import abort, request
from sqlalchemy import func, select

from bot.web import admin_queries as queries
from bot.web import district_setup as setup
from bot.web import request_session
from bot.web.admin import STAFF, blueprint, check_csrf, current_admin, done, page, staff_districts
from db.models import District, DistrictAdmin, Resident, district_neighbours
from db.session import Session


def require_staff(db, district_id: int | None = None) -> tuple[Resident, list[District]]:
    """The signed-in staff member and their districts; 403 for anyone else, or for a district
    they do not support."""
    person = current_admin(db)
    mine = staff_districts(db, person) if person is not None else []
    if person is None or not mine or (district_id is not None and district_id not in [d.id for d in mine]):
        abort(403)
    return person, mine


def outside_neighbours(db, district: District, mine: list[District]) -> int:
    """How many of the district's neighbours are not this staff member's (counted, not named)."""
    ids = [d.id for d in mine]
    return (
        db.scalar(
            select(func.count())
            .select_from(district_neighbours)
            .where(district_neighbours.c.district_id == district.id, district_neighbours.c.neighbour_id.not_in(ids))
        )
        or 0
    )


@blueprint.get("/districts")
def district_setup():
    """The staff member's districts, each with its neighbours, admins and an edit button."""
    db = request_session()
    person, mine = require_staff(db)
    ids = {d.id for d in mine}
    rows = [
        (d, [n for n in d.neighbours if n.id in ids], outside_neighbours(db, d, mine), setup.known_people(db, d.id))
        for d in mine
    ]
    return page("districts.html", person, rows=rows)


@blueprint.route("/d/<int:district_id>/setup", methods=["GET", "POST"])
def district_edit(district_id: int):
    """Change one district: its own fields, its neighbours among the staff's districts, its admins."""
    error, form = None, request.form
    if request.method == "POST":  # written in a transaction of its own, before the page reads
        check_csrf()
        error = save(district_id, form)
        if error is None:
            return done("staff.saved", "admin.district_setup", {"name": form.get("name", "").strip()})
    db = request_session()
    person, mine = require_staff(db, district_id)
    district = db.get_one(District, district_id)
    return page(
        "district_edit.html",
        person,
        district=district,
        error=error,
        form=form,
        others=[d for d in mine if d.id != district_id],
        neighbour_ids={n.id for n in district.neighbours},
        outside=outside_neighbours(db, district, mine),
        people=setup.known_people(db, district_id),
        residents=queries.residents(db, district_id),
    )


def save(district_id: int, form) -> tuple[str, dict] | None:
    """Write the form in one transaction; what is wrong (a catalog key and its fields), if anything."""
    name, city, reading = (form.get(key, "").strip() for key in ("name", "city", "reading"))
    problems = setup.district_problems(name, city, reading)
    if problems:
        key, fields = problems[0]
        return f"staff.setup.error.{key}", fields
    chosen = {int(value) for value in form.getlist("neighbour") if value.isdigit()}
    removing = {int(value) for value in form.getlist("remove_admin") if value.isdigit()}
    adding = form.get("add_admin", "")
    with Session.begin() as db:
        _, mine = require_staff(db, district_id)
        if setup.name_taken(db, name, district_id):
            return "staff.setup.error.taken", {"name": name}
        district = db.get_one(District, district_id)
        district.name, district.city, district.reading = name, city, reading
        district.requires_approval = form.get("requires_approval") == "yes"
        setup.set_neighbours(db, district, chosen, {d.id for d in mine})
        for row in db.scalars(
            select(DistrictAdmin).where(
                DistrictAdmin.district_id == district_id,
                DistrictAdmin.resident_id.in_(removing),
                DistrictAdmin.role != STAFF,
            )
        ):
            db.delete(row)
        if adding.isdigit():
            candidate = db.get(Resident, int(adding))
            if candidate is None or candidate.district_id != district_id or not candidate.active:
                abort(404)
            if db.get(DistrictAdmin, (candidate.id, district_id)) is None:
                db.add(DistrictAdmin(resident_id=candidate.id, district_id=district_id))
    return None
