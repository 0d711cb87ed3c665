"""様子を見に行く: a silent resident's door, offered to the district's helpers like any request.

The offer machinery does the rest: the first helper who accepts gets the address, nobody else.
That helper reports 会えた / 不在 / 救急 with buttons; 救急 tells everyone at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.events import Button, Card, Envelope, Outbox, Text
from bot.i18n import t, time_text
from bot.matching import offers
from bot.matching import unmet
from bot.matching.unmet import admins
from bot.watch import checkins
from bot.watch.tell import tell_watchers
from db.models import CheckInDay, HelpRequest, Offer, Resident, Task

VISIT = "watch_visit"
OUTCOMES = ("met", "absent", "emergency")


def send_neighbour(session: Session, day: CheckInDay, now: datetime) -> HelpRequest:
    """Open a 様子を見に行く request for the silent resident; offers go out after the commit."""
    person = day.check_in.resident
    request = HelpRequest(
        resident_id=person.id,
        created_by_id=person.id,
        district_id=person.district_id,
        category=VISIT,
        urgent=True,
        status="draft",
        summary=t("watch.visit_summary", person.language, time=time_text(day.greeted_at, person.language)),
    )
    session.add(request)
    session.flush()
    day.visit_request_id = request.id
    offers.open_request(session, request)
    return request


def accepted(session: Session, offer: Offer, helper: Resident, now: datetime) -> Outbox:
    """The helper who goes: the address, and the buttons to report; the watchers hear who goes."""
    day = session.scalars(select(CheckInDay).where(CheckInDay.visit_request_id == offer.request_id)).one()
    person = offer.request.resident
    locale = helper.language
    body = t(
        "watch.visit_details",
        locale,
        name=person.display_name or "",
        place=person.address or t("offer.no_place", locale),
        phone=person.phone or t("offer.no_phone", locale),
    )
    card = Card(
        t("watch.visit_title", locale), body, _outcome_buttons(day, locale), alt_text=t("watch.visit_title", locale)
    )
    box = Outbox().to(helper.id, Text(t("watch.visit_thanks", locale)), card)
    return box.extend(tell_watchers(session, day, "watch.neighbour_going"))


def _outcome_buttons(day: CheckInDay, locale: str) -> tuple[Button, ...]:
    return tuple(
        Button(t(f"watch.outcome.{o}", locale), f"watch.visit:{day.id}:{o}", t(f"watch.outcome.{o}", locale))
        for o in OUTCOMES
    )


def _day_of(session: Session, request_id: int) -> CheckInDay | None:
    """The day a visit was asked for, if the request is a visit of the daily round."""
    return session.scalar(select(CheckInDay).where(CheckInDay.visit_request_id == request_id))


def report(session: Session, day_id: int, outcome: str, helper: Resident, now: datetime) -> Outbox:
    """The helper at the door reports; only the helper who accepted may."""
    day = session.get(CheckInDay, day_id)
    if outcome not in OUTCOMES:
        raise ValueError(outcome)
    task = session.scalar(select(Task).where(Task.request_id == (day.visit_request_id if day else None)))
    if day is None or task is None or task.helper_id != helper.id:
        return Outbox().to(helper.id, Text(t("common.not_allowed", helper.language)))
    if day.outcome is None:
        day.outcome = outcome
        task.done_reported_by_id, task.done_at = helper.id, now
        task.request.status, task.request.closed_at = "done", now
    box = Outbox().to(helper.id, Text(t(f"watch.reported.{outcome}", helper.language)))
    box.extend(tell_watchers(session, day, f"watch.told.{outcome}", helper=helper.display_name or ""))
    if outcome != "met":
        box.extend(_tell_admins(session, day, outcome, helper))
    return box


def _tell_admins(session: Session, day: CheckInDay, outcome: str, helper: Resident) -> Outbox:
    person = day.check_in.resident
    return Outbox(
        [
            Envelope(
                admin.id,
                [
                    Text(
                        t(
                            f"watch.told.{outcome}",
                            admin.language,
                            name=person.display_name or "",
                            helper=helper.display_name or "",
                            time=time_text(day.greeted_at, admin.language),
                        )
                    )
                ],
                retry_key=offers.retry_key(f"watch.told.{outcome}", day.id, admin.id),
            )
            for admin in admins(session, person.district_id)
        ]
    )


def call_off(session: Session, day: CheckInDay, now: datetime) -> Outbox:
    """The resident answered after all: offers not yet taken are withdrawn, a helper on the way told."""
    request = session.get(HelpRequest, day.visit_request_id) if day.visit_request_id else None
    if request is None or request.status not in ("open", "assigned", "unmet"):
        return Outbox()
    box = offers.close_offers(session, request, now, "withdrawn", None)
    if request.task is not None:
        helper = request.task.helper
        box.to(
            helper.id,
            Text(t("watch.answered_meanwhile", helper.language, name=day.check_in.resident.display_name or "")),
        )
        return box
    request.status, request.closed_at = "cancelled", now
    return box


def nobody_went(session: Session, request: HelpRequest, round: int, admins_told: bool) -> list[Envelope]:
    """Nobody took the visit in time: the watchers hear how many helpers were asked (or that the
    district has none to ask), whether the district officers know, and what they can do now."""
    day = _day_of(session, request.id)
    if day is None:
        return []
    person = day.check_in.resident
    asked = len(set(session.scalars(select(Offer.helper_id).where(Offer.request_id == request.id))))
    if not asked and not unmet.short_list(session, request):
        return []  # the alert already said the district has no helper to ask
    envelopes = []
    for watcher in checkins.watchers(session, day.check_in):
        locale = watcher.language
        said = t(
            "watch.visit_unmet_asked" if asked else "watch.visit_unmet_nobody",
            locale,
            name=person.display_name or "",
            time=time_text(day.greeted_at, locale),
            count=asked,
        )
        then = t("watch.visit_unmet_admins" if admins_told else "watch.visit_unmet_no_admins", locale)
        envelopes.append(
            Envelope(
                watcher.id,
                [Text(f"{said}\n{then}")],
                retry_key=offers.retry_key("watch.visit_unmet", day.id, round, watcher.id),
            )
        )
    return envelopes


offers.ON_ACCEPT[VISIT] = accepted
unmet.ON_UNMET[VISIT] = nobody_went
