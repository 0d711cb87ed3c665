"""A search's card (and, at the end, the thanks) to everyone it is for, by multicast.

Who gets the card is written once, as SearchNotice rows in the order they are sent (by platform
and language); blocks of 500 notices by that order, split by platform and language, make one
multicast each (LINE's limit is 500 people a call), paced with every other worker through
bot.channels.pacing. Each call's retry key names the search, the block and the group, so a job
run again after a crash sends the same calls with the same keys: LINE answers 409 to those it
took, and nobody gets the card twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from bot.channel import Channels
from bot.clock import Clock
from bot.events import Button, Card, Message, Text
from bot.i18n import t, when_text
from bot.matching.candidates import ring
from bot.outbox import retry_key
from db.models import (
    District,
    HelperProfile,
    Resident,
    Search,
    SearchNotice,
    SearchOptIn,
    Subscription,
    helper_districts,
)

BATCH = 500  # LINE's multicast takes at most 500 people


@dataclass(frozen=True)
class Group:
    """One multicast: people of one block who read the same platform and language."""

    block: int
    platform: str
    language: str
    user_ids: list[str]


def recipients(session: Session, search: Search) -> list[int]:
    """Helpers and opted-in residents of the district and its neighbours, but not the family;
    in sending order (platform, language, id), so that each language's people share calls."""
    districts = [d for d, _, _ in ring(session, search.district_id)]
    helpers = (
        select(HelperProfile.resident_id)
        .join(helper_districts, helper_districts.c.helper_id == HelperProfile.id)
        .where(helper_districts.c.district_id.in_(districts), HelperProfile.paused.is_(False))
    )
    followers = select(Subscription.resident_id).where(
        Subscription.district_id.in_(districts), Subscription.active.is_(True)
    )
    opted = select(SearchOptIn.resident_id).where(
        or_(
            SearchOptIn.resident_id.in_(followers),
            SearchOptIn.resident_id.in_(select(Resident.id).where(Resident.district_id.in_(districts))),
        )
    )
    return list(
        session.scalars(
            select(Resident.id)
            .where(
                or_(Resident.id.in_(helpers), Resident.id.in_(opted)),
                Resident.active.is_(True),
                Resident.platform != "none",
                Resident.id != search.started_by_id,
            )
            .order_by(Resident.platform, Resident.language, Resident.id)
        )
    )


def plan(session: Session, search: Search) -> None:
    """Write who gets the card, once: a job run again sends to the same people in the same calls."""
    if session.scalar(select(SearchNotice.id).where(SearchNotice.search_id == search.id).limit(1)):
        return
    people = recipients(session, search)
    if people:
        session.execute(insert(SearchNotice), [{"search_id": search.id, "resident_id": p} for p in people])


def groups(session: Session, search_id: int) -> list[Group]:
    """The multicasts of a search: blocks of 500 notices in sending order, by platform and language;
    people who left since are not sent to (the others' calls keep their keys)."""
    rows = session.execute(
        select(Resident.platform, Resident.language, Resident.platform_user_id, Resident.active)
        .join(SearchNotice, SearchNotice.resident_id == Resident.id)
        .where(SearchNotice.search_id == search_id)
        .order_by(SearchNotice.id)
    ).all()
    found = []
    for block, start in enumerate(range(0, len(rows), BATCH)):
        by_language: dict[tuple[str, str], list[str]] = defaultdict(list)
        for platform, language, user_id, active in rows[start : start + BATCH]:
            if active:
                by_language[(platform, language)].append(user_id)
        found += [Group(block, platform, language, users) for (platform, language), users in by_language.items()]
    return found


def card(search: Search, district: str, locale: str) -> Card:
    """The first card: only that someone is missing near the district, and 協力する."""
    title = t("search.card_title", locale, district=district)
    join = t("search.join_button", locale)
    return Card(
        title,
        t("search.card_body", locale, district=district, when=when_text(search.created_at, locale)),
        (Button(join, f"search.join:{search.id}", join),),
        alt_text=title,
    )


def fan_out(search_id: int, channels: Channels, clock: Clock) -> None:
    """The card with 協力する to everyone it is for (run twice, nobody gets it twice); `clock`
    tells when the last went out."""
    from db.session import Session as SessionFactory

    with SessionFactory.begin() as session:
        search = session.get(Search, search_id)
        if search is None or search.status != "open":
            return
        plan(session, search)
    with SessionFactory() as session:
        search = session.get_one(Search, search_id)
        district = session.get(District, search.district_id)
        cards = {}
        for group in groups(session, search_id):
            if group.language not in cards:
                cards[group.language] = card(search, district.name if district else "", group.language)
            if not _still_open(session, search_id):
                return  # found meanwhile: the rest are not asked to look
            _send(channels, group, [cards[group.language]], ("search.card", search_id))
    with SessionFactory.begin() as session:  # done: bot.reconcile stops re-driving it
        session.execute(update(Search).where(Search.id == search_id).values(sent_at=clock.now()))


def _still_open(session: Session, search_id: int) -> bool:
    session.expire_all()
    return session.scalar(select(Search.status).where(Search.id == search_id)) == "open"


def thank(search_id: int, status: str, channels: Channels) -> None:
    """Everyone who got the card hears that the search is over (found, or withdrawn)."""
    from db.session import Session as SessionFactory

    with SessionFactory() as session:
        parts = groups(session, search_id)
    for group in parts:
        _send(channels, group, [Text(t(f"search.thanks_{status}", group.language))], ("search.thanks", search_id))


def _send(channels: Channels, group: Group, messages: list[Message], key: tuple) -> None:
    """One multicast (LINE, paced with every worker) or one post each; keyed by search, block and group."""
    channel = channels.get(group.platform)
    if channel is not None and group.user_ids:
        channel.multicast(
            group.user_ids, messages, retry_key=retry_key(*key, group.block, group.platform, group.language)
        )
