"""The chat through LINE for the conversation tests: signed webhook bodies posted to /callback, the
event stored and its job run, the answers sent by line-bot-sdk to the fake LINE API and read back
as the project's messages (a text with its quick replies, a buttons template, a Flex card)."""

import pytest

from app import create_app
from bot import wiring
from db.session import Session
from tests.conversations.line_chat import LineChat, LineRecord
from tests.handlers.line_talk import SECRET


@pytest.fixture
def line_chat(rt, line_config, line_api, engine, bind, session) -> LineChat:
    """Talk as LINE users (residents made with platform="line"). The jobs run in the process as
    each event is stored (the same jobs RQ runs; tests/handlers/line_talk.py drives RQ itself)."""
    app = create_app(line_config)
    app.extensions["kyojo"] = wiring.start(line_config, engine=engine)
    Session.configure(bind=bind)
    return LineChat(app.test_client(), LineRecord(line_api), session, SECRET)


@pytest.fixture
def line_chat_rq(rt, line_config, line_api, redis, redis_url, engine, bind, session) -> LineChat:
    """The same chat with the jobs on RQ and a real Redis: after each post, a worker runs what is
    queued now (what is scheduled for later waits, as it would)."""
    from tests.handlers.line_talk import drain

    config = line_config.with_(jobs_mode="rq", redis_url=redis_url)
    app = create_app(config)
    app.extensions["kyojo"] = wiring.start(config, engine=engine)
    Session.configure(bind=bind)
    return LineChat(app.test_client(), LineRecord(line_api), session, SECRET, settle=lambda: drain(redis))
