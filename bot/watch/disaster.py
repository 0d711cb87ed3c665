"""Disaster mode for a district: the safety menu for its people, and the three safety actions
(安否を知らせる, 避難所, 助けを呼ぶ) behind it."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from bot.channel import Channels
from bot.circulars import deliveries
from bot.events import Button, Envelope, Outbox, Text
from bot.i18n import t
from bot.matching import offers
from bot.matching.unmet import admins
from bot.queue import Job, enqueue_after_commit
from bot.watch import support
from db.models import Circular, District, HelpRequest, Resident, Subscription

RECENT = timedelta(days=2)


def set_mode(session: Session, district: District, on: bool) -> None:
    """Turn disaster mode on or off; the menus follow after the commit."""
    district.disaster_mode = on
    enqueue_after_commit(session, Job.SWITCH_MENUS, district.id)


def switch_menus(district_id: int, channels: Channels) -> None:
    """Show the district's people the menu its mode asks for, on every platform with rich menus
    (run twice: the same)."""
    from db.session import Session as SessionFactory

    menus = {platform: channel for platform, channel in channels.items() if channel.rich_menus}
    with SessionFactory() as session:
        district = session.get(District, district_id)
        if district is None:
            return
        on = district.disaster_mode
        # Back to normal: not for people of another district that is still in disaster mode.
        still = [] if on else [d for d in in_disaster_mode(session) if d != district_id]
        people = {platform: _people(session, platform, [district_id], still) for platform in menus}
    for platform, channel in menus.items():
        channel.switch_menus(people[platform], on)
    with SessionFactory.begin() as session:  # done: bot.reconcile stops re-driving it
        session.execute(
            update(District).where(District.id == district_id, District.disaster_mode == on).values(menus_disaster=on)
        )


def in_disaster_mode(session: Session) -> list[int]:
    """The districts in disaster mode now."""
    return list(session.scalars(select(District.id).where(District.disaster_mode.is_(True)).order_by(District.id)))


def in_disaster(session: Session, person: Resident) -> bool:
    """Whether the person lives in, or follows, a district in disaster mode (theirs is the safety menu)."""
    districts = in_disaster_mode(session)
    return (
        bool(districts)
        and session.scalar(select(Resident.id).where(Resident.id == person.id, _of(districts))) is not None
    )


def _of(district_ids: list[int]) -> ColumnElement[bool]:
    """Residents of these districts, or following one of them."""
    followers = select(Subscription.resident_id).where(
        Subscription.district_id.in_(district_ids), Subscription.active.is_(True)
    )
    return or_(Resident.district_id.in_(district_ids), Resident.id.in_(followers))


def _people(session: Session, platform: str, district_ids: list[int], leave_out: list[int]) -> dict[str, list[str]]:
    """The platform's user ids of the districts' residents and followers, by language (but not
    those of the `leave_out` districts)."""
    query = select(Resident.language, Resident.platform_user_id).where(
        Resident.platform == platform, Resident.active.is_(True), _of(district_ids)
    )
    if leave_out:
        query = query.where(~_of(leave_out))
    people: dict[str, list[str]] = defaultdict(list)
    for language, user_id in session.execute(query.order_by(Resident.id)):
        people[language].append(user_id)
    return dict(people)


def open_check(session: Session, person: Resident, now: datetime) -> Circular | None:
    """The latest safety check sent to the person in the last two days, if any."""
    recent = deliveries.checks_reaching(session, person.id, Circular.sent_at >= now - RECENT)
    check = next(recent, None)
    return None if check is None else session.get(Circular, check)


def shelters(session: Session, person: Resident) -> str:
    """Where the shelters of the person's district are, as the admin wrote it."""
    district = session.get(District, person.district_id) if person.district_id else None
    if district is None or not district.shelter_info.strip():
        return t("disaster.no_shelter_info", person.language)
    return t("disaster.shelters", person.language, district=district.name, info=district.shelter_info)


def call_for_help(session: Session, person: Resident, now: datetime) -> Outbox:
    """助けを呼ぶ: an urgent request to nearby helpers, the admins told, and their supporters with
    the address if the person is marked as needing help in a disaster."""
    request = HelpRequest(
        resident_id=person.id,
        created_by_id=person.id,
        district_id=person.district_id,
        category="other",
        urgent=True,
        status="draft",
        created_at=now,
        summary=t("disaster.call_summary", person.language),
    )
    session.add(request)
    session.flush()
    offers.open_request(session, request)
    box = Outbox().to(person.id, Text(t("disaster.help_coming", person.language)))
    for admin in admins(session, person.district_id):
        box.envelopes.append(
            Envelope(
                admin.id,
                [Text(t("disaster.admin_alert", admin.language, name=person.display_name or ""))],
                retry_key=offers.retry_key("disaster.call", request.id, admin.id),
            )
        )
    box.envelopes += support.supporters_called(session, person, request.id)
    return box


def report_buttons(check: Circular, locale: str) -> tuple[Button, ...]:
    """The safety check's own answer buttons, for the 安否を知らせる menu action."""
    return (
        Button(t("safety.safe_button", locale), f"safety.safe:{check.id}", t("safety.safe_button", locale)),
        Button(
            t("safety.need_help_button", locale), f"safety.need_help:{check.id}", t("safety.need_help_button", locale)
        ),
    )
