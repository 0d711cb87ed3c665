"""On SQLite (what `make run` uses, jobs on two threads), two jobs that reach the same row at once
take turns, as row locks make them on PostgreSQL: a message is sent once, not twice."""

from __future__ import annotations

import threading
import time

import pytest

from bot import outbox as outboxes
from bot.clock import Clock
from bot.events import Outbox, Text
from db.models import Base
from db.session import Session, make_engine
from tests import factories


class SlowChannel:
    """Counts every send, however it is keyed (a reply by token has no retry key on LINE)."""

    platform = "fake"

    def __init__(self) -> None:
        self.sends: list[str] = []

    def send(self, user_id, messages, *, reply_token, retry_key) -> None:
        time.sleep(0.3)  # a slow platform: the other job arrives meanwhile
        self.sends.append(retry_key)


@pytest.fixture
def sqlite_file(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'kyojo.db'}")
    Base.metadata.create_all(engine)
    before = Session.kw.get("bind")
    Session.configure(bind=engine)
    yield engine
    Session.configure(bind=before)
    engine.dispose()


def test_two_jobs_sending_the_same_message_at_once_send_it_once(sqlite_file):
    with Session.begin() as session:
        person = factories.resident(session, user_id="U1")
        box = Outbox()
        box.to(person.id, Text("お願いを出しました。"))
        ids = outboxes.store(session, box)
    channel = SlowChannel()
    jobs = [
        threading.Thread(
            target=outboxes.deliver, args=({"fake": channel}, ids, Clock().now()), kwargs={"retry_job": False}
        )
        for _ in range(2)
    ]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()
    assert len(channel.sends) == 1
