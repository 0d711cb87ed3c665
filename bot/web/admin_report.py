"""The monthly activity report of a district: a printable page and the same as a PDF."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, request

from bot.i18n import t, when_text
from bot.web import chart_facts as facts
from bot.web import report_data, report_pdf
from bot.web import request_now, request_session
from bot.web.admin import blueprint, page, require_district

Table = tuple[list[str], list[list]]


@blueprint.get("/d/<int:district_id>/report")
def report(district_id: int):
    """The report of one month (last month unless ?month=YYYY-MM), ready to print."""
    admin, district, data, today = month_report(district_id)
    following = report_data.next_month(data.month, 1)
    return page(
        "report.html",
        admin,
        district=district,
        report=data,
        tables=tables(data, admin.language),
        previous=report_data.next_month(data.month, -1),
        made=when_text(today, admin.language),
        following=following if following <= facts.month_of(today) else None,
    )


@blueprint.get("/d/<int:district_id>/report.pdf")
def report_pdf_file(district_id: int):
    """The same report as a PDF file, Japanese text embedded, one A4 page for a normal month."""
    admin, district, data, today = month_report(district_id)
    pdf = report_pdf.render(data, tables(data, admin.language), admin.language, when_text(today, admin.language))
    name = f"{district.name}-{data.month}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="report-{district.id}-{data.month}.pdf"; '
            f"filename*=UTF-8''{quote(name)}"
        },
    )


def month_report(district_id: int):
    """The admin, the district, the report of the month the URL asks for, and today."""
    db = request_session()
    admin, district = require_district(db, district_id)
    today = request_now().date()
    month = report_data.month_asked(request.args.get("month"), today)
    return admin, district, report_data.build(db, district, month), today


def tables(data: report_data.Report, locale: str) -> dict[str, Table]:
    """The report's tables (columns, rows), the same on the page and in the PDF."""
    columns = lambda key: t(key, locale).split("|")  # noqa: E731
    day = lambda c: when_text(c.sent_at.date(), locale)  # noqa: E731
    return {
        "by_kind": (
            [t("admin.chart.by_kind", locale), *columns("admin.chart.per_category_columns")],
            [[t(f"request.kind.{kind}", locale), *values] for kind, values in data.by_kind],
        ),
        "circulars": (
            columns("admin.report.circular_columns"),
            [[c.title, day(c), c.sent, c.confirmed, f"{facts.percent(c.confirmed, c.sent)}%"] for c in data.circulars],
        ),
        "safety": (
            columns("admin.report.safety_columns"),
            [
                [c.title, day(c), c.sent, c.answered, f"{facts.percent(c.answered, c.sent)}%", c.need_help]
                for c in data.safety_checks
            ],
        ),
    }
