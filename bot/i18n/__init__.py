"""Every text a person reads: catalogs per locale in bot/i18n/<locale>/<area>.toml.

A key is "<area>.<name>", e.g. "offer.accepted": the area is the file, the name
its key (nested tables make longer keys). `t` falls back to Japanese.
Locales: ja, en, vi, zh-Hans, ko and ja-easy (やさしい日本語, plain Japanese for newcomers).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime, format_time

CATALOGS = Path(__file__).resolve().parent
DEFAULT_LOCALE = "ja"
# How platforms and browsers name languages (LINE: "zh-Hant", "ko-KR"...) -> our catalogs.
# Readers of traditional Chinese read simplified far more easily than Japanese.
_ALIASES = {
    "zh": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-hant": "zh-Hans",
    "zh-tw": "zh-Hans",
    "zh-hk": "zh-Hans",
}
# Babel's name for a catalog's locale (やさしい日本語 writes dates as Japanese does).
_BABEL = {"ja-easy": "ja", "zh-Hans": "zh_Hans"}


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


@cache
def locales() -> list[str]:
    """The locales that have a catalog."""
    return sorted(p.name for p in CATALOGS.iterdir() if p.is_dir() and any(p.glob("*.toml")))


@cache
def supported(locale: str | None) -> str:
    """The catalog for a language tag (ja-JP -> ja, zh-TW -> zh-Hans, ko-KR -> ko), else the default."""
    known = {name.lower(): name for name in locales()}
    tag = (locale or DEFAULT_LOCALE).replace("_", "-").lower()
    for candidate in (tag, "-".join(tag.split("-")[:2]), tag.split("-")[0]):
        found = known.get(candidate) or known.get(_ALIASES.get(candidate, "").lower())
        if found:
            return found
    return DEFAULT_LOCALE


def babel_locale(locale: str | None) -> str:
    """Babel's locale name for one of our catalogs."""
    found = supported(locale)
    return _BABEL.get(found, found)


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
        return format_datetime(moment, t("common.datetime_pattern", loc), locale=babel_locale(loc))
    return format_date(moment, t("common.date_pattern", loc), locale=babel_locale(loc))


def time_text(moment: datetime, locale: str | None) -> str:
    """A time of day for this locale (見守り's greeting times)."""
    loc = supported(locale)
    return format_time(moment, t("common.time_pattern", loc), locale=babel_locale(loc))


def list_text(items: Iterable[str], locale: str | None) -> str:
    """Items joined as this locale lists them (、 in Japanese)."""
    return t("common.list_separator", locale).join(items)


def hours_text(minutes: int, locale: str | None) -> str:
    """A time-bank amount, e.g. "1時間30分" / "1 h 30 min"."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    key = "common.hours" if not rest else ("common.minutes" if not hours else "common.hours_minutes")
    return sign + t(key, locale, hours=hours, minutes=rest)
