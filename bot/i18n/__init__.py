"""Every text a person reads: catalogs per locale in bot/i18n/<locale>/<area>.toml.

A key is "<area>.<name>", e.g. "offer.accepted": the area is the file, the name
its key (nested tables make longer keys). `t` falls back to Japanese.
"""
from __future__ import annotations

import tomllib
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime, format_time

CATALOGS = Path(__file__).resolve().parent
DEFAULT_LOCALE = "ja"


def _flatten(prefix: str, table: dict, into: dict[str, str]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, dict):
            _flatten(key, value, into)
        else:
            into[key] = value


@cache
def catalog(locale: str) -> dict[str, str]:
    """All texts of one locale, by key."""
    texts: dict[str, str] = {}
    folder = CATALOGS / locale
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as file:
            _flatten(path.stem, tomllib.load(file), texts)
    return texts


def locales() -> list[str]:
    """The locales that have a catalog."""
    return sorted(p.name for p in CATALOGS.iterdir() if p.is_dir() and any(p.glob("*.toml")))


def supported(locale: str | None) -> str:
    """The given locale if we have it (ja-JP -> ja), else the default."""
    base = (locale or DEFAULT_LOCALE).split("-")[0].split("_")[0].lower()
    return base if base in locales() else DEFAULT_LOCALE


def t(key: str, locale: str | None, **fields: object) -> str:
    """The text for `key` in `locale` (falling back to Japanese), with fields filled in."""
    text = catalog(supported(locale)).get(key) or catalog(DEFAULT_LOCALE).get(key)
    if text is None:
        raise KeyError(f"no text for {key!r}")
    return text.format(**fields) if fields else text


def when_text(moment: datetime | date, locale: str | None) -> str:
    """A date (and time) as people of this locale write it (Babel patterns from the catalog)."""
    loc = supported(locale)
    if isinstance(moment, datetime):
        return format_datetime(moment, t("common.datetime_pattern", loc), locale=loc)
    return format_date(moment, t("common.date_pattern", loc), locale=loc)


def time_text(moment: datetime, locale: str | None) -> str:
    """A time of day for this locale."""
    loc = supported(locale)
    return format_time(moment, t("common.time_pattern", loc), locale=loc)


def list_text(items, locale: str | None) -> str:
    """Items joined as this locale lists them (、 in Japanese)."""
    return t("common.list_separator", locale).join(items)


def hours_text(minutes: int, locale: str | None) -> str:
    """A time-bank amount, e.g. "1時間30分" / "1 h 30 min"."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    key = "common.hours" if not rest else ("common.minutes" if not hours else "common.hours_minutes")
    return sign + t(key, locale, hours=hours, minutes=rest)
