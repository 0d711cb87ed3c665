"""What a follower receives, per language, and the question it leaves open."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from bot.events import Button, Card, Message, Text
from bot.i18n import DEFAULT_LOCALE, supported, t
from db.models import Circular, Conversation

# A circular's own pending questions may replace each other; any other (an open offer) stays.
REPLY_STATES = ("circular_confirm", "safety_check")
REPLY_MINUTES = 24 * 60


def localized(circular: Circular, language: str) -> tuple[str, str]:
    """Title and body in the follower's language where a translation was given; else the
    Japanese, after a short note in their language that it is the Japanese original."""
    translation = (circular.translations or {}).get(language) or {}
    title, body = translation.get("title") or circular.title, translation.get("body")
    if body:
        return title, body
    if supported(language) == DEFAULT_LOCALE:
        return title, circular.body
    return title, "\n".join(filter(None, [t("circular.untranslated", language), circular.body]))


def _button(key: str, language: str, action: str, *args: int) -> Button:
    label = t(key, language)
    return Button(label, ":".join([action, *(str(a) for a in args)]), label)


def messages_for(circular: Circular, district_name: str, language: str, for_id: int | None = None) -> list[Message]:
    """The messages of a circular or a safety check for followers of one language.

    With `for_id`, its buttons answer for that person (a proxy presses them on their behalf).
    """
    title, body = localized(circular, language)
    args = (circular.id,) if for_id is None else (circular.id, for_id)
    buttons: tuple[Button, ...]
    if circular.kind == "safety_check":
        buttons = (
            _button("safety.safe_button", language, "safety.safe", *args),
            _button("safety.need_help_button", language, "safety.need_help", *args),
        )
        # The answers stay on the message: a later message must not take them away.
        return [Text(t("safety.ask", language, district=district_name, title=title, body=body), buttons, lasting=True)]
    buttons = ()
    if circular.needs_confirmation:
        buttons = (_button("circular.confirm_button", language, "circular.confirm", *args),)
    heading = t("circular.heading", language, district=district_name, title=title)
    return [Card(heading, body, buttons, circular.image_url, alt_text=heading)]


def reminder_for(circular: Circular, district_name: str, language: str, for_id: int | None = None) -> list[Message]:
    """A second ask to a follower who has not answered a safety check."""
    first = messages_for(circular, district_name, language, for_id)[0]
    return [Text(t("safety.reminder", language, district=district_name), first.buttons, lasting=True)]


def on_behalf(
    circular: Circular, district_name: str, language: str, name: str | None, for_id: int, *, reminder: bool = False
) -> list[Message]:
    """What a proxy gets for the person they represent: whom it is for, then the circular."""
    area = "safety" if circular.kind == "safety_check" else "circular"
    intro = Text(t(f"{area}.for_represented", language, name=name or t("circular.no_name", language)))
    compose = reminder_for if reminder else messages_for
    return [intro, *compose(circular, district_name, language, for_id)]


def reply_state(circular: Circular) -> str | None:
    """The question a follower is left with: read confirmation or safe/need help."""
    if circular.kind == "safety_check":
        return "safety_check"
    return "circular_confirm" if circular.needs_confirmation else None


def ask_reply(session: Session, circular: Circular, resident_ids: list[int], now: datetime) -> None:
    """Remember, for a batch at once, that these followers were asked about this circular."""
    state = reply_state(circular)
    if state is None or not resident_ids:
        return
    existing = dict(
        session.execute(
            select(Conversation.resident_id, Conversation.state).where(Conversation.resident_id.in_(resident_ids))
        ).all()
    )
    # Whether someone is safe matters more than any question left open (a draft, an offer):
    # a safety check takes the reply; a circular's confirmation waits its turn.
    free = [r for r in resident_ids if state == "safety_check" or existing.get(r, state) in REPLY_STATES]
    if not free:
        return
    session.execute(delete(Conversation).where(Conversation.resident_id.in_([r for r in free if r in existing])))
    expires = now + timedelta(minutes=REPLY_MINUTES)
    session.execute(
        insert(Conversation),
        [
            {
                "resident_id": r,
                "state": state,
                "data": {"circular_id": circular.id},
                "expires_at": expires,
                "updated_at": now,
            }
            for r in free
        ],
    )
