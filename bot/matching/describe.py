"""How a request reads to people: its kind, its time, the offer card (public details only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import object_session

from bot.events import Card, button
from bot.i18n import list_text, t, time_text, when_text
from bot.nlp.normalise import to_katakana
from bot.nlp.private import redact
from bot.nlp.romaji import to_romaji
from bot.nlp.when import PARTS as SAID_PARTS
from db.models import District, HelpRequest, Offer, Resident


def kind(category: str, locale: str) -> str:
    """The name of a kind of help, e.g. "ごみ出し"."""
    return t(f"request.kind.{category}", locale)


# the accepted helper reads the request as written, up to this long
WORDS_CHARS = 300
PARTS = ("morning", "afternoon", "evening")
# The hour a part of day alone stands for (朝 -> 9:00): a clock time other than these was said.
PART_HOURS = {(part, hour) for part, hour in SAID_PARTS.values()}


def when(request: HelpRequest, locale: str) -> str:
    """When the help is needed, as the requester said it."""
    if request.when is not None:
        day = when_text(request.when.date(), locale)
        if request.time_of_day in PARTS:
            said = day + t(f"request.part.{request.time_of_day}", locale)
            if (request.time_of_day, request.when.hour) in PART_HOURS and request.when.minute == 0:
                return said
            return f"{said} {time_text(request.when, locale)}"  # 朝8時: both, as said
        if (request.when.hour, request.when.minute) != (0, 0):
            return when_text(request.when, locale)
        return day
    if request.time_of_day in PARTS:
        return t(f"request.part.{request.time_of_day}", locale)
    return t("request.anytime", locale)


def kinds(request: HelpRequest, locale: str) -> str:
    """Its kind, with the other kinds asked for in the same message (「ゴミ出し、買い物」); a need of
    no named kind with the words it was understood by (「その他（重い荷物）」), for the person who
    asked to see that it was."""
    first = kind(request.category, locale)
    if request.category == "other" and request.summary:
        first = t("request.kind_with_summary", locale, kind=first, summary=request.summary)
    more = [kind(extra["category"], locale) for extra in request.more_kinds or []]
    return list_text([first, *more], locale)


def whens(request: HelpRequest, locale: str) -> str:
    """Its time; with other kinds that have a time of their own, each kind's (「ゴミ出し：明日の朝、…」)."""
    extras = request.more_kinds or []
    if not any(extra.get("when") or extra.get("time_of_day") for extra in extras):
        return when(request, locale)
    each = [(request.category, when(request, locale))]
    each += [(extra["category"], when(companion(request, extra), locale)) for extra in extras]
    return list_text((t("request.kind_when", locale, kind=kind(c, locale), when=w) for c, w in each), locale)


def companion(request: HelpRequest, extra: dict) -> HelpRequest:
    """The request another kind asked for with this one becomes (not added to any session)."""
    own = extra.get("when") or extra.get("time_of_day")
    return HelpRequest(
        resident_id=request.resident_id,
        created_by_id=request.created_by_id,
        district_id=request.district_id,
        district=request.district,
        category=extra["category"],
        text=request.text,
        summary=(extra.get("summary") or "")[:200],
        when=datetime.fromisoformat(extra["when"]) if extra.get("when") else (None if own else request.when),
        time_of_day=extra.get("time_of_day") if own else request.time_of_day,
        landmark=request.landmark,
        meeting_point=request.meeting_point,
        note=request.note,  # said at the summary of them all: for each helper who takes one
        status=request.status,
    )


def _asked_with_others(request: HelpRequest) -> bool:
    """Whether the same message asked for other kinds too (「ゴミ出しと、病院の付き添いも」): its words
    then tell one helper of needs that are not theirs to know."""
    session = object_session(request)
    if session is None or not request.text:
        return False
    same = select(HelpRequest.id).where(
        HelpRequest.created_by_id == request.created_by_id,
        HelpRequest.text == request.text,
        HelpRequest.id != request.id,
    )
    return session.scalar(same.limit(1)) is not None


def district_name(request: HelpRequest, locale: str = "ja") -> str:
    """The request's district name (黒崎 Kurosaki for a person who reads no kanji), or empty."""
    return district_label(request.district, locale, room=40) if request.district is not None else ""


def district_label(district: District, locale: str, room: int = 20) -> str:
    """The district's name, with its reading in Latin letters for a person who reads no kanji
    (黒崎 Kurosaki), where it fits `room` (LINE's 20 characters of a quick reply)."""
    if locale.startswith("ja") or not district.reading:
        return district.name
    spelled = to_romaji(to_katakana(district.reading)).capitalize()
    label = f"{district.name} {spelled}"
    return label if spelled and len(label) <= room else district.name


def offer_card(request: HelpRequest, offer: Offer, locale: str) -> Card:
    """What a helper is offered: the kind, the time, the district and the public landmark only."""
    # The summary is the person's own words: never let a house or phone number through.
    summary = redact(request.summary or "") or kind(request.category, locale)
    body = t(
        "offer.card_body",
        locale,
        summary=summary,
        when=when(request, locale),
        district=district_name(request, locale),
        landmark=request.landmark or t("offer.no_landmark", locale),
    )
    return Card(
        t("offer.card_title", locale, kind=kind(request.category, locale)),
        body,
        (
            button(t("offer.accept_button", locale), "offer.accept", offer.id),
            button(t("offer.decline_button", locale), "offer.decline", offer.id),
        ),
        alt_text=t("offer.card_title", locale, kind=kind(request.category, locale)),
    )


def meeting_details(request: HelpRequest, requester: Resident, locale: str) -> str:
    """For the accepted helper only: who, when, where exactly, how to reach them."""
    return t(
        "offer.meeting_details",
        locale,
        name=requester.display_name or "",
        kind=kind(request.category, locale),
        when=when(request, locale),
        place=request.meeting_point or requester.address or t("offer.no_place", locale),
        phone=requester.phone or t("offer.no_phone", locale),
        words=their_words(request, locale) + (t("offer.their_note", locale, text=request.note) if request.note else ""),
    )


def their_words(request: HelpRequest, locale: str) -> str:
    """The request as the person wrote it (「写真ば孫に送りたい」 says more than the summary), for the
    helper who took it; nothing when the summary already says it all."""
    text = " ".join((request.text or "").split())
    if not text or text == request.summary or _asked_with_others(request):
        return ""
    return t("offer.their_words", locale, text=text if len(text) <= WORDS_CHARS else text[: WORDS_CHARS - 1] + "…")
