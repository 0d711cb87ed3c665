"""The web process: webhooks, the admin pages and (in development) the local chat page."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import cast

import click
from flask import Flask, g
from redis.exceptions import RedisError
from werkzeug.datastructures import EnvironHeaders

from bot import clock, reconcile, runtime, wiring
from bot.config import Config
from bot.errors import PayloadError, SignatureError
from bot.intake import IntakeUnavailable, intake
from db import session as db_session

log = logging.getLogger("kyojo.webhook")

MAX_BODY_BYTES = 1024 * 1024  # LINE bodies are far smaller; a larger one is refused
TEXT = "text/plain; charset=utf-8"


def create_app(config: Config | None = None) -> Flask:
    """Build the Flask app for a configuration (from the environment by default)."""
    config = config or Config.from_env()
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(SECRET_KEY=config.secret_key, MAX_CONTENT_LENGTH=MAX_BODY_BYTES, KYOJO=config)
    rt = wiring.start(config)
    app.extensions["kyojo"] = rt
    if config.jobs_mode == "thread":  # no worker: this process keeps the clock (make run)
        clock.start(rt.jobs, until=rt.retired)
        # and re-drives what a restart left unfinished (first after one interval: `flask
        # init-db` makes the tables in a process of this kind)
        reconcile.keep_reconciling(rt.jobs, at_once=False, until=rt.retired)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        """End the session a page opened (bot.web.request_session), if it opened one."""
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    register_webhooks(app, rt.channels)
    register_commands(app)
    register_blueprints(app, config)
    return app


def register_webhooks(app: Flask, channels: dict) -> None:
    """Each configured channel's webhook, at the path the channel declares, answered in front of
    Flask: verify, store, enqueue, answer, and nothing of Flask's request machinery (contexts,
    session cookie, routing, response objects), which cost more CPU than the rest of a webhook
    request (bench/webhook.py). Any other request, a GET to that path too, goes on to Flask."""
    paths = {channel.webhook_path: platform for platform, channel in channels.items()}
    app.wsgi_app = Webhooks(app.wsgi_app, paths)  # type: ignore[method-assign]  # Flask's way to add middleware


class Webhooks:
    """WSGI middleware: POSTs to a webhook path are answered here, the rest by the app behind."""

    def __init__(self, wsgi_app: Callable, platforms: dict[str, str]) -> None:
        self.wsgi_app, self.platforms = wsgi_app, platforms

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        platform = self.platforms.get(environ.get("PATH_INFO", ""))
        if platform is None or environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        status, content_type, text = webhook(platform, environ)
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(text)))])
        return [text]


def request_body(environ: dict) -> bytes | None:
    """A webhook request's body, read from the WSGI environ itself (a werkzeug Request around it
    cost a webhook about 20 us of CPU more); None when it is over MAX_BODY_BYTES, refused before
    it is read (or, sent in chunks without a length, read no further than one byte past it)."""
    stream = environ["wsgi.input"]
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        length = -1  # as werkzeug reads it: no length
    if length > MAX_BODY_BYTES:
        return None
    if length >= 0:
        return stream.read(length)
    if not environ.get("wsgi.input_terminated"):
        return b""
    body = stream.read(MAX_BODY_BYTES + 1)
    return None if len(body) > MAX_BODY_BYTES else body


def webhook(platform: str, environ: dict) -> tuple[str, str, bytes]:
    """Verify, store and enqueue a webhook body: (status, content type, body) of the answer. 200
    once stored and queued (a URL check, a handshake, is answered too); 400 for a body that is not
    the platform's; 503 when it could not be queued (the platform delivers it again)."""
    rt = runtime.current()
    channel = rt.channels.get(platform)
    if channel is None:
        return "404 NOT FOUND", TEXT, b"no such webhook"
    where = f"{platform} webhook body refused"
    body = request_body(environ)
    if body is None:
        log.warning("%s: larger than %d bytes (from %s)", where, MAX_BODY_BYTES, environ.get("REMOTE_ADDR"))
        return "400 BAD REQUEST", TEXT, b"body too large"
    try:
        events = channel.parse_webhook(body, channel.signature(cast(Mapping[str, str], EnvironHeaders(environ))))
    except SignatureError as error:
        log.warning("%s webhook refused: %s (from %s)", platform, error, environ.get("REMOTE_ADDR"))
        return "400 BAD REQUEST", TEXT, b"bad signature"
    except PayloadError as error:
        log.warning("%s: %s (%d bytes)", where, error, len(body))
        return "400 BAD REQUEST", TEXT, b"malformed body"
    try:
        # when the events came: read once for the whole body
        intake(db_session.Session.kw["bind"], rt.jobs).receive(platform, events, rt.clock.now())
    except (RedisError, IntakeUnavailable):  # not kept: the platform delivers it again
        return "503 SERVICE UNAVAILABLE", TEXT, b"try again"
    handshake = channel.handshake(body)
    if handshake is not None:
        return "200 OK", "application/json", json.dumps(handshake).encode()
    return "200 OK", TEXT, b"OK"


def register_blueprints(app: Flask, config: Config) -> None:
    """The admin pages, and the local chat page outside production."""
    import importlib

    for module_name, only_dev in (
        ("bot.web.admin_pages", False),
        ("bot.web.admin_watch", False),
        ("bot.web.search_photo", False),
        ("bot.web.chat", True),
    ):
        if only_dev and config.production:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        module.init_app(app)


def register_commands(app: Flask) -> None:
    """The `flask` commands: init-db, demo-data, rich-menu, ..."""

    @app.cli.command("init-db")
    def init_db() -> None:
        """Create or upgrade the database (safe to run again)."""
        db_session.upgrade(runtime.current().engine)
        click.echo("database is up to date")

    from bot import commands

    commands.init_app(app)
