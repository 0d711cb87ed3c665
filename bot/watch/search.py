"""行方不明: a family member (or an admin) sends a search to the helpers and the opted-in residents
of the district and its neighbours. The card says only that someone is missing; 協力する shows
the details (and the photo, by a link signed for that person); a finder's words or place reach
the family without the finder's name; 見つかりました thanks everyone and erases every detail.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.config import Config
from bot.events import Button, Card, Envelope, Outbox, Text
from bot.i18n import t, when_text
from bot.matching.offers import retry_key
from bot.matching.unmet import admins
from bot.queue import Job, enqueue_after_commit
from db.models import Conversation, InboundEvent, OutboundMessage, Resident, Search, SearchNotice, SearchReport

HELPING = "search_helping"  # the conversation state of someone who pressed 協力する


def start(session: Session, by: Resident, district_id: int) -> Search:
    """A new search, not sent yet."""
    search = Search(district_id=district_id, started_by_id=by.id)
    session.add(search)
    session.flush()
    return search


def remember_event(session: Session, search: Search, platform: str, event_id: str) -> None:
    """This inbound event carries details: its payload is emptied when the search ends."""
    row_id = session.scalar(
        select(InboundEvent.id).where(InboundEvent.platform == platform, InboundEvent.event_id == event_id)
    )
    if row_id is not None:
        search.private_events = [*search.private_events, row_id]


def send(session: Session, search: Search, now: datetime) -> None:
    """The search goes out after the commit; the district's admins are told at once (by the caller)."""
    search.status = "open"
    search.created_at = now
    enqueue_after_commit(session, Job.SEARCH_FAN_OUT, search.id)


def preview(search: Search, person: Resident) -> Outbox:
    """What will go out, for the family to check: 送る / やめる (kept only while the search lasts)."""
    locale = person.language
    send_label, stop_label = t("search.send_button", locale), t("search.cancel_button", locale)
    body = t("search.details_body", locale, description=search.description, last_seen=search.last_seen)
    photo = t("search.with_photo" if search.photo else "search.without_photo", locale)
    buttons = (
        Button(send_label, f"search.send:{search.id}", send_label),
        Button(stop_label, f"search.cancel:{search.id}", stop_label),
    )
    preview_card = Card(
        t("search.preview_title", locale), f"{body}\n{photo}", buttons, alt_text=t("search.preview_title", locale)
    )
    return Outbox([Envelope(person.id, [preview_card], retry_key=retry_key("search.preview", search.id))])


# -- helping ---------------------------------------------------------------------------------------


def photo_link(search: Search, person_id: int, config: Config) -> str:
    """A link to the photo that works for this person only, while the search is open."""
    token = photo_token(search.id, person_id, config.secret_key)
    return f"{config.public_url.rstrip('/')}/search/photo/{search.id}/{person_id}/{token}"


def photo_token(search_id: int, person_id: int, secret_key: str) -> str:
    """The signature of a photo link (the app's secret key, the search and the person)."""
    secret = secret_key.encode()
    return hmac.new(secret, f"search-photo:{search_id}:{person_id}".encode(), hashlib.sha256).hexdigest()[:32]


def may_see(session: Session, search: Search, person_id: int) -> bool:
    """Whether the details are this person's to see: the family, or someone who pressed 協力する."""
    if search.status != "open":
        return False
    if person_id == search.started_by_id:
        return True
    return (
        session.scalar(
            select(SearchNotice.id).where(
                SearchNotice.search_id == search.id,
                SearchNotice.resident_id == person_id,
                SearchNotice.joined_at.is_not(None),
            )
        )
        is not None
    )


def join(session: Session, search_id: int, person: Resident, now: datetime, config: Config) -> Outbox:
    """協力する: the details for this person, and from now on their words and places are reports."""
    from bot import conversation as conversations

    search = session.get(Search, search_id)
    notice = session.scalar(
        select(SearchNotice).where(SearchNotice.search_id == search_id, SearchNotice.resident_id == person.id)
    )
    if search is None or notice is None or search.status != "open":
        return Outbox().to(person.id, Text(t("search.over", person.language)))
    notice.joined_at = notice.joined_at or now
    conversations.ask(session, person, HELPING, {"search_id": search.id}, now=now, minutes=24 * 60)
    locale = person.language
    details = Card(
        t("search.details_title", locale),
        t("search.details_body", locale, description=search.description, last_seen=search.last_seen),
        image_url=photo_link(search, person.id, config) if search.photo else None,
        alt_text=t("search.details_title", locale),
    )
    return Outbox(
        [
            Envelope(
                person.id,
                [details, Text(t("search.how_to_report", locale))],
                retry_key=retry_key("search.details", search.id, person.id),
            )
        ]
    )


def report(
    session: Session,
    search_id: int,
    finder: Resident,
    text: str,
    now: datetime,
    *,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Outbox:
    """A finder's words or place, to the family; the finder's name is never in it."""
    search = session.get(Search, search_id)
    if search is None or not may_see(session, search, finder.id):
        return Outbox().to(finder.id, Text(t("search.over", finder.language)))
    family = session.get_one(Resident, search.started_by_id)
    if latitude is not None and longitude is not None:
        text = t("search.place", family.language, address=text or "-", latitude=latitude, longitude=longitude)
    row = SearchReport(search_id=search.id, finder_id=finder.id, text=text[:1000], created_at=now)
    session.add(row)
    session.flush()
    told = Text(t("search.report_to_family", family.language, text=row.text, time=when_text(now, family.language)))
    box = Outbox([Envelope(family.id, [told], retry_key=retry_key("search.report", row.id))])
    return box.to(finder.id, Text(t("search.report_thanks", finder.language)))


# -- the end ---------------------------------------------------------------------------------------


def may_end(session: Session, search: Search, person: Resident) -> bool:
    """The family who started it, or an admin of its district."""
    return person.id == search.started_by_id or person.id in {a.id for a in admins(session, search.district_id)}


def found(session: Session, search_id: int, by: Resident, now: datetime, status: str = "found") -> Outbox:
    """見つかりました (or やめる): thanks to everyone who got the card, then every detail is erased."""
    search = session.get(Search, search_id)
    if search is None or search.status not in ("draft", "open"):
        return Outbox().to(by.id, Text(t("search.over", by.language)))
    if not may_end(session, search, by):
        return Outbox().to(by.id, Text(t("common.not_allowed", by.language)))
    if search.status == "open":  # everyone who got the card is thanked, by multicast after the commit
        enqueue_after_commit(session, Job.SEARCH_THANKS, search.id, status)
    search.status, search.closed_at = status, now
    box = Outbox().to(by.id, Text(t(f"search.ended_{status}", by.language)))
    erase(session, search)
    return box


def erase(session: Session, search: Search) -> None:
    """No description, place, photo or report of the missing person is kept anywhere in the database."""
    reports = list(session.scalars(select(SearchReport).where(SearchReport.search_id == search.id)))
    helpers = list(session.scalars(select(SearchNotice.resident_id).where(SearchNotice.search_id == search.id)))
    keys = (
        [retry_key("search.preview", search.id)]
        + [retry_key("search.report", r.id) for r in reports]
        + [retry_key("search.details", search.id, person_id) for person_id in helpers]
    )
    if keys:
        session.execute(update(OutboundMessage).where(OutboundMessage.retry_key.in_(keys)).values(messages=[]))
    if search.private_events:
        session.execute(update(InboundEvent).where(InboundEvent.id.in_(search.private_events)).values(payload={}))
    for row in reports:
        session.delete(row)
    for conversation in session.scalars(select(Conversation).where(Conversation.state.like("search_%"))):
        if (conversation.data or {}).get("search_id") == search.id:
            session.delete(conversation)
    search.description, search.last_seen, search.photo, search.photo_type = "", "", None, None
    search.private_events = []
    session.flush()
