"""避難行動要支援者: when a safety check goes out, the marked people who need help, or who stay
silent, are brought to their own supporters first (with the address), then to nearby helpers
and the district admins. Supporters report for them: 無事 / 避難した / 助けが必要.

Driven by the same database tick as the daily check-ins: each step is read from the rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.circulars import circulars as circulars_domain
from bot.circulars.safety import open_urgent_request
from bot.events import Button, Card, Envelope, Outbox, Text
from bot.i18n import t
from bot.matching.offers import retry_key
from bot.matching.unmet import admins
from db.models import Circular, Resident, SupportNeed, Supporter

REPORTS = ("safe", "evacuated", "need_help")
DEFAULT_WAIT_MINUTES = 60
RECENT = timedelta(days=2)  # a safety check older than this is no longer followed


def mark(session: Session, person: Resident, admin: Resident, note: str = "") -> SupportNeed:
    """The admin marks a person of their district as needing help in a disaster (once)."""
    need = session.scalar(select(SupportNeed).where(SupportNeed.resident_id == person.id))
    if need is None:
        need = SupportNeed(resident_id=person.id, district_id=person.district_id, marked_by_id=admin.id)
        session.add(need)
    need.note = note.strip()[:500]
    session.flush()
    return need


def unmark(session: Session, need: SupportNeed) -> None:
    """No longer followed (their supporters are forgotten too)."""
    for supporter in session.scalars(select(Supporter).where(Supporter.need_id == need.id)):
        session.delete(supporter)
    session.delete(need)
    session.flush()


def add_supporter(session: Session, need: SupportNeed, person: Resident) -> None:
    """Name a neighbour who agreed to support them (the person never supports themself)."""
    known = session.scalar(select(Supporter.id).where(Supporter.need_id == need.id, Supporter.resident_id == person.id))
    if known is None and person.id != need.resident_id:
        session.add(Supporter(need_id=need.id, resident_id=person.id))
        session.flush()


def supporters(session: Session, need: SupportNeed) -> list[Resident]:
    """The need's supporters still following the bot."""
    people = session.scalars(
        select(Resident)
        .join(Supporter, Supporter.resident_id == Resident.id)
        .where(Supporter.need_id == need.id)
        .order_by(Supporter.id)
    )
    return [p for p in people if p.active]


def of_district(session: Session, district_id: int) -> list[SupportNeed]:
    """Every marked person of a district."""
    return list(
        session.scalars(select(SupportNeed).where(SupportNeed.district_id == district_id).order_by(SupportNeed.id))
    )


# -- following a safety check --------------------------------------------------------------------


def follow_due(session: Session, now: datetime) -> list[Envelope]:
    """The tick's step: move each marked person of a recent safety check along, if due."""
    checks = session.scalars(
        select(Circular).where(
            Circular.kind == "safety_check", Circular.status == "sent", Circular.sent_at >= now - RECENT
        )
    )
    envelopes: list[Envelope] = []
    for check in checks:
        for need in of_district(session, check.district_id):
            envelopes += _follow(session, need, check, now)
    return envelopes


def _follow(session: Session, need: SupportNeed, check: Circular, now: datetime) -> list[Envelope]:
    if need.circular_id != check.id:
        if need.circular_id is not None and need.circular_id > check.id:
            return []  # a newer check is being followed
        need.circular_id, need.state, need.state_at, need.escalation = check.id, "asked", check.sent_at, 0
    delivery = circulars_domain.delivery(session, check.id, need.resident_id)
    answer = delivery.answer if delivery is not None else None
    if delivery is not None and answer == "safe" and need.state == "asked":
        need.state, need.state_at, need.state_by_id = "safe", delivery.answered_at, need.resident_id
    if need.state in ("safe", "evacuated") or check.sent_at is None:  # (never None: follow_due reads sent checks)
        return []
    wait = timedelta(minutes=check.remind_after_minutes or DEFAULT_WAIT_MINUTES)
    called = answer == "need_help" or need.state == "need_help"
    if need.escalation == 0 and (called or check.sent_at + wait <= now):
        need.escalation = 1
        return _to_supporters(session, need, check.id, called)
    if need.escalation == 1 and check.sent_at + 2 * wait <= now:
        need.escalation = 2
        return _to_helpers_and_admins(session, need, check, now, already_open=answer == "need_help")
    return []


def _to_supporters(session: Session, need: SupportNeed, check_id: int, called: bool) -> list[Envelope]:
    """A card for each supporter: where the person lives, what to mind, and the report buttons."""
    person = need.resident
    key = "support.called" if called else "support.silent"
    envelopes = []
    for supporter in supporters(session, need):
        locale = supporter.language
        body = t(
            "support.card_body",
            locale,
            name=person.display_name or "",
            place=person.address or t("offer.no_place", locale),
            phone=person.phone or t("offer.no_phone", locale),
            note=need.note or "-",
        )
        buttons = tuple(
            Button(
                t(f"support.report.{r}", locale),
                f"support.report:{need.id}:{check_id}:{r}",
                t(f"support.report.{r}", locale),
            )
            for r in REPORTS
        )
        title = t(key, locale, name=person.display_name or "")
        envelopes.append(
            Envelope(
                supporter.id,
                [Card(title, body, buttons, alt_text=title)],
                retry_key=retry_key(key, need.id, check_id, supporter.id),
            )
        )
    return envelopes


def supporters_called(session: Session, person: Resident, request_id: int) -> list[Envelope]:
    """The person pressed 助けを呼ぶ: their supporters hear at once (nobody, if not marked)."""
    need = session.scalar(select(SupportNeed).where(SupportNeed.resident_id == person.id))
    if need is None:
        return []
    need.state, need.escalation, need.state_by_id = "need_help", 2, person.id
    return [
        Envelope(e.resident_id, e.messages, retry_key=retry_key("support.call", request_id, e.resident_id))
        for e in _to_supporters(session, need, 0, True)
    ]


def _to_helpers_and_admins(
    session: Session, need: SupportNeed, check: Circular, now: datetime, *, already_open: bool
) -> list[Envelope]:
    """No supporter has reported: nearby helpers are offered a visit, the admins are told."""
    person = need.resident
    if already_open:
        return []  # they called for help themself: helpers and admins were told at once
    open_urgent_request(
        session, person, check, t("support.request_text", person.language, title=check.title), "other", now, person
    )
    return [
        Envelope(
            admin.id,
            [Text(t("support.admin_alert", admin.language, name=person.display_name or "", title=check.title))],
            retry_key=retry_key("support.admin_alert", need.id, check.id, admin.id),
        )
        for admin in admins(session, need.district_id)
    ]


def report(session: Session, need_id: int, check_id: int, said: str, supporter: Resident, now: datetime) -> Outbox:
    """A supporter reports for the person; everyone else who follows them is told."""
    need = session.get(SupportNeed, need_id)
    if said not in REPORTS:
        raise ValueError(said)
    if need is None or supporter.id not in {p.id for p in supporters(session, need)}:
        return Outbox().to(supporter.id, Text(t("common.not_allowed", supporter.language)))
    check = session.get(Circular, check_id)
    first_call = said == "need_help" and need.state != "need_help"
    need.state, need.state_at, need.state_by_id = said, now, supporter.id
    box = Outbox().to(supporter.id, Text(t(f"support.thanks.{said}", supporter.language)))
    person = need.resident
    others = [p for p in supporters(session, need) if p.id != supporter.id] + admins(session, need.district_id)
    for other in others:
        box.to(
            other.id,
            Text(
                t(
                    f"support.told.{said}",
                    other.language,
                    name=person.display_name or "",
                    supporter=supporter.display_name or "",
                )
            ),
        )
    if first_call and check is not None and need.escalation < 2:
        need.escalation = 2
        open_urgent_request(
            session,
            person,
            check,
            t("support.request_text", person.language, title=check.title),
            "other",
            now,
            supporter,
        )
    return box
