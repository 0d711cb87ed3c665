"""All the district admin pages, registered together (app.py calls init_app).

The page modules add their routes to bot.web.admin's blueprint; importing them here, rather
than in bot.web.admin, keeps the imports one way: pages -> admin, never back.
"""
from __future__ import annotations

from flask import Flask

from bot.web import admin, admin_chart, admin_circulars, admin_people, admin_report

PAGES = (admin_chart, admin_circulars, admin_people, admin_report)  # their routes join admin.blueprint


def init_app(app: Flask) -> None:
    """Register every admin page, the favicon and `flask admin-link`."""
    admin.init_app(app)
