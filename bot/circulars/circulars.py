"""Circulars and safety checks: drafting, the quota cost, launching, progress."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.channel import Channel, Channels
from bot.circulars import deliveries, subscriptions
from bot.queue import Job, enqueue_after_commit
from bot.errors import ChannelError, KyojoError
from db.models import Circular, Delivery, Resident

log = logging.getLogger(__name__)

START_WITHIN = timedelta(seconds=20)  # a launched fan-out job starts by then, or it was lost
# Warn when a sending would leave less than this share of the month's quota.
WARN_SHARE = 0.1


class QuotaExceededError(KyojoError):
    """Sending would use more LINE messages than the month has left."""


@dataclass(frozen=True)
class Draft:
    """What an admin wants to send."""

    district_id: int
    title: str
    body: str = ""
    image_url: str | None = None
    needs_confirmation: bool = False
    translations: dict = field(default_factory=dict)
    scheduled_at: datetime | None = None
    kind: str = "circular"
    remind_after_minutes: int | None = None


@dataclass(frozen=True)
class Cost:
    """LINE messages a sending uses against the month's quota."""

    messages: int
    limit: int | None
    used: int

    @property
    def left(self) -> int | None:
        """Messages left this month before the sending; None when LINE sets no limit."""
        return None if self.limit is None else max(self.limit - self.used, 0)

    @property
    def verdict(self) -> str:
        """ "ok", "warn" (little left afterwards) or "stop" (it would not fit)."""
        if self.limit is None:
            return "ok"
        after = max(self.limit - self.used, 0) - self.messages  # what is left afterwards
        if after < 0:
            return "stop"
        return "warn" if after < self.limit * WARN_SHARE else "ok"


def draft(session: Session, author_id: int, spec: Draft) -> Circular:
    """A circular drafted by an admin of its district (NotAllowedError otherwise)."""
    subscriptions.require_admin(session, author_id, spec.district_id)
    circular = Circular(
        district_id=spec.district_id,
        author_id=author_id,
        kind=spec.kind,
        title=spec.title,
        body=spec.body,
        image_url=spec.image_url,
        needs_confirmation=spec.needs_confirmation,
        translations=spec.translations,
        scheduled_at=spec.scheduled_at,
        remind_after_minutes=spec.remind_after_minutes,
    )
    session.add(circular)
    session.flush()
    return circular


def cost(session: Session, district_id: int, channels: Channels) -> Cost:
    """What sending to this district now would use of the month's quota: of the platform whose
    quota it would strain most when several count messages; the followers of every platform when
    none does (Slack counts none)."""
    counts = subscriptions.follower_counts_by_platform(session, district_id)
    costs = [
        Cost(count, *_quota(channel))
        for platform, count in counts.items()
        if (channel := channels.get(platform)) is not None  # without a channel nobody there is sent anything
    ]
    metered = [c for c in costs if c.limit is not None]
    if not metered:
        return Cost(sum(c.messages for c in costs), None, 0)
    return min(metered, key=lambda c: (c.left or 0) - c.messages)


def _quota(channel: Channel) -> tuple[int | None, int]:
    """The channel's quota; unknown (no limit we can check) when the platform does not answer."""
    try:
        return channel.quota()
    except ChannelError:
        log.warning("quota of %s unavailable: sending without a quota check", channel.platform, exc_info=True)
        return None, 0


def launch(session: Session, circular: Circular, actor_id: int, now: datetime, channels: Channels) -> Cost:
    """Check the admin and the quota (of `channels`), then send now or at the scheduled time (after commit)."""
    subscriptions.require_admin(session, actor_id, circular.district_id)
    price = cost(session, circular.district_id, channels)
    if circular.status != "draft":  # pressed twice: launched already
        return price
    if price.verdict == "stop":
        raise QuotaExceededError(f"circular {circular.id}: {price.messages} messages, {price.left} left")
    delay = circular.scheduled_at - now if circular.scheduled_at and circular.scheduled_at > now else None
    circular.status = "scheduled" if delay else "sending"
    circular.lease_until = None if delay else now + START_WITHIN  # else bot.reconcile re-drives it
    enqueue_after_commit(session, Job.SEND_CIRCULAR, circular.id, delay=delay, job_id=f"circular-{circular.id}")
    return price


def cancel(session: Session, circular: Circular, actor_id: int) -> bool:
    """Cancel a draft or scheduled circular; False once sending has begun."""
    subscriptions.require_admin(session, actor_id, circular.district_id)
    if circular.status not in ("draft", "scheduled"):
        return False
    circular.status = "cancelled"
    return True


def recent(session: Session, district_ids: list[int], limit: int = 5) -> list[Circular]:
    """The latest circulars sent to these districts, newest first."""
    if not district_ids:
        return []
    return list(
        session.scalars(
            select(Circular)
            .where(
                Circular.district_id.in_(district_ids),
                Circular.kind == "circular",
                Circular.status.in_(("sending", "sent")),
            )
            .order_by(Circular.sent_at.desc(), Circular.id.desc())
            .limit(limit)
        )
    )


def latest(session: Session, district_ids: list[int], kind: str) -> Circular | None:
    """The latest launched circular or safety check of these districts."""
    return session.scalar(
        select(Circular)
        .where(Circular.district_id.in_(district_ids), Circular.kind == kind, Circular.status.in_(("sending", "sent")))
        .order_by(Circular.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Progress:
    """How a circular is doing: counts a district admin reads."""

    total: int
    sent: int
    skipped: int
    confirmed: int
    safe: int
    need_help: int

    @property
    def no_answer(self) -> int:
        """People sent this safety check who have not answered it yet."""
        return self.sent - self.safe - self.need_help

    def counts(self) -> dict[str, int]:
        """Every count by name, for the admin's status line."""
        return {
            "sent": self.sent,
            "confirmed": self.confirmed,
            "unconfirmed": self.sent - self.confirmed,
            "safe": self.safe,
            "need_help": self.need_help,
            "no_answer": self.no_answer,
        }


def progress(session: Session, circular_id: int) -> Progress:
    """Sent, confirmed as read, and answered counts; read and safe are never mixed."""
    total, sent, skipped = deliveries.counts(session, circular_id)
    row = session.execute(
        select(
            func.count(Delivery.confirmed_at),
            func.count().filter(Delivery.answer == "safe"),
            func.count().filter(Delivery.answer == "need_help"),
        ).where(Delivery.circular_id == circular_id)
    ).one()
    return Progress(total, sent, skipped, *row)


def silent(session: Session, circular_id: int, column: str, limit: int = 50) -> list[Resident]:
    """Residents who got it but have not confirmed ("confirmed_at") or answered ("answer")."""
    done = deliveries.done_by(session, circular_id, getattr(Delivery, column).is_not(None))
    ids: list[int] = []
    for batch in deliveries.sent_batches(session, circular_id):
        ids += [r for r in deliveries.reached_ids(batch) if r not in done][: limit - len(ids)]
        if len(ids) >= limit:
            break
    return list(session.scalars(select(Resident).where(Resident.id.in_(ids)).order_by(Resident.id))) if ids else []


def delivery(session: Session, circular_id: int, resident_id: int) -> Delivery | None:
    """One resident's delivery of a circular (None when it was not for them)."""
    return deliveries.delivery(session, circular_id, resident_id)


def confirm(session: Session, circular_id: int, resident_id: int, now: datetime) -> bool:
    """Record that a resident read a circular; False when there is nothing to confirm."""
    row = delivery(session, circular_id, resident_id)
    if row is None:
        return False
    if row.confirmed_at is None:
        row.confirmed_at = now
    return True
