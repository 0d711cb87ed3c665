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
    is paid in the time bank unless the helper says otherwise, an icon for compact lists, and the
    kinds whose helpers could most likely do it too (a carpenter moves a wardrobe): the ones an
    admin is shown next when nobody of the kind took it."""

    key: str
    minutes: int
    icon: str
    near: tuple[str, ...] = ()


# In the order people are offered them; "other" stays last (and wins no tie in understanding).
KINDS: tuple[Kind, ...] = (
    Kind("garbage", 15, "🗑", near=("tidying",)),
    Kind("dog_walking", 30, "🐕"),
    Kind("garden", 60, "🌱", near=("repair",)),
    Kind("shopping", 45, "🛒", near=("transport",)),
    Kind("smartphone", 30, "📱"),
    Kind("tidying", 90, "📦", near=("repair", "garbage")),
    Kind("transport", 60, "🚗", near=("shopping",)),
    Kind("repair", 45, "🔨", near=("tidying", "garden")),
    Kind("childcare", 60, "🧒"),
    Kind("other", 30, "💬"),
)
KEYS: tuple[str, ...] = tuple(kind.key for kind in KINDS)
DEFAULT_MINUTES: dict[str, int] = {kind.key: kind.minutes for kind in KINDS}
NEAR: dict[str, tuple[str, ...]] = {kind.key: kind.near for kind in KINDS}
