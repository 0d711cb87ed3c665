"""The district admin pages: requests, helpers, circulars and the district chart (地域カルテ).

An admin logs in with a signed link from the chat (or `flask admin-link`), valid 15 minutes;
every page checks that the admin administers the district in its URL.
"""
from __future__ import annotations

import secrets
import time
from collections import Counter

import click
from flask import (Blueprint, Flask, abort, current_app, flash, redirect, render_template, request,
                   send_from_directory, session, url_for)
from markupsafe import Markup
from sqlalchemy.orm import Session as OrmSession

from bot import admin_link, runtime
from bot import outbox as outboxes
from bot.circulars.circulars import progress
from bot.circulars.subscriptions import admin_districts
from bot.errors import NotAllowedError
from bot.i18n import hours_text, t, when_text
from bot.matching import approve_helper
from bot.web import admin_charts as charts
from bot.web import admin_queries as queries
from bot.web import request_session
from db.models import Circular, District, Resident, local_now
from db.session import Session

SESSION_HOURS = 8  # a working day; then a new link from the chat
REFRESH_SECONDS = 15  # a circular's page reloads its counts while answers come in

blueprint = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates",
                      static_folder="static")


def init_app(app: Flask) -> None:
    """Register the pages and `flask admin-link`."""
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.register_blueprint(blueprint)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.cli.add_command(admin_link_command)


def favicon():
    """The site's icon, where browsers look for it."""
    return send_from_directory(blueprint.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)


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

def current_admin(db: OrmSession) -> Resident | None:
    """The logged-in admin, if they still administer a district."""
    resident_id, since = session.get("admin_id"), session.get("since", 0)
    if not isinstance(resident_id, int) or time.time() - since > SESSION_HOURS * 3600:
        return None
    resident = db.get(Resident, resident_id)
    return resident if resident and resident.active and admin_districts(db, resident) else None


def require_district(db: OrmSession, district_id: int) -> tuple[Resident, District]:
    """The admin and the district of the URL, or 403 if they do not administer it."""
    admin = current_admin(db)
    if admin is None or district_id not in [d.id for d in admin_districts(db, admin)]:
        abort(403)
    return admin, db.get(District, district_id)


def in_district(db: OrmSession, model: type, row_id: int, district_id: int):
    """The row of the URL (a circular, a request), only within the URL's district (404 otherwise)."""
    row = db.get(model, row_id)
    if row is None or row.district_id != district_id:
        abort(404)
    return row


def page(template: str, admin: Resident, **context) -> str:
    """Render an admin page in the admin's language."""
    districts = admin_districts(request_session(), admin)
    locale = admin.language
    return render_template(f"admin/{template}", admin=admin, districts=districts,
                           csrf=session.get("csrf", ""), locale=locale,
                           t=lambda key, **fields: t(key, locale, **fields),
                           when=lambda moment: when_text(moment, locale) if moment else "",
                           hours=lambda minutes: hours_text(minutes, locale), **context)


def check_csrf() -> None:
    """403 unless the form carries this session's CSRF token."""
    token, expected = request.form.get("csrf", ""), session.get("csrf", "")
    if not expected or not secrets.compare_digest(token.encode(), expected.encode()):
        abort(403)


def done(key: str, endpoint: str, fields: dict | None = None, **values):
    """Say on the next page what was done (a catalog key and its fields), and go there."""
    flash([key, fields or {}])
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
    return render_template(template, locale=locale, status=status,
                           t=lambda key, **fields: t(key, locale, **fields)), status


# -- logging in and out ------------------------------------------------------------------------

@blueprint.get("/login/<token>")
def login(token: str):
    """Open a signed link: remember the admin in the session cookie."""
    try:
        resident_id = admin_link.read_token(current_app.config["SECRET_KEY"], token)
    except NotAllowedError:
        abort(403)
    db = request_session()
    person = db.get(Resident, resident_id)
    if person is None or not admin_districts(db, person):
        abort(403)
    session.clear()
    session.permanent = True  # survives closing the browser; `current_admin` limits its age
    session.update(admin_id=resident_id, csrf=secrets.token_urlsafe(16), since=time.time())
    return redirect(url_for("admin.home"))


@blueprint.post("/logout")
def logout():
    """Forget the admin."""
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
    if len(districts) == 1:
        return redirect(url_for("admin.requests", district_id=districts[0].id))
    return page("home.html", admin)


# -- the district's pages ----------------------------------------------------------------------

@blueprint.get("/d/<int:district_id>/")
def requests(district_id: int):
    """Requests by status; unmet needs stand out."""
    db = request_session()
    admin, district = require_district(db, district_id)
    counts = queries.request_counts(db, district_id)
    status = request.args.get("status")
    status = status if status in queries.STATUSES else queries.first_tab(counts)
    return page("requests.html", admin, district=district, status=status, counts=counts,
                rows=queries.requests(db, district_id, status))


@blueprint.get("/d/<int:district_id>/helpers")
def helpers(district_id: int):
    """Helpers and experience masters, searchable, with approvals waiting on top."""
    from bot.nlp import extract_skills

    db = request_session()
    admin, district = require_district(db, district_id)
    query = request.args.get("q", "").strip()[:100]
    words, skills = query.split(), extract_skills(query) if query else []
    profiles = [p for p in queries.helpers(db, district_id) if queries.matches(p, words, skills)]
    return page("helpers.html", admin, district=district, query=query,
                pending=[p for p in profiles if not p.approved],
                profiles=[p for p in profiles if p.approved])


@blueprint.post("/d/<int:district_id>/helpers/<int:resident_id>/approve")
def approve(district_id: int, resident_id: int):
    """承認: the matching core approves the helper and tells them."""
    check_csrf()
    with Session.begin() as db:  # its own transaction: the helper is told after the commit
        admin, _ = require_district(db, district_id)
        ids = outboxes.store(db, approve_helper(db, resident_id, admin.id))
    outboxes.deliver(ids)
    return redirect(url_for("admin.helpers", district_id=district_id))


@blueprint.get("/d/<int:district_id>/circulars")
def circulars(district_id: int):
    """Circulars and safety checks with sent, read and answer counts."""
    db = request_session()
    admin, district = require_district(db, district_id)
    return page("circulars.html", admin, district=district,
                rows=queries.circulars(db, district_id))


@blueprint.get("/d/<int:district_id>/circulars/<int:circular_id>")
def circular(district_id: int, circular_id: int):
    """One circular: who needs help, who has not answered yet."""
    db = request_session()
    admin, district = require_district(db, district_id)
    row = in_district(db, Circular, circular_id, district_id)
    return page("circular.html", admin, district=district, stats=progress(db, row.id), circular=row,
                waiting=queries.waiting(db, row), need_help=queries.need_help(db, row),
                refresh_seconds=REFRESH_SECONDS)


@blueprint.get("/d/<int:district_id>/chart")
def chart(district_id: int):
    """The district chart (地域カルテ): requests, unmet needs, helpers and followers."""
    db = request_session()
    admin, district = require_district(db, district_id)
    return page("chart.html", admin, district=district,
                charts=district_charts(db, district_id, admin.language))


def district_charts(db: OrmSession, district_id: int, locale: str) -> list[tuple[str, Markup]]:
    """(title, SVG) of each chart of the district chart page, in order."""
    facts = queries.request_facts(db, district_id)
    labels = queries.months(local_now().date())
    categories = Counter(category for category, _, _ in facts).most_common()
    skills = queries.skill_counts(queries.helpers(db, district_id)).most_common()
    joined = queries.follower_dates(db, district_id)
    monthly = queries.per_month(joined, labels)
    earlier = len(joined) - sum(count for _, count in monthly)
    in_words = lambda items: [(month_text(label, locale), n) for label, n in items]  # noqa: E731
    data = {
        "per_category": ([(kind(c, locale), n) for c, n in categories], "", None),
        "per_month": (in_words(queries.per_month([at for _, _, at in facts], labels)), "", None),
        "unmet_rate": (in_words(queries.unmet_rate(facts, labels)), "%", 100),
        "helpers": ([(kind(s, locale), n) for s, n in skills], "", None),
        "followers": (in_words(queries.cumulative(monthly, earlier)), "", None),
    }
    return [(title := t(f"admin.chart.{name}", locale), charts.bar_chart(title, items, unit, top))
            for name, (items, unit, top) in data.items()]


def month_text(label: str, locale: str) -> str:
    """"2026-03" as people of this locale write a month."""
    year, month = label.split("-")
    return t("admin.chart.month", locale, year=int(year), month=int(month))


def kind(category: str, locale: str) -> str:
    """The name of a kind of help (the request area's catalog)."""
    return t(f"request.kind.{category}", locale)
