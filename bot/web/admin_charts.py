"""Charts for the district chart page: bars as HTML rows, drawn on the server (no script, no network).

Each bar is a one-rectangle SVG stretched to the row's width, so labels and numbers stay real
text at full size on a phone, and no inline style is needed (the pages' Content-Security-Policy).
"""

from __future__ import annotations

from markupsafe import Markup, escape


def bar_chart(title: str, items: list[tuple[str, int]], unit: str = "", top: int | None = None) -> Markup:
    """One row per (label, value): the label, a bar, the value written out.

    Bars are scaled to `top` (100 for a percentage), else to the largest value.
    """
    top = top or max((value for _, value in items), default=0) or 1
    rows = "".join(_row(label, value, top, unit) for label, value in items)
    return Markup(f'<ul class="bars" aria-label="{escape(title)}">{rows}</ul>')


def _row(label: str, value: int | float, top: int, unit: str) -> str:
    share = max(0.0, min(100.0, 100 * value / top))
    return (
        f'<li class="bar" data-label="{escape(label)}" data-value="{value}">'
        f'<span class="label">{escape(label)}</span>'
        f'<svg aria-hidden="true" focusable="false" viewBox="0 0 100 10" preserveAspectRatio="none">'
        f'<rect x="0" y="0" width="{share:.1f}" height="10" rx="1"/></svg>'
        f'<span class="value">{value}{escape(unit)}</span></li>'
    )
