"""How a request reads to people: its kind, its time, the offer card (public details only)."""

from __future__ import annotations

from bot.events import Card, button
from bot.i18n import t, time_text, when_text
from bot.nlp.private import redact
from bot.nlp.when import PARTS as SAID_PARTS
from db.models import HelpRequest, Offer, Resident


def kind(category: str, locale: str) -> str:
    """The name of a kind of help, e.g. "ごみ出し"."""
    return t(f"request.kind.{category}", locale)


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


def district_name(request: HelpRequest) -> str:
    """The request's district name, or empty."""
    return request.district.name if request.district is not None else ""


def offer_card(request: HelpRequest, offer: Offer, locale: str) -> Card:
    """What a helper is offered: the kind, the time, the district and the public landmark only."""
    # The summary is the person's own words: never let a house or phone number through.
    summary = redact(request.summary or "") or kind(request.category, locale)
    body = t(
        "offer.card_body",
        locale,
        summary=summary,
        when=when(request, locale),
        district=district_name(request),
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
    )
