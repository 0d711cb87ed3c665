"""Charts for the district chart page, drawn as inline SVG on the server (no script, no network)."""
from __future__ import annotations

from markupsafe import Markup, escape

ROW_HEIGHT = 34
LABEL_WIDTH = 190
BAR_WIDTH = 420
VALUE_WIDTH = 90
FONT_SIZE = 18


def bar_chart(title: str, items: list[tuple[str, int]], unit: str = "", top: int | None = None) -> Markup:
    """Horizontal bars, one per (label, value), with the value written beside each bar.

    Bars are scaled to `top` (100 for a percentage), else to the largest value.
    """
    top = top or max((value for _, value in items), default=0) or 1
    height = ROW_HEIGHT * max(len(items), 1) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    rows = [_row(i, label, value, top, unit) for i, (label, value) in enumerate(items)]
    return Markup(
        f'<svg class="chart" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' font-size="{FONT_SIZE}"><title>{escape(title)}</title>{"".join(rows)}</svg>'
    )


def _row(index: int, label: str, value: int, top: int, unit: str) -> str:
    y = index * ROW_HEIGHT + 4
    middle = y + ROW_HEIGHT / 2
    length = round(BAR_WIDTH * value / top)
    return (
        f'<g class="bar" data-label="{escape(label)}" data-value="{value}">'
        f'<text x="{LABEL_WIDTH - 10}" y="{middle}" text-anchor="end" dominant-baseline="middle">'
        f"{escape(label)}</text>"
        f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length}" height="{ROW_HEIGHT - 8}" rx="4"/>'
        f'<text class="value" x="{LABEL_WIDTH + length + 8}" y="{middle}" dominant-baseline="middle">'
        f"{value}{escape(unit)}</text></g>"
    )
