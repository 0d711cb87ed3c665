"""Every job's entry point (bot.queue.Job names them): plain functions that take ids, safe to run
twice. This is the boundary: each looks up the process's runtime once and hands the domain what it
needs (config, channels, jobs, and the time: `now` read from the runtime's clock, or the clock itself
to work that lasts minutes) as arguments."""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import OperationalError

from bot import outbox as outboxes
from bot import residents, runtime
from bot.channel import Channel, Channels
from bot.errors import HandlerError, StaleButtonError
from bot.events import Inbound, Outbox, Text
from bot.handlers import Turn, dispatch, stale_button
from bot.i18n import DEFAULT_LOCALE, supported, t
from bot.queue import RETRY_INTERVALS, Job, event_job_id, follow_ups
from bot.circulars import fanout, lanes, safety
from bot.matching import drafts, offers
from bot.watch import disaster, schedule, search_fanout
from db.models import InboundEvent, Resident
from db.session import Session, hold, keep_loaded

log = logging.getLogger(__name__)

USER_ID_LENGTH, TOKEN_LENGTH = 100, 200  # Resident.platform_user_id, OutboundMessage.reply_token


def process_event(inbound_event_id: int) -> None:
    """Understand one stored webhook event, answer it, and send what it produced.

    The platform's calls (profile, loading animation, rich menu) are made before and after the
    transaction that locks the event's row, so a slow platform never holds the lock. When a
    handler fails, that transaction is undone and another one marks the event failed and
    apologises (no savepoint paid on every event for the rare bug).
    """
    started = runtime.current()
    stored, inbound = _prepare(started.channels, inbound_event_id)
    if stored is None:
        return
    with follow_ups():  # a request it sent out: its first offers, right after the answer
        try:
            ids, relink = _answer_in_transaction(stored, inbound, started, failed=False)
        except HandlerError:
            log.exception("handler failed for inbound event %s (%s)", stored.id, stored.event_type)
            ids, relink = _answer_in_transaction(stored, inbound, started, failed=True)
        except StaleButtonError:
            log.warning("inbound event %s: a button that could not be read", stored.id, exc_info=True)
            ids, relink = _answer_in_transaction(stored, inbound, started, failed=False, stale=True)
        if relink is not None and inbound is not None:  # (an event answered had an inbound)
            _link_menu(started.channels[inbound.platform], relink)
        outboxes.deliver(started.channels, ids, started.clock.now())


GROUP_SHARE = 16  # events of a webhook group its own job handles; the rest go to other workers


def process_events(inbound_event_ids: list[int]) -> None:
    """Handle the events one webhook group stored, one after another (bot.intake queues one job a
    group, not one an event). One that fails is tried again alone, after RQ's first retry interval
    and with its own retries, so that it neither holds back the others nor has them handled again.
    A burst's big group keeps its first events and queues the rest a job each, for the other
    workers: the last of 500 people would otherwise wait for the 499 before them on one worker."""
    jobs = runtime.current().jobs
    mine = inbound_event_ids
    if jobs.mode == "rq" and len(inbound_event_ids) > GROUP_SHARE:
        mine, rest = inbound_event_ids[:GROUP_SHARE], inbound_event_ids[GROUP_SHARE:]
        jobs.enqueue_all(Job.PROCESS_EVENT, [(i,) for i in rest], [event_job_id(i) for i in rest])
    for event_id in mine:
        try:
            process_event(event_id)
        except Exception:
            log.exception("inbound event %s failed in its group's job: tried again alone", event_id)
            jobs.enqueue(  # its first retry: RQ's others follow, none more than alone
                Job.PROCESS_EVENT,
                event_id,
                delay=timedelta(seconds=RETRY_INTERVALS[0]),
                job_id=event_job_id(event_id),
                retry_intervals=RETRY_INTERVALS[1:],
            )


@dataclass(frozen=True)
class _Stored:
    """What a job reads of its stored event (none of it changes once stored, but the status)."""

    id: int
    platform: str
    event_type: str
    payload: dict
    received_at: datetime
    status: str


_EVENT = cast(Table, InboundEvent.__table__)
_STORED = [_EVENT.c[f.name] for f in fields(_Stored)]
# Every event's statements, built once: one built per call cost SQLAlchemy its construction and
# its cache key again (about 0.15 ms of a worker's CPU each, several a message).
_READ_STORED = select(*_STORED).where(_EVENT.c.id == bindparam("row_id"))
_SENDER_ACTIVE = select(Resident.active).where(
    Resident.platform == bindparam("platform"), Resident.platform_user_id == bindparam("user_id")
)
_LOCK = select(_EVENT.c.status).where(_EVENT.c.id == bindparam("row_id")).with_for_update()
_ANSWERED = (
    update(_EVENT)
    .where(_EVENT.c.id == bindparam("row_id"))
    .values(status=bindparam("new_status"), processed_at=bindparam("at"))
)


def _prepare(channels: Channels, inbound_event_id: int) -> tuple[_Stored | None, Inbound | None]:
    """The stored event (None when it is gone), read without a lock, and as an inbound event with
    the profile's name and language, the loading animation started; that None when it needs no
    answer or cannot be read (the locked transaction says which).

    The reads end with a commit, not the rollback of closing a session: psycopg answers a rollback
    by forgetting every statement it prepared on the connection (and deallocating them on the
    server), so each job's statements were parsed and planned again, never prepared."""
    with Session.begin() as session:
        connection = session.connection()
        found = connection.execute(_READ_STORED, {"row_id": inbound_event_id}).first()
        stored = _Stored(*found) if found is not None else None
        if stored is None or stored.status != "received":
            return stored, None
        channel = channels[stored.platform]
        inbound = _inbound(channel, stored, quiet=True)
        if inbound is None or not inbound.user_id:
            return stored, inbound
        known = connection.execute(_SENDER_ACTIVE, {"platform": stored.platform, "user_id": inbound.user_id}).first()
    inbound = _with_profile(known is not None, channel, inbound)
    if inbound.kind == "text" and (known is None or known.active):
        _show_loading(channel, inbound.user_id)
    return stored, inbound


def _answer_in_transaction(
    stored: _Stored, inbound: Inbound | None, started: runtime.Runtime, *, failed: bool, stale: bool = False
) -> tuple[list[int], int | None]:
    """Lock the event's row and answer it (`failed`: with the apology, after a handler failed;
    `stale`: saying the button is no longer valid, after its handler could not read it); the
    outbound rows to send, and the resident whose rich menu to change."""
    with Session.begin() as session:
        keep_loaded(session)
        status = _lock(session, stored.id)
        if status is None:
            return [], None
        if status != "received":  # done before: only finish sending what is left
            return outboxes.pending_for_event(session, stored.id), None
        status, ids, relink = _handle(session, stored, inbound, started, failed, stale)
        session.connection().execute(_ANSWERED, {"row_id": stored.id, "new_status": status, "at": started.clock.now()})
    return ids, relink


def _lock(session, inbound_event_id: int) -> str | None:
    """The event's status, its row locked for this transaction (None when it is gone)."""
    hold(session, "inbound_events", inbound_event_id)
    return session.connection().scalar(_LOCK, {"row_id": inbound_event_id})


def _handle(
    session, stored: _Stored, inbound: Inbound | None, started: runtime.Runtime, failed: bool, stale: bool
) -> tuple[str, list[int], int | None]:
    """Answer a new event: its status, the outbound rows it wrote, and the resident whose rich
    menu to change."""
    inbound = inbound or _inbound(started.channels[stored.platform], stored)
    if inbound is None:
        return "refused", [], None
    if not inbound.user_id:
        return "ignored", [], None
    found = residents.find(session, stored.platform, inbound.user_id)
    resident = residents.settle(
        session, found, stored.platform, inbound.user_id, display_name=inbound.display_name, language=inbound.language
    )
    if inbound.kind == "follow" and inbound.language:  # greet in the profile's language
        resident.language = supported(inbound.language)
    turn = Turn(resident, inbound, inbound.received_at, started.config, started.channels)
    language, district = resident.language, resident.district_id
    outbox = _apology(resident) if failed else stale_button(turn) if stale else _answer(session, turn)
    # A follow shows the menu of their language; so does asking for another language, or writing in
    # it; choosing a district may bring its disaster menu.
    changed = resident.language != language or resident.district_id != district
    relink = resident.id if inbound.kind == "follow" or changed else None
    if found is None and inbound.kind == "text":  # no follow came first (Slack; LINE's lost)
        outbox = _welcome(resident).extend(outbox)
    ids = outboxes.store(
        session,
        outbox,
        reply_to=resident.id,
        reply_token=inbound.reply_token,
        received_at=stored.received_at,
        inbound_event_id=stored.id,
    )
    for step in turn.afterwards:
        step(session)
    return ("failed" if failed else "done"), ids, relink


def _inbound(channel: Channel, stored: _Stored, quiet: bool = False) -> Inbound | None:
    """The stored event as an Inbound; None (logged, unless `quiet`: it is read again under the
    lock) for one no platform could have sent, so that it is refused once instead of failing on
    every retry."""
    try:
        inbound = channel.to_inbound(stored.payload)
    except Exception:  # translating is pure: what fails here is the payload's fault, not ours
        if not quiet:
            log.exception("inbound event %s (%s) refused: it cannot be read", stored.id, stored.event_type)
        return None
    for value, longest in ((inbound.user_id, USER_ID_LENGTH), (inbound.reply_token, TOKEN_LENGTH)):
        if value is not None and (not isinstance(value, str) or len(value) > longest or "\x00" in value):
            if not quiet:
                log.warning(
                    "inbound event %s (%s) refused: a user id or reply token that cannot be stored",
                    stored.id,
                    stored.event_type,
                )
            return None
    return inbound


def _answer(session, turn: Turn) -> Outbox:
    """What the handlers answer; HandlerError when one fails (the database being away is not a
    handler's failure: the job is retried)."""
    try:
        return dispatch(session, turn)
    except (OperationalError, StaleButtonError):
        raise
    except Exception as error:
        # A bug in a handler must not leave the person without an answer; the
        # event is kept with its payload so it can be looked at and replayed.
        raise HandlerError(f"a handler failed on {turn.inbound.kind} event {turn.inbound.event_id}") from error


def _apology(resident: Resident) -> Outbox:
    return Outbox().to(resident.id, Text(t("common.sorry", resident.language)))


def _welcome(resident: Resident) -> Outbox:
    """The greeting for a first message that no follow event greeted."""
    from bot.handlers.onboarding import welcome

    return Outbox().to(resident.id, Text(welcome(resident)))


def _with_profile(known: bool, channel: Channel, inbound: Inbound) -> Inbound:
    """On a follow or a first message, the person's name and language from the platform's profile."""
    if inbound.kind == "unfollow" or (inbound.kind != "follow" and known):
        return inbound
    profile = channel.profile(inbound.user_id)
    return replace(
        inbound,
        display_name=inbound.display_name or profile.get("display_name"),
        language=inbound.language or profile.get("language"),
    )


def _link_menu(channel: Channel, resident_id: int) -> None:
    """Show the person the rich menu of their language, where the platform has rich menus."""
    if not channel.rich_menus:
        return
    with Session() as session:
        resident = session.get_one(Resident, resident_id)
        user_id, language, linked = resident.platform_user_id, resident.language, resident.rich_menu_id
        in_disaster = disaster.in_disaster(session, resident)
    if in_disaster:  # their district is in disaster mode: its safety menu
        channel.switch_menus({language: [user_id]}, True)
        return
    if language == DEFAULT_LOCALE and linked:
        channel.unlink_menu(user_id)
    menu_id = channel.link_menu(user_id, language)
    with Session.begin() as session:
        session.get_one(Resident, resident_id).rich_menu_id = menu_id


def _show_loading(channel: Channel, user_id: str) -> None:
    try:
        channel.show_loading(user_id)
    except Exception:  # a missing animation is no reason to lose the answer
        log.warning("loading animation failed for %s", user_id, exc_info=True)


def deliver(outbound_ids: list[int]) -> None:
    """Send outbound rows written by another job (after its commit)."""
    started = runtime.current()
    outboxes.deliver(started.channels, outbound_ids, started.clock.now())


def redeliver(outbound_ids: list[int], at: str | None = None) -> None:
    """Send rows that are due again (bot.reconcile; `at` is its clock); no quick retries of the
    job: the rows' own backoff decides."""
    started = runtime.current()
    when = datetime.fromisoformat(at) if at else started.clock.now()
    outboxes.deliver(started.channels, outbound_ids, when, retry_job=False)


# -- the domain's jobs ---------------------------------------------------------------------------


def offer_request(request_id: int, round: int = 1) -> None:
    """The first round of offers for a request that is out."""
    started = runtime.current()
    offers.offer_request(request_id, round, started.clock.now(), started.config, started.channels)


def offer_timeout(request_id: int, round: int) -> None:
    """Nobody accepted round `round` in time: the next helpers."""
    started = runtime.current()
    offers.offer_timeout(request_id, round, started.clock.now(), started.config, started.channels)


def expire_question(resident_id: int, state: str, expires_at: str) -> None:
    """A question nobody answered in time is closed, kindly."""
    started = runtime.current()
    drafts.expire_question(resident_id, state, expires_at, started.clock.now(), started.channels)


def send_circular(circular_id: int) -> None:
    """A launched circular to its district, in lanes."""
    started = runtime.current()
    fanout.send_circular(circular_id, started.jobs, started.clock.now())


def send_lane(circular_id: int, lane: int) -> None:
    """One lane of a circular's batches."""
    started = runtime.current()
    lanes.send_lane(circular_id, lane, started.jobs, started.channels, started.clock)


def remind_safety(circular_id: int) -> None:
    """A safety check's reminder to those who have not answered."""
    started = runtime.current()
    safety.remind(circular_id, started.channels, started.clock)


def watch_tick(at: str | None = None) -> None:
    """見守り's minute: greetings, reminders and alerts that are due (`at`: a test's clock)."""
    started = runtime.current()
    schedule.tick(datetime.fromisoformat(at) if at else started.clock.now(), started.channels)


def switch_menus(district_id: int) -> None:
    """A district's menus as its disaster mode asks."""
    disaster.switch_menus(district_id, runtime.current().channels)


def search_fan_out(search_id: int) -> None:
    """A search's card to everyone it is for."""
    started = runtime.current()
    search_fanout.fan_out(search_id, started.channels, started.clock)


def search_thanks(search_id: int, status: str) -> None:
    """The end of a search, to everyone who got its card."""
    search_fanout.thank(search_id, status, runtime.current().channels)
