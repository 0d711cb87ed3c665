"""The district admin pages: requests, helpers, circulars and the district chart (地域カルテ).

An admin logs in with a signed link from the chat (or `flask admin-link`), valid 15 minutes;
every page checks that the admin administers the district in its URL. City staff (地区担当職員,
DistrictAdmin.role "staff") sign in the same way and see each of the districts they support.
"""

from __future__ import annotations

import secrets

import click
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from bot import admin_link, runtime
from bot import outbox as outboxes
from bot.circulars.circulars import progress
from bot.circulars.subscriptions import admin_districts
from bot.errors import NotAllowedError
from bot.i18n import hours_text, t, when_text
from bot.matching import approve_helper, describe
from bot.web import admin_security, admin_sessions
from bot.web import admin_queries as queries
from bot.web import request_now, request_session
from db.models import AdminSession, Circular, District, DistrictAdmin, Resident
from db.session import Session

REFRESH_SECONDS = 15  # a circular's page reloads its counts while answers come in
STAFF = "staff"  # DistrictAdmin.role of city staff (地区担当職員), who support several districts

blueprint = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static")
blueprint.after_request(admin_security.strict_headers)
blueprint.url_value_preprocessor(admin_security.possible_ids)


def init_app(app: Flask) -> None:
    """Register the blueprint (bot.web.admin_pages imports its pages first) and `flask admin-link`."""
    admin_security.init_app(app)
    app.register_blueprint(blueprint)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.cli.add_command(admin_link_command)
    app.cli.add_command(admin_sessions.revoke_command)


def favicon():
    """The site's icon, where browsers look for it."""
    return send_from_directory(
        blueprint.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )


@click.command("admin-link")
@click.argument("resident_id", type=int)
def admin_link_command(resident_id: int) -> None:
    """Print a 15-minute login link for a district admin."""
    with Session() as db:
        person = db.get(Resident, resident_id)
        if person is None or not admin_districts(db, person):
            raise click.ClickException(f"resident {resident_id} administers no district")
    click.echo(admin_link.login_url(runtime.current().config, resident_id))


# -- who is looking ----------------------------------------------------------------------------


def signed_in() -> AdminSession | None:
    """This browser's live session, looked up once a request in a transaction of its own (the
    page's session only reads, and a form's action commits apart)."""
    if "admin_session" not in g:
        now = request_now()
        with Session.begin() as db:
            row = admin_sessions.find(db, session.get("sid"), now)
            if row is not None:
                admin_sessions.touch(db, row, now)
                db.expunge(row)
        g.admin_session = row
    return g.admin_session


def current_admin(db: OrmSession) -> Resident | None:
    """The logged-in admin, if their session is live and they still administer a district."""
    row = signed_in()
    resident = db.get(Resident, row.resident_id) if row is not None else None
    return resident if resident and resident.active and admin_districts(db, resident) else None


def require_district(db: OrmSession, district_id: int) -> tuple[Resident, District]:
    """The admin and the district of the URL, or 403 if they do not administer it."""
    admin = current_admin(db)
    if admin is None or district_id not in [d.id for d in admin_districts(db, admin)]:
        abort(403)
    return admin, db.get_one(District, district_id)


def in_district(db: OrmSession, model: type, row_id: int, district_id: int):
    """The row of the URL (a circular, a request), only within the URL's district (404 otherwise)."""
    row = db.get(model, row_id)
    if row is None or row.district_id != district_id:
        abort(404)
    return row


def staff_districts(db: OrmSession, person: Resident) -> list[District]:
    """The districts a city staff member (地区担当職員) supports; none for a district's own admin."""
    return list(
        db.scalars(
            select(District)
            .join(DistrictAdmin, DistrictAdmin.district_id == District.id)
            .where(DistrictAdmin.resident_id == person.id, DistrictAdmin.role == STAFF)
            .order_by(District.id)
        )
    )


def page(template: str, admin: Resident, **context) -> str:
    """Render an admin page in the admin's language."""
    db = request_session()
    districts = admin_districts(db, admin)
    locale = admin.language
    return render_template(
        f"admin/{template}",
        admin=admin,
        districts=districts,
        is_staff=bool(staff_districts(db, admin)),
        csrf=csrf_token(),
        locale=locale,
        t=lambda key, **fields: t(key, locale, **fields),
        when=lambda moment: when_text(moment, locale) if moment else "",
        # when a request's help is needed as the resident said it (「12月3日(木)の午後」, not the
        # 14:00 an afternoon is kept as; 「いつでも」 when no time was given)
        needed=lambda help_request: describe.when(help_request, locale),
        hours=lambda minutes: hours_text(minutes, locale),
        **context,
    )


def csrf_token() -> str:
    """The CSRF token of this browser's session (kept with the session, server-side)."""
    row = signed_in()
    return row.csrf if row is not None else ""


def check_csrf() -> None:
    """403 unless the form carries this session's CSRF token."""
    token, expected = request.form.get("csrf", ""), csrf_token()
    if not expected or not secrets.compare_digest(token.encode(), expected.encode()):
        abort(403)


def done(key: str, endpoint: str, fields: dict | None = None, **values):
    """Say on the next page what was done (a catalog key and its fields), and go there."""
    flash([key, fields or {}])  # type: ignore[arg-type]  # Flask keeps any JSON value; its stubs say str
    return redirect(url_for(endpoint, **values))


@blueprint.errorhandler(403)
@blueprint.errorhandler(NotAllowedError)
def forbidden(_error):
    """A kind page that says how to get in."""
    return kind_page("admin/denied.html", 403)


@blueprint.errorhandler(400)
@blueprint.errorhandler(404)
@blueprint.errorhandler(500)
def trouble(error):
    """Not found or a fault: a short apology, never a stack trace."""
    return kind_page("admin/trouble.html", getattr(error, "code", 500) or 500)


def kind_page(template: str, status: int):
    """An error page in the admin's language (Japanese when nobody is signed in)."""
    admin = current_admin(request_session()) if status != 500 else None
    locale = admin.language if admin else "ja"
    return render_template(
        template, locale=locale, status=status, t=lambda key, **fields: t(key, locale, **fields)
    ), status


# -- logging in and out ------------------------------------------------------------------------


@blueprint.get("/login/<token>")
def login_page(token: str):
    """A signed link shows a page with one button and opens nothing yet: a chat app's link
    preview or a mail scanner that fetches the link must not spend it. The button's form
    carries a nonce that is also in this browser's cookie, so no other site can post it."""
    person, link_id = _link_of(token)
    with Session() as db:
        if admin_sessions.link_used(db, link_id):
            abort(403)  # opened before: it is not a key to hand around
    nonce = secrets.token_urlsafe(16)
    session["login_nonce"] = nonce
    return render_template(
        "admin/login.html",
        locale=person.language,
        nonce=nonce,
        t=lambda key, **fields: t(key, person.language, **fields),
    )


@blueprint.post("/login/<token>")
def login(token: str):
    """The button of the link's page: a new server-side session, once; its token in the cookie."""
    person, link_id = _link_of(token)
    nonce, expected = request.form.get("nonce", ""), session.pop("login_nonce", "")
    if not expected or not secrets.compare_digest(nonce.encode(), expected.encode()):
        abort(403)
    with Session.begin() as db:
        sid = admin_sessions.open_session(db, person.id, link_id, request_now())
    if sid is None:
        abort(403)  # the link was opened before: it is not a key to hand around
    session.clear()
    session.permanent = True  # survives closing the browser; the server side limits its age
    session["sid"] = sid
    return redirect(url_for("admin.home"))


def _link_of(token: str) -> tuple[Resident, str]:
    """The admin (or city staff) a signed, unexpired link is for, and the link's id; else 403."""
    try:
        resident_id, link_id = admin_link.read_token(current_app.config["SECRET_KEY"], token)
    except NotAllowedError:
        abort(403)
    with Session() as db:
        person = db.get(Resident, resident_id)
        if person is None or not admin_districts(db, person):
            abort(403)
        db.expunge(person)
    return person, link_id


@blueprint.post("/logout")
def logout():
    """End the session (with its CSRF token, so that no other site can sign an admin out)."""
    row = signed_in()
    if row is not None:
        check_csrf()
        with Session.begin() as db:
            admin_sessions.end(db, row, request_now())
    session.clear()
    return redirect(url_for("admin.home"))


@blueprint.get("/")
def home():
    """The admin's districts; straight to the district when there is one."""
    db = request_session()
    admin = current_admin(db)
    if admin is None:
        abort(403)
    districts = admin_districts(db, admin)
    if len(districts) == 1 and not staff_districts(db, admin):
        return redirect(url_for("admin.requests", district_id=districts[0].id))
    now = request_now()
    overview = [(d, queries.request_counts(db, d.id), len(queries.undelivered(db, d.id, now))) for d in districts]
    return page("home.html", admin, overview=overview)


# -- the district's pages ----------------------------------------------------------------------


@blueprint.get("/d/<int:district_id>/")
def requests(district_id: int):
    """Requests by status; unmet needs stand out."""
    db = request_session()
    admin, district = require_district(db, district_id)
    counts = queries.request_counts(db, district_id)
    status = request.args.get("status")
    status = status if status in queries.STATUSES else queries.first_tab(counts)
    return page(
        "requests.html",
        admin,
        district=district,
        status=status,
        counts=counts,
        rows=queries.requests(db, district_id, status),
        undelivered=len(queries.undelivered(db, district_id, request_now())),
    )


@blueprint.get("/d/<int:district_id>/undelivered")
def undelivered(district_id: int):
    """Messages the bot gave up sending (LINE down for hours, a blocked account): to pass on."""
    db = request_session()
    admin, district = require_district(db, district_id)
    return page(
        "undelivered.html",
        admin,
        district=district,
        text=queries.message_text,
        rows=queries.undelivered(db, district_id, request_now()),
    )


@blueprint.get("/d/<int:district_id>/helpers")
def helpers(district_id: int):
    """Helpers and experience masters, searchable, with approvals waiting on top."""
    from bot.nlp import extract_skills

    db = request_session()
    admin, district = require_district(db, district_id)
    query = request.args.get("q", "").strip()[:100]
    words, skills = query.split(), extract_skills(query) if query else []
    profiles = [p for p in queries.helpers(db, district_id) if queries.matches(p, words, skills)]
    return page(
        "helpers.html",
        admin,
        district=district,
        query=query,
        pending=[p for p in profiles if not p.approved],
        profiles=[p for p in profiles if p.approved],
    )


@blueprint.post("/d/<int:district_id>/helpers/<int:resident_id>/approve")
def approve(district_id: int, resident_id: int):
    """承認: the matching core approves the helper and tells them."""
    check_csrf()
    with Session.begin() as db:  # its own transaction: the helper is told after the commit
        admin, _ = require_district(db, district_id)
        ids = outboxes.store(db, approve_helper(db, resident_id, admin.id))
    outboxes.deliver(runtime.current().channels, ids, request_now())
    return redirect(url_for("admin.helpers", district_id=district_id))


@blueprint.get("/d/<int:district_id>/circulars")
def circulars(district_id: int):
    """Circulars and safety checks with sent, read and answer counts."""
    db = request_session()
    admin, district = require_district(db, district_id)
    return page("circulars.html", admin, district=district, rows=queries.circulars(db, district_id))


@blueprint.get("/d/<int:district_id>/circulars/<int:circular_id>")
def circular(district_id: int, circular_id: int):
    """One circular: who needs help, who has not answered yet."""
    db = request_session()
    admin, district = require_district(db, district_id)
    row = in_district(db, Circular, circular_id, district_id)
    return page(
        "circular.html",
        admin,
        district=district,
        stats=progress(db, row.id),
        circular=row,
        waiting=queries.waiting(db, row),
        need_help=queries.need_help(db, row),
        refresh_seconds=REFRESH_SECONDS,
    )
