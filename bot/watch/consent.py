"""Family asks for a parent's daily check-in: the parent is asked with buttons, and nothing
starts until they agree. The family hears the same words whether or not anyone by that name
was found, so asking tells nobody who uses the bot."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.events import Button, Card, Envelope, Outbox, Text
from bot.i18n import t, time_text
from bot.matching.offers import retry_key
from bot.watch import checkins
from bot.watch.checkins import EVERY_DAY, Plan
from db.models import CheckIn, CheckInRequest, Resident, Watcher

HONORIFICS = ("さん", "様", "さま", "ちゃん", "san", "님", "先生")
MAX_ASKED_A_DAY = 3  # a family member asks a few people a day at most: no one is pestered
ASK_AGAIN_AFTER = timedelta(days=7)  # an unanswered question may be asked again after a week


# 「井上トメです」「名前は井上トメといいます」: the words around a name written as an answer
_AROUND_NAME = re.compile(
    r"^(?:.{0,8}?(?:名前|なまえ)(?:は|が|ね)、?)?(.+?)"
    r"(?:です|でございます|と申します|ともうします|といいます|と言います|っていいます|って言います|って名前|だよ|やけど|ですけど)?"
    r"[。．.!！、,\s]*$"
)


def written_name(text: str) -> str:
    """The name in an answer to 「お名前は？」, without the sentence around it (井上トメです -> 井上トメ)."""
    text = unicodedata.normalize("NFKC", text).strip()
    match = _AROUND_NAME.match(text)
    return without_honorific((match.group(1) if match else text).strip())  # the bot adds its own さん


def without_honorific(name: str) -> str:
    """山田花子さん -> 山田花子."""
    for honorific in HONORIFICS:
        name = name.removesuffix(honorific).strip()
    return name


def bare_name(name: str) -> str:
    """A name as written without spaces, width or an honorific (山田 花子さん -> 山田花子)."""
    return "".join(without_honorific(unicodedata.normalize("NFKC", name).strip()).split()).lower()


def named(session: Session, name: str, family: Resident) -> Resident | None:
    """The one person following the bot by that name (None when nobody, or more than one, is)."""
    wanted = bare_name(name)
    if not wanted:
        return None
    people = [
        p
        for p in session.scalars(
            select(Resident)
            .where(
                Resident.active.is_(True),
                Resident.platform != "none",
                Resident.id != family.id,
                Resident.display_name.contains(wanted[:1], autoescape=True),
            )
            .limit(1000)
        )
        if bare_name(p.display_name or "") == wanted
    ]
    return people[0] if len(people) == 1 else None


def ask(session: Session, family: Resident, name: str, plan: Plan, now: datetime) -> Outbox:
    """Ask the named person whether they want the check-in; the family is told it was asked."""
    box = Outbox().to(family.id, Text(t("watch.consent_asked", family.language, name=name)))
    person = named(session, name, family)
    if person is None or _asked_too_often(session, family, person, now):
        return box
    request = CheckInRequest(
        resident_id=person.id,
        requested_by_id=family.id,
        minute_of_day=plan.minute_of_day,
        weekdays=list(plan.weekdays),
        alert_after_hours=plan.alert_after_hours,
        district_admins_watch=plan.district_admins_watch,
        created_at=now,
    )
    session.add(request)
    session.flush()
    box.envelopes.append(Envelope(person.id, [card(request, person)], retry_key=retry_key("watch.consent", request.id)))
    return box


def _asked_too_often(session: Session, family: Resident, person: Resident, now: datetime) -> bool:
    open_one = session.scalar(
        select(CheckInRequest.id).where(
            CheckInRequest.requested_by_id == family.id,
            CheckInRequest.resident_id == person.id,
            CheckInRequest.status == "asked",
            CheckInRequest.created_at >= now - ASK_AGAIN_AFTER,
        )
    )
    today = session.scalar(
        select(func.count(CheckInRequest.id)).where(
            CheckInRequest.requested_by_id == family.id,
            CheckInRequest.created_at >= datetime.combine(now.date(), datetime.min.time()),
        )
    )
    return open_one is not None or (today or 0) >= MAX_ASKED_A_DAY


def card(request: CheckInRequest, person: Resident) -> Card:
    """The question to the watched person: who asks, when they would be greeted, yes or no."""
    locale = person.language
    days = t("watch.every_day" if tuple(request.weekdays) == EVERY_DAY else "watch.weekdays", locale)
    clock = time_text(datetime(2000, 1, 1, request.minute_of_day // 60, request.minute_of_day % 60), locale)
    yes, no = t("watch.consent_yes", locale), t("watch.consent_no", locale)
    title = t("watch.consent_title", locale)
    body = t(
        "watch.consent_body",
        locale,
        family=request.requested_by.display_name or "",
        days=days,
        time=clock,
        hours=request.alert_after_hours,
    )
    return Card(
        title,
        body,
        (Button(yes, f"watch.consent:{request.id}:yes", yes), Button(no, f"watch.consent:{request.id}:no", no)),
        alt_text=title,
    )


def answer(session: Session, request: CheckInRequest, agreed: bool, now: datetime) -> CheckIn | None:
    """The person's yes or no; yes starts (or joins the family to) their check-in."""
    request.status, request.answered_at = ("agreed" if agreed else "declined"), now
    if not agreed:
        return None
    plan = Plan(
        minute_of_day=request.minute_of_day,
        weekdays=tuple(request.weekdays),
        alert_after_hours=request.alert_after_hours,
        district_admins_watch=request.district_admins_watch,
    )
    return checkins.sign_up(session, request.resident, plan, by=request.requested_by, now=now)


def _minsei(session: Session, check_in: CheckIn) -> set[int]:
    """The check-in's watchers who are 民生委員."""
    return {
        w.id
        for w in session.scalars(select(Watcher).where(Watcher.check_in_id == check_in.id, Watcher.role == "minsei"))
    }


def name_minsei(session: Session, check_in: CheckIn, person: Resident) -> Outbox:
    """The district admin names a 民生委員 as a watcher: they and the watched person are told."""
    watched, already = check_in.resident, _minsei(session, check_in)
    watcher = checkins.add_watcher(session, check_in, person, "minsei")
    if watcher is None or watcher.id in already:
        return Outbox()
    watcher.role = "minsei"  # a family watcher who is also the 民生委員
    return (
        Outbox()
        .to(person.id, Text(t("watch.minsei_named", person.language, name=watched.display_name or "")))
        .to(watched.id, Text(t("watch.joined_told_minsei", watched.language, name=person.display_name or "")))
    )
