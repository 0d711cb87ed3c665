"""The district chart (地域カルテ): each chart as bars, as a table and as CSV, plus the unmet needs
and the themes of requests that fit no kind of help."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from urllib.parse import quote

from flask import Response, abort
from sqlalchemy.orm import Session as OrmSession

from bot.i18n import t
from bot.web import admin_charts as bars
from bot.web import admin_queries as queries
from bot.web import chart_facts as facts
from bot.web import request_now, request_session
from bot.web.admin import blueprint, page, require_district
from bot.web.chart_themes import themes

UNMET_SHOWN = 10


@dataclass(frozen=True)
class Chart:
    """One chart: rows of (label, values), the columns' names, and which column the bars show."""

    key: str
    title: str
    label_column: str
    columns: list[str]
    rows: list[tuple[str, list]]
    unit: str = ""
    top: int | None = None
    bar: int = 0

    def bars(self):
        """The chart drawn as bars of its `bar` column."""
        return bars.bar_chart(
            self.title, [(label, values[self.bar]) for label, values in self.rows], self.unit, self.top
        )


@blueprint.get("/d/<int:district_id>/chart")
def chart(district_id: int):
    """The district chart page."""
    db = request_session()
    admin, district = require_district(db, district_id)
    requests = facts.sent_requests(db, district_id)
    others = [f.text or f.summary for f in requests if f.category == "other"]
    unmet = sorted((f for f in requests if f.status == "unmet"), key=lambda f: f.created_at, reverse=True)
    return page(
        "chart.html",
        admin,
        district=district,
        charts=district_charts(db, district_id, admin.language),
        unmet=unmet[:UNMET_SHOWN],
        unmet_count=len(unmet),
        themes=themes(others),
    )


@blueprint.get("/d/<int:district_id>/chart/<key>.csv")
def chart_csv(district_id: int, key: str):
    """One chart's table as CSV (UTF-8 with a BOM, so that spreadsheet programs read Japanese)."""
    db = request_session()
    admin, district = require_district(db, district_id)
    found = [c for c in district_charts(db, district_id, admin.language) if c.key == key]
    if not found:
        abort(404)
    name = f"{district.name}-{found[0].title}.csv"
    return Response(
        "\ufeff" + csv_text(found[0]),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=\"chart-{key}.csv\"; filename*=UTF-8''{quote(name)}"},
    )


def csv_text(chart: Chart) -> str:
    """The chart's table as CSV text: a header row, then a row per label."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([chart.label_column, *chart.columns])
    writer.writerows([label, *values] for label, values in chart.rows)
    return out.getvalue()


def district_charts(db: OrmSession, district_id: int, locale: str) -> list[Chart]:
    """Every chart of the district chart page, in order, labels in the admin's language."""
    labels = facts.months(request_now().date())
    requests = facts.sent_requests(db, district_id)
    help_months = facts.help_by_month(facts.help_given(db, district_id), labels)
    sent = facts.circulars_sent(db, district_id)
    skills = queries.skill_counts(queries.helpers(db, district_id)).most_common()
    joined = queries.follower_dates(db, district_id)
    monthly = queries.per_month(joined, labels)
    earlier = len(joined) - sum(count for _, count in monthly)
    by_month = lambda key, rows, **more: _chart(key, locale, "month", _months(rows, locale), **more)  # noqa: E731
    by_kind = lambda key, rows, **more: _chart(key, locale, "kind", _kinds(rows, locale), **more)  # noqa: E731
    return [
        by_month("requests", facts.requests_by_month(requests, labels)),
        by_kind("per_category", facts.requests_by_kind(requests, labels)),
        by_month("unmet_rate", facts.unmet_rate(requests, labels), unit="%", top=100),
        by_month("first_accept", facts.first_accept(requests, labels), unit=t("admin.chart.unit_minutes", locale)),
        by_month(
            "hours",
            [(m, [round(v[0] + v[1], 1), *v[:2]]) for m, v in help_months],
            unit=t("admin.chart.unit_hours", locale),
        ),
        by_month("active", [(m, v[2:]) for m, v in help_months]),
        by_month("circular_reads", facts.circular_rates(sent, labels, "circular"), unit="%", top=100, bar=2),
        by_month("safety_answers", facts.circular_rates(sent, labels, "safety_check"), unit="%", top=100, bar=2),
        by_kind("helpers", [(s, [n]) for s, n in skills]),
        by_month("followers", [(m, [n]) for m, n in queries.cumulative(monthly, earlier)]),
    ]


def _chart(key: str, locale: str, label_column: str, rows, **more) -> Chart:
    """A chart whose titles and column names come from the catalog (admin.chart.<key>...)."""
    columns = t(f"admin.chart.{key}_columns", locale).split("|")
    return Chart(
        key, t(f"admin.chart.{key}", locale), t(f"admin.chart.by_{label_column}", locale), columns, rows, **more
    )


def _months(rows, locale: str):
    return [(month_text(label, locale), values) for label, values in rows]


def _kinds(rows, locale: str):
    return [(t(f"request.kind.{category}", locale), values) for category, values in rows]


def month_text(label: str, locale: str) -> str:
    """ "2026-03" as people of this locale write a month."""
    year, month = label.split("-")
    return t("admin.chart.month", locale, year=int(year), month=int(month))
