"""The kinds of help, in one table: what understanding, the time bank, the buttons and the
catalogs all read.

A new kind is one row here, its words in each `bot/nlp/vocab/<language>.toml`
(`[category.<key>]`), its name in each `bot/i18n/<locale>/request.toml` (`[kind]`) and a few
requests of it in `bot/nlp/corpus/train_ja.jsonl`, then a retrain (README, "How to add a kind of
help"); tests/core/test_kinds.py checks that none is missing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One kind of help: its key (stored on requests and helper profiles), the hours a task of it
    is paid in the time bank unless the helper says otherwise, and an icon for compact lists."""

    key: str
    minutes: int
    icon: str


# In the order people are offered them; "other" stays last (and wins no tie in understanding).
KINDS: tuple[Kind, ...] = (
    Kind("garbage", 15, "🗑"),
    Kind("dog_walking", 30, "🐕"),
    Kind("garden", 60, "🌱"),
    Kind("shopping", 45, "🛒"),
    Kind("smartphone", 30, "📱"),
    Kind("tidying", 90, "📦"),
    Kind("transport", 60, "🚗"),
    Kind("repair", 45, "🔨"),
    Kind("childcare", 60, "🧒"),
    Kind("other", 30, "💬"),
)
KEYS: tuple[str, ...] = tuple(kind.key for kind in KINDS)
DEFAULT_MINUTES: dict[str, int] = {kind.key: kind.minutes for kind in KINDS}
