"""Reading the admin pages' forms into the core's values; a catalog key names what is wrong."""

from __future__ import annotations

from datetime import datetime

from bot.circulars.circulars import Draft
from bot.i18n import DEFAULT_LOCALE, locales

TITLE_MAX = 200
BODY_MAX = 5000
NAME_MAX = 100
ADDRESS_MAX = 500
PHONE_MAX = 30
MAX_PARTICIPANTS = 200
MAX_CLASS_MINUTES = 8 * 60


class FormError(ValueError):
    """A field the admin should correct; args[0] is the catalog key of the explanation."""


def text(form, name: str, limit: int, *, required: bool = False, too_long: str | None = None) -> str:
    """A stripped text field, refused when required and empty or longer than `limit`.

    Browsers send a textarea's line breaks as CRLF; residents' phones should get plain newlines.
    """
    value = (form.get(name) or "").replace("\r\n", "\n").strip()
    if required and not value:
        raise FormError(f"admin.form.{name}_missing")
    if len(value) > limit:
        raise FormError(too_long or f"admin.form.{name}_long")
    return value


def number(form, name: str, top: int) -> int:
    """A whole number from 1 to `top`."""
    value = (form.get(name) or "").strip()
    if not value.isdigit() or not 1 <= int(value) <= top:
        raise FormError(f"admin.form.{name}_number")
    return int(value)


def choice(form, name: str, allowed: list[int]) -> int:
    """The id chosen in a list, only among those offered."""
    value = (form.get(name) or "").strip()
    if not value.isdigit() or int(value) not in allowed:
        raise FormError(f"admin.form.{name}_missing")
    return int(value)


def send_time(form, now: datetime) -> datetime | None:
    """None to send now, else the chosen local date and time, which must be in the future."""
    if form.get("timing", "now") != "later":
        return None
    try:
        moment = datetime.fromisoformat((form.get("at") or "").strip())
    except ValueError:
        raise FormError("admin.form.at_missing") from None
    if moment <= now:
        raise FormError("admin.form.at_past")
    return moment.replace(tzinfo=None)


def image_link(form) -> str | None:
    """An optional image link; LINE shows images from https addresses only."""
    link = text(form, "image_url", 1000)
    if link and not link.startswith("https://"):
        raise FormError("admin.form.image_url_https")
    return link or None


def translated_locales() -> list[str]:
    """The languages an admin may add a translation in (fields title_<locale>, body_<locale>)."""
    return [locale for locale in locales() if locale != DEFAULT_LOCALE]


def translations(form) -> dict:
    """The optional translations, by locale: {"vi": {"title": ..., "body": ...}}."""
    given = {}
    for locale in translated_locales():
        title = text(form, f"title_{locale}", TITLE_MAX, too_long="admin.form.translation_title_long")
        body = text(form, f"body_{locale}", BODY_MAX, too_long="admin.form.translation_body_long")
        if title or body:
            given[locale] = {"title": title, "body": body}
    return given


def draft(form, district_id: int, kind: str, now: datetime, remind_after: int | None) -> Draft:
    """The circular or safety check the compose form describes."""
    safety = kind == "safety_check"
    return Draft(
        district_id,
        text(form, "title", TITLE_MAX, required=True),
        text(form, "body", BODY_MAX),
        image_url=None if safety else image_link(form),
        needs_confirmation=not safety and form.get("confirm") == "yes",
        translations=translations(form),
        scheduled_at=send_time(form, now),
        kind=kind,
        remind_after_minutes=remind_after if safety else None,
    )
