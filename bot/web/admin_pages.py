"""All admin pages on one blueprint: each page module attaches its routes when imported.

The page modules import the blueprint from bot.web.admin; importing them here, rather than
from bot.web.admin, keeps the imports one way. A new page module joins the list below.
"""

from __future__ import annotations

from flask import Flask

from bot.web import (  # noqa: F401  (imported for the routes they attach)
    admin,
    admin_chart,
    admin_circulars,
    admin_districts,
    admin_people,
    admin_report,
)


def init_app(app: Flask) -> None:
    """Register the admin pages and `flask admin-link`."""
    admin.init_app(app)
