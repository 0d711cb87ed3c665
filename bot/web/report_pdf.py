"""The monthly report as a PDF (reportlab), with a Japanese font embedded when the machine has one.

`make install` puts IPAex Gothic (Debian's fonts-ipaexfont-gothic) where FONT_FILES looks; without
any of them the PDF names reportlab's built-in Japanese CID font, which PDF readers supply.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bot.i18n import t

FONT_FILES = (
    Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
    Path("/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf"),
    Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
)
CID_FONT = "HeiseiKakuGo-W5"
ACCENT = colors.HexColor("#1f6f43")


@cache
def font() -> str:
    """The name of the font registered for the report: an embedded TrueType one if there is one."""
    for path in FONT_FILES:
        if path.exists():
            pdfmetrics.registerFont(TTFont("KyojoGothic", str(path)))
            return "KyojoGothic"
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def styles() -> dict[str, ParagraphStyle]:
    """Title, heading and body text styles in the report's font."""
    name = font()
    return {
        "title": ParagraphStyle("title", fontName=name, fontSize=18, leading=26, textColor=ACCENT),
        "h2": ParagraphStyle("h2", fontName=name, fontSize=13, leading=20, spaceBefore=10, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=name, fontSize=10.5, leading=16),
        "small": ParagraphStyle("small", fontName=name, fontSize=8.5, leading=12, textColor=colors.grey),
    }


def render(report, tables: dict, locale: str, made: str) -> bytes:
    """The PDF bytes of a report (report_data.Report) and its tables (admin_report.tables)."""
    say = lambda key, **fields: t(f"admin.report.{key}", locale, **fields)  # noqa: E731
    s = styles()
    year, month = report.year_and_month
    r = report.requests
    story = [
        Paragraph(say("title", district=report.district.name), s["title"]),
        Paragraph(say("period", year=year, month=month), s["h2"]),
        Paragraph(say("requests"), s["h2"]),
        Paragraph(say("requests_line", sent=r[0], met=r[1], unmet=r[2], cancelled=r[3]), s["body"]),
        *table(tables["by_kind"], s),
        Paragraph(say("help"), s["h2"]),
        Paragraph(
            say(
                "help_line",
                tasks=report.help_hours,
                classes=report.class_hours,
                helpers=report.helpers,
                masters=report.masters,
            ),
            s["body"],
        ),
    ]
    for key, title in (("circulars", "circulars"), ("safety", "safety")):
        story += [Paragraph(say(title), s["h2"]), *(table(tables[key], s) or [Paragraph(say("none"), s["body"])])]
    story += [
        Paragraph(say("followers"), s["h2"]),
        Paragraph(say("followers_line", followers=report.followers, new=report.new_followers), s["body"]),
        Spacer(1, 8 * mm),
        Paragraph(say("made", made=made), s["small"]),
    ]
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=say("title", district=report.district.name),
    ).build(story)
    return out.getvalue()


def table(columns_rows: tuple[list[str], list[list]], s: dict) -> list:
    """A ruled table, header row shaded; nothing when it has no rows."""
    columns, rows = columns_rows
    if not rows:
        return []
    cell = lambda value: Paragraph(str(value), s["body"])  # noqa: E731
    grid = Table([[cell(c) for c in columns], *[[cell(v) for v in row] for row in rows]], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f1ec")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#bbbbbb")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [grid]
