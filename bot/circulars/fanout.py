"""The fan-out job: a circular to every follower, in batches, resumable after a crash.

Each batch of at most 500 followers is planned (Delivery rows) before it is sent, and
marked sent after; a multicast's retry key is derived from the circular, the batch and the
group, so a batch re-sent after a crash is answered 409 by LINE and nobody gets it twice.
A person without a phone (platform "none") gets theirs through their proxy: a push of its own,
keyed by circular and person, that says whom it is for; its buttons answer for that person.
"""
from __future__ import annotations

import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session as OrmSession

from bot import runtime
from bot.circulars import render, subscriptions
from bot.circulars.subscriptions import PROXY
from bot.queue import Job, enqueue_after_commit
from db.models import Circular, Delivery, Resident, Subscription, local_now
from db.session import Session

BATCH_SIZE = 500  # LINE's multicast takes at most 500 user ids
MULTICAST_PER_SECOND = 200  # LINE's rate limit for the multicast endpoint
RETRY_NAMESPACE = uuid.UUID("6f1c1f0e-2b1a-4c55-9d4e-6b7973686f6a")


@dataclass(frozen=True)
class Recipient:
    delivery_id: int
    resident_id: int
    platform: str
    user_id: str
    language: str
    following: bool
    on_behalf: str | None = None  # the represented person's name: this goes to their proxy


class Pacer:
    """Keeps calls under a rate (per worker process)."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self.next_at = 0.0

    def wait(self) -> None:
        """Sleep until the next call is allowed."""
        now = time.monotonic()
        if now < self.next_at:
            time.sleep(self.next_at - now)
        self.next_at = max(now, self.next_at) + self.interval


def retry_key(circular_id: int, *parts: object) -> str:
    """The same key for the same circular, batch and group, however often it is retried."""
    name = ":".join(["circular", str(circular_id), *(str(p) for p in parts)])
    return str(uuid.uuid5(RETRY_NAMESPACE, name))


def send_circular(circular_id: int) -> None:
    """Job: send a launched circular to all followers of its district; safe to run twice."""
    if not _begin(circular_id):
        return
    pacer = Pacer(MULTICAST_PER_SECOND)
    batch = -1
    while (batch := next_batch(circular_id, batch + 1)) is not None:
        send_batch(circular_id, batch, pacer)
    _finish(circular_id)


def _begin(circular_id: int) -> bool:
    with Session.begin() as session:
        circular = session.get(Circular, circular_id)
        if circular is None or circular.status not in ("scheduled", "sending"):
            return False
        circular.status = "sending"
        circular.sent_at = circular.sent_at or local_now()
        return True


def next_batch(circular_id: int, first: int = 0) -> int | None:
    """The first batch from `first` on with residents still to send, else a newly planned one.

    Batches before `first` are done in this run; skipping them keeps each look-up as cheap
    at batch 200 as at batch 1.
    """
    with Session.begin() as session:
        pending = session.scalar(select(func.min(Delivery.batch)).where(
            Delivery.circular_id == circular_id, Delivery.batch >= first,
            Delivery.status == "pending"))
        if pending is not None:
            return pending
        return plan_batch(session, session.get(Circular, circular_id))


def plan_batch(session: OrmSession, circular: Circular) -> int | None:
    """Write Delivery rows for the next followers (keyset on resident id); None when all are planned."""
    # Two look-ups, each served by its own index (one query with both maxima scans every row).
    mine = Delivery.circular_id == circular.id
    last_resident = session.scalar(select(func.max(Delivery.resident_id)).where(mine))
    last_batch = session.scalar(select(func.max(Delivery.batch)).where(mine))
    followers = subscriptions.followers_after(session, circular.district_id, last_resident or 0,
                                              BATCH_SIZE)
    if not followers:
        return None
    batch = 0 if last_batch is None else last_batch + 1
    session.execute(insert(Delivery.__table__), [
        {"circular_id": circular.id, "resident_id": f.resident_id, "batch": batch, "status": "pending"}
        for f in followers])
    return batch


def recipients(session: OrmSession, circular: Circular, batch: int, *conditions) -> list[Recipient]:
    """The pending residents of one batch (or those meeting `conditions`), and whether they
    still follow the district (a represented person: whether their proxy can still get it)."""
    conditions = conditions or (Delivery.status == "pending",)
    proxy = PROXY
    rows = session.execute(
        select(Delivery.id, Resident.id, Resident.platform, Resident.platform_user_id,
               Resident.language, Resident.active, Subscription.active, Resident.district_id,
               Resident.display_name, proxy.platform, proxy.platform_user_id, proxy.language,
               proxy.active)
        .join(Resident, Resident.id == Delivery.resident_id)
        .outerjoin(Subscription, and_(Subscription.resident_id == Resident.id,
                                      Subscription.district_id == circular.district_id))
        .outerjoin(proxy, and_(proxy.id == Resident.proxy_id, Resident.platform == "none"))
        .where(Delivery.circular_id == circular.id, Delivery.batch == batch, *conditions)
        .order_by(Delivery.id))
    return [to_recipient(row, circular.district_id) for row in rows]


def to_recipient(row, district_id: int) -> Recipient:
    """Who reads one delivery: the follower, or for a person without a phone their proxy."""
    (delivery_id, resident_id, platform, user_id, language, active, subscribed, home, name,
     proxy_platform, proxy_user_id, proxy_language, proxy_active) = row
    if platform != "none":
        return Recipient(delivery_id, resident_id, platform, user_id, language,
                         bool(active and subscribed))
    reachable = proxy_platform not in (None, "none") and bool(proxy_active)
    following = bool(active and reachable and (subscribed or home == district_id))
    return Recipient(delivery_id, resident_id, proxy_platform or "none", proxy_user_id or "",
                     proxy_language or language, following, name or "")


def send_batch(circular_id: int, batch: int, pacer: Pacer) -> None:
    """Send one batch: one multicast per platform and language, or one by one; then mark it."""
    with Session() as session:
        circular = session.get(Circular, circular_id)
        people = recipients(session, circular, batch)
        district_name = circular.district.name
        session.expunge(circular)
    _mark(circular, [p for p in people if not p.following], "skipped")
    channels = runtime.current().channels
    for (platform, language), group in group_recipients(people).items():
        messages = render.messages_for(circular, district_name, language)
        channel = channels.get(platform)
        if channel is None:
            _mark(circular, group, "skipped")
            continue
        send_group(channel, circular.id, (batch, platform, language), group, messages, pacer)
        _mark(circular, group, "sent")
    sent = send_on_behalf(channels, circular, district_name, represented(people), ("proxy",))
    _mark(circular, sent, "sent")
    _mark(circular, [p for p in represented(people) if p not in sent], "skipped")


def group_recipients(people: list[Recipient]) -> dict[tuple[str, str], list[Recipient]]:
    """Followers grouped by platform and language (one multicast each); not the represented."""
    groups: dict[tuple[str, str], list[Recipient]] = defaultdict(list)
    for person in people:
        if person.following and person.on_behalf is None:
            groups[(person.platform, person.language)].append(person)
    return dict(groups)


def represented(people: list[Recipient]) -> list[Recipient]:
    """The people without a phone among them whose proxy can get it."""
    return [p for p in people if p.following and p.on_behalf is not None]


def send_on_behalf(channels: dict, circular: Circular, district_name: str, people: list[Recipient],
                   key: tuple, *, reminder: bool = False) -> list[Recipient]:
    """A push to each proxy saying whom it is for, keyed by circular and person; those sent."""
    sent = []
    for person in people:
        channel = channels.get(person.platform)
        if channel is None:
            continue
        messages = render.on_behalf(circular, district_name, person.language, person.on_behalf,
                                    person.resident_id, reminder=reminder)
        channel.send(person.user_id, messages, reply_token=None,
                     retry_key=retry_key(circular.id, *key, "resident", person.resident_id))
        sent.append(person)
    return sent


def multicasts(channel) -> bool:
    """Whether a channel sends to many at once (LINE); others get one message each."""
    return channel.multicasts_natively


def send_group(channel, circular_id: int, key: tuple, group: list[Recipient], messages: list,
               pacer: Pacer) -> None:
    """One multicast for the group (LINE), else one push each; every call keyed for retries."""
    if multicasts(channel):
        pacer.wait()
        channel.multicast([p.user_id for p in group], messages, retry_key=retry_key(circular_id, *key))
        return
    for person in group:
        channel.send(person.user_id, messages, reply_token=None,
                     retry_key=retry_key(circular_id, *key, "resident", person.resident_id))


def _mark(circular: Circular, group: list[Recipient], status: str) -> None:
    if not group:
        return
    now = local_now()
    ids = [p.delivery_id for p in group]
    with Session.begin() as session:
        session.execute(update(Delivery).where(Delivery.id.in_(ids), Delivery.status == "pending")
                        .values(status=status, sent_at=now if status == "sent" else None))
        if status == "sent":  # a proxy answers for someone by button, never in words
            render.ask_reply(session, circular,
                             [p.resident_id for p in group if p.on_behalf is None], now)


def _finish(circular_id: int) -> None:
    with Session.begin() as session:
        circular = session.get(Circular, circular_id)
        if circular.status != "sending":
            return
        circular.status = "sent"
        if circular.kind == "safety_check" and circular.remind_after_minutes:
            enqueue_after_commit(session, Job.REMIND_SAFETY, circular.id,
                                 delay=timedelta(minutes=circular.remind_after_minutes),
                                 job_id=f"safety-remind-{circular.id}")
