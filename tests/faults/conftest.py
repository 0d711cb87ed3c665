"""The fault suite shares the LINE channel's fixtures: the app on the fake LINE API, signed posts."""
from __future__ import annotations

from app import create_app
from bot import wiring
from db.session import Session
from tests.channels.conftest import line_app, post  # noqa: F401  (fixtures)


def app_on_redis(line_config, redis_url: str, engine, bind):
    """The app with jobs on a real Redis, on the test's database (call after the `rt` fixture)."""
    config = line_config.with_(jobs_mode="rq", redis_url=redis_url)
    app = create_app(config)
    app.extensions["kyojo"] = wiring.start(config, engine=engine)
    Session.configure(bind=bind)
    return app
