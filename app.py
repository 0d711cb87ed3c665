"""The web process: webhooks, the admin pages and (in development) the local chat page."""

from __future__ import annotations

import logging
from datetime import datetime

import click
from flask import Flask, abort, g, request
from redis.exceptions import RedisError
from sqlalchemy import Engine, delete
from werkzeug.exceptions import RequestEntityTooLarge

from bot import clock, inbound, reconcile, runtime, wiring
from bot.config import Config
from bot.errors import PayloadError, SignatureError
from bot.queue import Job, event_job_id
from db import session as db_session
from db.models import InboundEvent

log = logging.getLogger("kyojo.webhook")

MAX_BODY_BYTES = 1024 * 1024  # LINE bodies are far smaller; a larger one is refused


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
    """A webhook route for each configured channel, at the path the channel declares."""
    for platform, channel in channels.items():
        app.add_url_rule(channel.webhook_path, f"webhook_{platform}", webhook_view(platform), methods=["POST"])


def webhook_view(platform: str):
    """The view of one platform's webhook."""

    def webhook():
        """Verify, store, enqueue, answer 200 at once; a URL check (handshake) is answered."""
        channel = runtime.current().channels.get(platform)
        if channel is None:
            abort(404)
        answer = receive(platform, channel.signature(request.headers))
        return channel.handshake(request.get_data()) or answer

    return webhook


def receive(platform: str, signature: str):
    """Hand a webhook body to its channel, store new events once, enqueue them."""
    rt = runtime.current()
    body = _webhook_body(platform)
    try:
        events = rt.channels[platform].parse_webhook(body, signature)
    except SignatureError as error:
        log.warning("%s webhook refused: %s (from %s)", platform, error, request.remote_addr)
        abort(400, "bad signature")
    except PayloadError as error:
        log.warning("%s webhook body refused: %s (%d bytes)", platform, error, len(body))
        abort(400, "malformed body")
    now = rt.clock.now()  # when the events came: read once for the whole body
    new_ids = _store(platform, events, now)
    try:
        rt.jobs.enqueue_all(
            Job.PROCESS_EVENT, [(event_id,) for event_id in new_ids], [event_job_id(i) for i in new_ids]
        )
    except RedisError:
        # Forget what could not be queued, so that the platform's redelivery brings it again
        # (events stored by an earlier delivery stay: bot.reconcile re-drives them).
        log.exception("%s webhook: queueing failed, %d events forgotten", platform, len(new_ids))
        with db_session.Session.begin() as session:
            session.execute(
                delete(InboundEvent).where(
                    InboundEvent.id.in_(new_ids),
                    InboundEvent.status == "received",
                    InboundEvent.received_at >= now - inbound.REDRIVE_AFTER,
                )
            )
        abort(503, "try again")
    return "OK"


def _store(platform: str, events: list, now: datetime) -> list[int]:
    """inbound.store, committed before the 200. On PostgreSQL it is one INSERT ... RETURNING in
    autocommit: durable when it returns, without the BEGIN and COMMIT round trips of a transaction
    (the re-drive look-up after it only reads). Elsewhere (SQLite, a test's connection) a transaction."""
    bind = db_session.Session.kw.get("bind")
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        with (
            bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
            db_session.Session(bind=connection) as session,
        ):
            return inbound.store(session, platform, events, now)
    with db_session.Session.begin() as session:
        return inbound.store(session, platform, events, now)


def _webhook_body(platform: str) -> bytes:
    """The raw body; one over MAX_BODY_BYTES is refused (400) before it is read."""
    try:
        return request.get_data(cache=True)  # kept for the channel's handshake
    except RequestEntityTooLarge:
        log.warning(
            "%s webhook body refused: larger than %d bytes (from %s)", platform, MAX_BODY_BYTES, request.remote_addr
        )
        abort(400, "body too large")


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
