"""A fresh little town for each simulated conversation: districts, helpers of every kind, admins."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from bot import wiring
from bot.config import Config
from bot.nlp import CATEGORIES
from db.models import Base
from db.session import Session, make_engine
from tests import factories
from tests.conftest import Chat
from tests.fakes import FakeChannel

DISTRICTS = ("緑ケ丘", "八幡", "黒崎", "小倉")
# The readings the city registers with each district (the dictionary reads 小倉 オグラ, 八幡 ハチマン).
READINGS = {"緑ケ丘": "ミドリガオカ", "八幡": "ヤハタ", "黒崎": "クロサキ", "小倉": "コクラ"}


@dataclass
class World:
    """The chat to talk through, and who lives where."""

    chat: Chat
    channel: FakeChannel
    helpers: dict[tuple[str, str], str]  # (district, kind) -> helper user id
    admins: dict[str, str]  # district -> admin user id
    platform: str = "fake"  # the residents' platform ("line" in the LINE world)

    def helper_of(self, user_id: str) -> tuple[str, str] | None:
        """The (district, kind) a helper serves."""
        return next((key for key, uid in self.helpers.items() if uid == user_id), None)


@contextmanager
def world():
    """A new SQLite database, the jobs run at once, a recording channel; torn down after."""
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    config = Config(
        database_url="sqlite://",
        jobs_mode="eager",
        line_channel_secret="s",
        line_channel_access_token="t",
        line_api_host="http://127.0.0.1:9",
        line_api_data_host="http://127.0.0.1:9",
    )
    started = wiring.start(config, engine=engine)
    channel = FakeChannel()
    started.channels["fake"] = channel
    with Session() as session:
        helpers, admins = _people(session)
        session.commit()
        yield World(Chat(channel, session), channel, helpers, admins)
    engine.dispose()


@contextmanager
def line_world():
    """The same town on LINE: signed webhook bodies posted to /callback, jobs run at once, answers
    sent by the real line-bot-sdk to the fake LINE API; what the town reads is what LINE received."""
    from app import create_app
    from tests.conversations.line_chat import LineChat, LineRecord, fake_line_api

    api = fake_line_api()
    api.reset()
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    config = Config(
        database_url="sqlite://",
        jobs_mode="eager",
        line_channel_secret="line-secret",
        line_channel_access_token="line-token",
        line_api_host=api.url,
        line_api_data_host=api.data_url,
        extra={"line_retry_base_seconds": 0.01},
    )
    app = create_app(config)
    app.extensions["kyojo"] = wiring.start(config, engine=engine)
    record = LineRecord(api)
    with Session() as session:
        helpers, admins = _people(session, platform="line")
        session.commit()
        chat = LineChat(app.test_client(), record, session, config.line_channel_secret or "")
        yield World(chat, record, helpers, admins, platform="line")  # type: ignore[arg-type]
    engine.dispose()


def _people(session, platform: str = "fake") -> tuple[dict, dict]:
    helpers, admins = {}, {}
    for d, name in enumerate(DISTRICTS):
        city = "荒尾市" if name in ("緑ケ丘", "八幡") else "北九州市"
        district = factories.district(session, name, city=city, reading=READINGS[name])
        admins[name] = f"ADMIN{d}"
        factories.admin(session, district, platform=platform, user_id=admins[name], display_name=f"{name}の担当")
        for k, kind in enumerate(CATEGORIES):
            user_id = f"H{d}{k}"
            factories.helper(
                session,
                platform=platform,
                user_id=user_id,
                skills=[kind],
                district=district,
                display_name=f"{name}{kind}の人",
            )
            helpers[(name, kind)] = user_id
    return helpers, admins
