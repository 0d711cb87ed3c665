"""`flask` commands beyond init-db; each area adds its own in its `init_app`."""

from __future__ import annotations

import importlib

from flask import Flask

# Modules that define `register(cli)`.
COMMAND_MODULES = (
    "bot.demo",
    "bot.channels.richmenu",
    "bot.circulars.commands",
    "bot.timebank.commands",
    "bot.reconcile",
    "bot.web.district_setup",
)


def init_app(app: Flask) -> None:
    """Register every area's commands on the app's CLI."""
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app.cli)
