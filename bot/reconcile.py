"""The reconciler: Redis holds no truth, so whatever it lost, or a crash left behind, is re-driven
from the database.

Each pass enqueues again the jobs for events still `received`, outbound messages still `pending`
and due, offers past their deadline, requests never offered, circulars due or abandoned mid
fan-out (their lease ran out), questions past their timeout whose person was not yet told,
safety checks whose reminder is due but was never sent, searches for someone missing whose card
has not reached everyone, and districts whose menus do not show their (disaster) mode yet. Every
one of those jobs is safe to run twice, so a pass is safe to run twice, and several workers may run
passes at once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot import runtime
from bot.circulars import deliveries
from bot.queue import Job, Jobs, event_job_id
from db.models import (
    Circular,
    Conversation,
    Delivery,
    District,
    HelpRequest,
    InboundEvent,
    Offer,
    OutboundMessage,
    Search,
)

log = logging.getLogger(__name__)

# A job enqueued normally starts well within this; older work was lost (Redis) or abandoned.
GRACE = timedelta(seconds=20)
EVERY_SECONDS = 10  # how often the worker runs a pass
BATCH = 200  # outbound rows per delivery job
PASS_KEY = "kyojo:reconcile:asked"


@dataclass
class Pass:
    """What one pass re-drove: job name -> how many jobs."""

    runner: Jobs
    jobs: dict[str, int] = field(default_factory=dict)

    def add(self, job: Job, *args, job_id: str | None = None) -> None:
        """Enqueue a job and count it (by its dotted name)."""
        self.runner.enqueue(job, *args, job_id=job_id)
        self.jobs[str(job)] = self.jobs.get(str(job), 0) + 1

    @property
    def total(self) -> int:
        """How many jobs the pass enqueued."""
        return sum(self.jobs.values())


def reconcile(now: datetime | None = None) -> Pass:
    """One pass: enqueue again what the database says is unfinished, as of `now` (a test's
    clock; by default the runtime's)."""
    from db.session import Session as SessionFactory

    started = runtime.current()
    now = now or started.clock.now()
    timeout = timedelta(minutes=started.config.offer_timeout_minutes)
    with SessionFactory() as session:
        lost = lost_events(session, now)
        work: list[tuple[Job, tuple]] = [(Job.REDELIVER, (ids, now.isoformat())) for ids in due_outbound(session, now)]
        work += [(Job.OFFER_REQUEST, (i,)) for i in unoffered(session, now)]
        work += [(Job.OFFER_TIMEOUT, args) for args in overdue_rounds(session, now, timeout)]
        work += [(Job.SEND_CIRCULAR, (i,)) for i in stalled_circulars(session, now)]
        work += [(Job.EXPIRE_QUESTION, args) for args in expired_questions(session, now)]
        work += [(Job.REMIND_SAFETY, (i,)) for i in unsent_reminders(session, now)]
        work += [(Job.SEARCH_FAN_OUT, (i,)) for i in unsent_searches(session, now)]
        work += [(Job.SWITCH_MENUS, (i,)) for i in unswitched_menus(session)]
    done = Pass(started.jobs)
    # An event whose job still waits behind a burst is not lost: queued again, it would be
    # handled twice over and lengthen the very queue that delays it. Its job is its group's
    # (named in its row), or one of its own (queued by a pass before, or by its group's job).
    waiting = started.jobs.waiting(sorted({job for _, job in lost if job} | {event_job_id(i) for i, _ in lost}))
    for event_id, job in lost:
        if job not in waiting and event_job_id(event_id) not in waiting:
            done.add(Job.PROCESS_EVENT, event_id, job_id=event_job_id(event_id))
    for name, args in work:
        done.add(name, *args)
    if done.total:
        log.info("reconciler re-drove %s", done.jobs)
    return done


def lost_events(session: Session, now: datetime) -> list[tuple[int, str | None]]:
    """Stored events long unhandled, with the job their webhook group queued: that job was lost
    (or its worker died), or it still waits behind a burst."""
    found = session.execute(
        select(InboundEvent.id, InboundEvent.job_id)
        .where(InboundEvent.status == "received", InboundEvent.received_at < now - GRACE)
        .order_by(InboundEvent.id)
    )
    return [(event_id, job) for event_id, job in found]


def due_outbound(session: Session, now: datetime) -> list[list[int]]:
    """Messages still to send, in batches: never tried and old, or whose next try is due."""
    ids = list(
        session.scalars(
            select(OutboundMessage.id)
            .where(
                OutboundMessage.status == "pending",
                or_(
                    OutboundMessage.next_attempt_at <= now,
                    (OutboundMessage.next_attempt_at.is_(None)) & (OutboundMessage.created_at < now - GRACE),
                ),
            )
            .order_by(OutboundMessage.id)
        )
    )
    return [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]


def unoffered(session: Session, now: datetime) -> list[int]:
    """Open requests whose first round of offers never went out."""
    return list(
        session.scalars(
            select(HelpRequest.id).where(
                HelpRequest.status == "open", HelpRequest.offer_round == 0, HelpRequest.created_at < now - GRACE
            )
        )
    )


def overdue_rounds(session: Session, now: datetime, timeout: timedelta) -> list[tuple[int, int]]:
    """(request, round) of open requests whose current round is over: past its `timeout`, or
    answered by every helper it went to, and nothing moved it on."""
    rounds = session.execute(
        select(
            HelpRequest.id,
            HelpRequest.offer_round,
            func.max(Offer.sent_at),
            func.max(Offer.answered_at),
            func.count(Offer.id).filter(Offer.status == "sent"),
        )
        .join(Offer, (Offer.request_id == HelpRequest.id) & (Offer.round == HelpRequest.offer_round))
        .where(HelpRequest.status == "open", HelpRequest.offer_round > 0)
        .group_by(HelpRequest.id, HelpRequest.offer_round)
    )
    return [
        (request_id, round)
        for request_id, round, sent, answered, waiting in rounds
        if sent < now - timeout - GRACE or (waiting == 0 and answered is not None and answered < now - GRACE)
    ]


def stalled_circulars(session: Session, now: datetime) -> list[int]:
    """Circulars due to go out whose fan-out is not running: never started, or its lease ran out."""
    return list(
        session.scalars(
            select(Circular.id).where(
                or_(
                    (Circular.status == "scheduled") & (Circular.scheduled_at < now - GRACE),
                    (Circular.status == "sending") & or_(Circular.lease_until.is_(None), Circular.lease_until < now),
                )
            )
        )
    )


def expired_questions(session: Session, now: datetime) -> list[tuple[int, str, str]]:
    """(resident, state, expiry) of questions past their timeout whose person is still to be told."""
    rows = session.execute(
        select(Conversation.resident_id, Conversation.state, Conversation.expires_at).where(
            Conversation.tell_when_expired.is_(True), Conversation.expires_at < now - GRACE
        )
    )
    # (expires_at is never None here: the query compares it)
    return [
        (resident_id, state, expires_at.isoformat())
        for resident_id, state, expires_at in rows
        if expires_at is not None
    ]


REMINDERS_LOOK_BACK = timedelta(days=2)  # a reminder later than that would be no help


def unsent_reminders(session: Session, now: datetime) -> list[int]:
    """Safety checks sent, whose reminder is due and some follower, silent, still not reminded."""
    spoken = (
        select(func.count())
        .where(
            Delivery.circular_id == Circular.id,
            or_(Delivery.answer.is_not(None), Delivery.reminded_at.is_not(None)),
        )
        .scalar_subquery()
    )
    silent = deliveries.sent_count(Circular.id) > spoken  # reached more than answered or were reminded
    due = session.execute(
        select(Circular.id, Circular.sent_at, Circular.remind_after_minutes).where(
            Circular.kind == "safety_check",
            Circular.status == "sent",
            Circular.remind_after_minutes.is_not(None),
            Circular.sent_at > now - REMINDERS_LOOK_BACK,
            silent,
        )
    )
    # (sent_at and minutes are never None here: the query compares them)
    return [
        circular_id
        for circular_id, sent_at, minutes in due
        if sent_at is not None and minutes is not None and sent_at + timedelta(minutes=minutes) < now - GRACE
    ]


def unsent_searches(session: Session, now: datetime) -> list[int]:
    """Searches for someone missing, sent out, whose card has not reached everyone yet."""
    return list(
        session.scalars(
            select(Search.id).where(Search.status == "open", Search.sent_at.is_(None), Search.created_at < now - GRACE)
        )
    )


def unswitched_menus(session: Session) -> list[int]:
    """Districts whose people's menus do not yet show the district's mode (disaster or not)."""
    return list(
        session.scalars(select(District.id).where(District.menus_disaster.is_distinct_from(District.disaster_mode)))
    )


def run_pass(at: str | None = None) -> dict[str, int]:
    """Job: one pass (what the worker's timer enqueues; `at` is a test's clock); what it re-drove."""
    return reconcile(datetime.fromisoformat(at) if at else None).jobs


def ask_for_pass(jobs, every: float = EVERY_SECONDS) -> bool:
    """Enqueue a pass, unless another worker asked within the interval (a key on Redis that
    expires with it); False when Redis is away (the next tick asks again)."""
    try:
        if jobs.mode == "rq" and not jobs.redis.set(PASS_KEY, 1, nx=True, ex=max(int(every) - 1, 1)):
            return True
        jobs.enqueue(Job.RECONCILE)
    except Exception:  # noqa: BLE001  (Redis away: nothing to do but wait for it)
        log.warning("reconciler: could not ask for a pass", exc_info=True)
        return False
    return True


def keep_reconciling(
    jobs, every: float | None = None, *, at_once: bool = True, until: threading.Event
) -> threading.Thread:
    """Ask for a pass now (a worker starting finds what was lost; `at_once=False` waits one
    interval, for a web process whose database may still be being made) and then, from a daemon
    thread, every `every` seconds, until `until` is set (the runtime's `retired`: another one
    replaced it)."""
    every = every or EVERY_SECONDS
    if at_once:
        ask_for_pass(jobs, every)

    def loop() -> None:
        while not until.wait(every):
            ask_for_pass(jobs, every)

    thread = threading.Thread(target=loop, name="kyojo-reconciler", daemon=True)
    thread.start()
    return thread


def register(cli) -> None:
    """`flask reconcile`: one pass now (the worker runs them by itself)."""
    import click

    @cli.command("reconcile")
    def reconcile_command() -> None:
        """Enqueue again whatever the database says is unfinished."""
        done = reconcile()
        click.echo(f"re-drove {done.total} jobs {done.jobs}")
