"""Fan-out against the recording channel: batches, languages, resuming, skipping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot import jobs
from bot.circulars import circulars, fanout, subscriptions
from bot.errors import ChannelError, NotAllowedError
from db.models import Circular, DeliveryBatch, Resident, local_now
from tests import factories
from tests.circulars.conftest import add_followers, launch


def recipients_of(channel) -> list[str]:
    return [user for users, _, _ in channel.multicasts for user in users]


def test_1234_followers_get_it_in_three_multicasts(session, channel, midori, midori_admin):
    followers = add_followers(session, midori, 1234)
    circular_id = launch(session, midori_admin, midori)
    assert [len(users) for users, _, _ in channel.multicasts] == [500, 500, 234]
    assert sorted(recipients_of(channel)) == sorted(followers)
    assert session.get(Circular, circular_id).status == "sent"
    assert circulars.progress(session, circular_id).sent == 1234


def test_card_shows_district_title_and_confirm_button(session, channel, midori, midori_admin):
    add_followers(session, midori, 2)
    circular_id = launch(
        session, midori_admin, midori, needs_confirmation=True, image_url="https://example.org/map.png"
    )
    card = channel.multicasts[0][1][0]
    assert "緑ケ丘" in card.title and "防災訓練のお知らせ" in card.title
    assert card.image_url == "https://example.org/map.png"
    assert [(b.label, b.data) for b in card.buttons] == [("確認しました", f"circular.confirm:{circular_id}")]


def test_each_language_gets_its_translation(session, channel, midori, midori_admin):
    japanese = add_followers(session, midori, 3)
    english = add_followers(session, midori, 2, language="en")
    launch(
        session, midori_admin, midori, translations={"en": {"title": "Fire drill", "body": "Sunday 9:00 at the hall."}}
    )
    by_title = {messages[0].title: sorted(users) for users, messages, _ in channel.multicasts}
    assert by_title["[緑ケ丘 circular] Fire drill"] == sorted(english)
    assert by_title["【緑ケ丘の回覧板】防災訓練のお知らせ"] == sorted(japanese)


def test_unsubscribed_and_blocked_residents_are_skipped(session, channel, midori, midori_admin):
    add_followers(session, midori, 3)
    gone = factories.resident(session, district=midori, active=False)
    subscriptions.subscribe(session, gone, midori)
    quiet = factories.resident(session, district=midori)
    subscriptions.subscribe(session, quiet, midori)
    subscriptions.unsubscribe(session, quiet, midori)
    launch(session, midori_admin, midori)
    assert len(recipients_of(channel)) == 3
    assert gone.platform_user_id not in recipients_of(channel)


def test_resident_who_leaves_between_batches_is_skipped(session, channel, midori, midori_admin):
    followers = add_followers(session, midori, 3)
    draft = circulars.draft(session, midori_admin.id, circulars.Draft(midori.id, "お知らせ"))
    draft.status = "sending"
    (batch,) = fanout.plan_batches(session, draft, 1)
    leaver = session.scalar(select(DeliveryBatch).where(DeliveryBatch.circular_id == draft.id)).resident_ids[0]
    session.get(Resident, leaver).active = False
    session.commit()
    jobs.send_circular(draft.id)
    assert batch == 0
    assert sorted(recipients_of(channel)) == sorted(followers[1:])
    assert circulars.progress(session, draft.id).skipped == 1


class FailingAfter:
    """The recording channel, failing for good after `ok` multicasts (a worker's bad day)."""

    def __init__(self, channel, ok: int) -> None:
        self.channel, self.ok, self.platform, self.multicasts_natively = channel, ok, "fake", True

    def multicast(self, user_ids, messages, *, retry_key) -> None:
        if self.ok == 0:
            raise ChannelError("LINE is away")
        self.ok -= 1
        self.channel.multicast(user_ids, messages, retry_key=retry_key)

    def quota(self):
        return self.channel.quota()


def test_job_dying_mid_fanout_resumes_without_duplicate_or_skip(session, rt, channel, midori, midori_admin):
    followers = add_followers(session, midori, 1234)
    rt.channels["fake"] = FailingAfter(channel, ok=1)
    with pytest.raises(ChannelError):
        launch(session, midori_admin, midori)
    session.close()  # the eager job raised from inside the commit
    circular_id = session.scalar(select(Circular.id))
    assert len(channel.multicasts) == 1
    rt.channels["fake"] = channel
    jobs.send_circular(circular_id)
    assert sorted(recipients_of(channel)) == sorted(followers)
    assert len(channel.multicasts) == 3


def test_batch_sent_but_not_marked_is_resent_with_the_same_key(session, channel, midori, midori_admin):
    followers = add_followers(session, midori, 600)
    circular_id = launch(session, midori_admin, midori)
    keys = [key for _, _, key in channel.multicasts]
    # The worker died after LINE accepted batch 1 and before it was marked sent.
    session.execute(update(DeliveryBatch).where(DeliveryBatch.number == 1).values(status="pending", sent=0))
    session.get(Circular, circular_id).status = "sending"
    session.commit()
    jobs.send_circular(circular_id)
    assert len(channel.multicasts) == 2  # the retry key made the repeat a no-op
    assert sorted(recipients_of(channel)) == sorted(followers)
    assert fanout.retry_key(circular_id, 1, "fake", "ja") == keys[1]
    assert circulars.progress(session, circular_id).sent == 600


def test_running_the_job_twice_sends_nothing_more(session, channel, midori, midori_admin):
    add_followers(session, midori, 10)
    circular_id = launch(session, midori_admin, midori)
    jobs.send_circular(circular_id)
    assert len(channel.multicasts) == 1


def test_non_admin_may_not_send(session, channel, midori):
    other = factories.district(session, "八幡")
    someone = factories.admin(session, other)
    with pytest.raises(NotAllowedError):
        circulars.draft(session, someone.id, circulars.Draft(midori.id, "偽の回覧板"))


def test_scheduled_circular_waits_for_its_time(session, rt, channel, midori, midori_admin):
    add_followers(session, midori, 5)
    circular_id = launch(session, midori_admin, midori, scheduled_at=local_now() + timedelta(hours=2))
    assert channel.multicasts == []
    assert session.get(Circular, circular_id).status == "scheduled"
    assert rt.jobs.run_delayed() == 1
    assert len(recipients_of(channel)) == 5


def test_cancelled_schedule_sends_nothing(session, rt, channel, midori, midori_admin):
    add_followers(session, midori, 5)
    circular_id = launch(session, midori_admin, midori, scheduled_at=local_now() + timedelta(hours=2))
    assert circulars.cancel(session, session.get(Circular, circular_id), midori_admin.id)
    session.commit()
    rt.jobs.run_delayed()
    assert channel.multicasts == []


def test_cost_counts_against_the_platform_that_has_a_quota_whatever_else_is_configured(session, channel, midori):
    """Slack counts no messages: its followers neither hide LINE's limit nor use it up."""
    from tests.fakes import FakeChannel

    add_followers(session, midori, 100)
    add_followers(session, midori, 30, platform="slack")
    channel.quota_limit, channel.quota_used = 1000, 950
    slack = FakeChannel()
    for channels in ({"fake": channel, "slack": slack}, {"slack": slack, "fake": channel}):
        price = circulars.cost(session, midori.id, channels)
        assert (price.messages, price.left, price.verdict) == (100, 50, "stop")
    channel.quota_used = 0
    assert circulars.cost(session, midori.id, {"fake": channel, "slack": slack}).messages == 100


def test_cost_warns_and_stops_against_the_quota(session, channel, midori, midori_admin):
    add_followers(session, midori, 100)
    channel.quota_limit, channel.quota_used = 1000, 850
    assert circulars.cost(session, midori.id, {"fake": channel}).verdict == "warn"
    channel.quota_used = 950
    price = circulars.cost(session, midori.id, {"fake": channel})
    assert (price.messages, price.left, price.verdict) == (100, 50, "stop")
    with pytest.raises(circulars.QuotaExceededError):
        launch(session, midori_admin, midori)
    assert channel.multicasts == []
