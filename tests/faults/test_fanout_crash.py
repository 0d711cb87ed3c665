"""A worker killed in the middle of a fan-out to 5,000: its lease runs out, the next reconciler pass
hands the rest to another worker, well within 30 s of the kill; nobody gets it twice, nobody is skipped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import jobs
from bot import reconcile
from bot.circulars import circulars, fanout
from db.models import Circular, local_now
from tests import factories
from tests.circulars.conftest import add_followers, launch
from tests.fakes import StoppedClock

FOLLOWERS = 5000
RECOVERY_LIMIT = timedelta(seconds=30)


class WorkerKilled(BaseException):
    """As SIGKILL: none of the job's `except Exception` runs, its lease is left behind."""


class DyingAfter:
    """The recording channel; the worker dies right after LINE took its `ok + 1`th multicast."""

    def __init__(self, channel, ok: int) -> None:
        self.channel, self.ok, self.platform, self.multicasts_natively = channel, ok, "fake", True

    def multicast(self, user_ids, messages, *, retry_key) -> None:
        self.channel.multicast(user_ids, messages, retry_key=retry_key)
        if self.ok == 0:
            raise WorkerKilled()  # LINE has it; the batch is not marked sent
        self.ok -= 1

    def quota(self):
        return self.channel.quota()


def recipients(channel) -> list[str]:
    return [user for users, _, _ in channel.multicasts for user in users]


def test_a_fanout_whose_worker_died_resumes_within_30_s_none_doubled_none_skipped(session, rt, channel):
    midori = factories.district(session, "緑ケ丘")
    admin = factories.admin(session, midori)
    followers = add_followers(session, midori, FOLLOWERS)
    rt.channels["fake"] = DyingAfter(channel, ok=3)
    with pytest.raises(WorkerKilled):
        launch(session, admin, midori)
    killed_at = local_now()
    session.close()  # the eager job died inside the commit
    circular = session.scalar(select(Circular))
    assert circular.status == "sending" and len(channel.multicasts) == 4

    # The recovery deadline: the lease runs out, then the next pass (every EVERY_SECONDS) finds it.
    resumed_by = circular.lease_until + timedelta(seconds=reconcile.EVERY_SECONDS)
    assert resumed_by - killed_at <= RECOVERY_LIMIT
    rt.channels["fake"] = channel  # another worker, on a good day
    assert reconcile.reconcile(circular.lease_until - timedelta(seconds=1)).total == 0  # not while alive
    jobs.send_circular(circular.id)  # a stray retry meanwhile leaves it alone too
    assert len(channel.multicasts) == 4

    later = circular.lease_until + timedelta(seconds=1)
    rt.clock = StoppedClock(later)  # the clock of the worker taking over
    assert reconcile.reconcile(later).jobs == {"bot.jobs.send_circular": 1}
    session.expire_all()
    assert sorted(recipients(channel)) == sorted(followers)  # every follower once
    assert len(channel.multicasts) == FOLLOWERS // fanout.BATCH_SIZE
    assert circulars.progress(session, circular.id).sent == FOLLOWERS
    assert session.get(Circular, circular.id).status == "sent"
