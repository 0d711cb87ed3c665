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


@dataclass
class World:
    """The chat to talk through, and who lives where."""

    chat: Chat
    channel: FakeChannel
    helpers: dict[tuple[str, str], str]  # (district, kind) -> helper user id
    admins: dict[str, str]  # district -> admin user id

    def helper_of(self, user_id: str) -> tuple[str, str] | None:
        """The (district, kind) a helper serves."""
        return next((key for key, uid in self.helpers.items() if uid == user_id), None)


@contextmanager
def world():
    """A new SQLite database, the jobs run at once, a recording channel; torn down after."""
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    config = Config(database_url="sqlite://", jobs_mode="eager", line_channel_secret="s",
                    line_channel_access_token="t", line_api_host="http://127.0.0.1:9",
                    line_api_data_host="http://127.0.0.1:9")
    started = wiring.start(config, engine=engine)
    channel = FakeChannel()
    started.channels["fake"] = channel
    with Session() as session:
        helpers, admins = _people(session)
        session.commit()
        yield World(Chat(channel, session), channel, helpers, admins)
    engine.dispose()


def _people(session) -> tuple[dict, dict]:
    helpers, admins = {}, {}
    for d, name in enumerate(DISTRICTS):
        city = "荒尾市" if name in ("緑ケ丘", "八幡") else "北九州市"
        district = factories.district(session, name, city=city)
        admins[name] = f"ADMIN{d}"
        factories.admin(session, district, user_id=admins[name], display_name=f"{name}の担当")
        for k, kind in enumerate(CATEGORIES):
            user_id = f"H{d}{k}"
            factories.helper(session, user_id=user_id, skills=[kind], district=district,
                             display_name=f"{name}{kind}の人")
            helpers[(name, kind)] = user_id
    return helpers, admins
