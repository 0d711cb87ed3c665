"""The worker loads the job code and the tagger once, before it forks the child that runs jobs.

A real `python worker.py --burst` (with -X importtime, which prints every module a process imports
for the first time) answers a resident's message through the fake LINE API: the child that runs
the job imports none of our modules, nor fugashi or the dictionary, since the worker had them
before it forked; and the preload itself leaves the tagger made.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bot import inbound, wiring
from bot.config import Config
from bot.queue import Job
from db.session import Session, make_engine, upgrade

ROOT = Path(__file__).resolve().parents[2]
OURS = re.compile(r"\|\s+(bot|db|fugashi|unidic_lite|unidic)(\.|$)", re.MULTILINE)


def text_event(user: str, text: str) -> dict:
    return {
        "type": "message",
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "webhookEventId": str(uuid.uuid4()),
        "deliveryContext": {"isRedelivery": False},
        "source": {"type": "user", "userId": user},
        "replyToken": uuid.uuid4().hex,
        "message": {"type": "text", "id": str(uuid.uuid4().int)[:16], "quoteToken": uuid.uuid4().hex, "text": text},
    }


def worker_env(database_url: str, redis_url: str, line_api) -> dict[str, str]:
    """The environment of a `python worker.py` on these servers and the fake LINE API."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LINE_CHANNEL_SECRET": "test-channel-secret",
        "LINE_CHANNEL_ACCESS_TOKEN": "test-token",
        "LINE_API_HOST": line_api.url,
        "LINE_API_DATA_HOST": line_api.data_url,
        "PYTHONPATH": str(ROOT),
    }


def on_sqlite(tmp_path, redis_url: str, line_api) -> tuple[dict[str, str], Any]:
    """A worker's environment on a SQLite file of the test's own, and this process's runtime on it."""
    database_url = f"sqlite:///{tmp_path / 'kyojo.sqlite'}"
    env = worker_env(database_url, redis_url, line_api)
    engine = make_engine(database_url)
    upgrade(engine)
    rt = wiring.start(Config.from_env(env), engine=engine)
    Session.configure(bind=engine)
    return env, rt


def test_the_job_runner_imports_nothing_of_ours_and_the_message_is_answered(tmp_path, redis_url, redis, line_api):
    env, rt = on_sqlite(tmp_path, redis_url, line_api)
    user = "U" + uuid.uuid4().hex
    event = text_event(user, "使い方を教えて")
    with Session.begin() as session:
        [event_id] = inbound.store(session, "line", [(event["webhookEventId"], "message", event)], rt.clock.now())
    rt.jobs.enqueue(Job.PROCESS_EVENT, event_id)

    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(ROOT / "worker.py"), "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = done.stderr
    assert done.returncode == 0, log[-3000:]
    started = log.index(f"{Job.PROCESS_EVENT.value}({event_id})")
    assert OURS.search(log[:started]), "the worker itself imported our code (-X importtime works)"
    assert OURS.findall(log[started:]) == []  # the job runner found everything loaded
    replies = line_api.delivered("/v2/bot/message/reply")
    assert len(replies) == 1 and replies[0].json["replyToken"] == event["replyToken"]


def test_preload_makes_the_tagger_before_any_job(tmp_path):
    import worker
    from bot.nlp import tagger
    from bot.nlp.classify import analyse

    tagger.get_tagger.cache_clear()
    analyse.cache_clear()  # as in a new worker: an earlier test's reading of the sentence is not kept
    worker.preload(make_engine(f"sqlite:///{tmp_path / 'kyojo.sqlite'}"))
    assert tagger.get_tagger.cache_info().currsize == 1
    assert all(job.value.rpartition(".")[0] in sys.modules for job in Job)
