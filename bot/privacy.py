"""Keeping house and phone numbers out of the public landmark that every offer shows.

A landmark may name a block (2丁目) or a road (国道208号): that says where, not who. Summaries
are stricter and use bot.nlp.private.redact.
"""

from __future__ import annotations

import re
import unicodedata

# 3丁目2番1号, 3-2-1, 3の2の1, 1234番地, 090-1234-5678, 0968(12)3456 ...
_ADDRESS = re.compile(
    r"\d+\s*丁目\s*\d+(\s*(番地?|-|の)\s*\d+)?\s*号?"
    r"|\d+\s*番地?(\s*\d+\s*号)?"
    r"|\d+(\s*[-‐−の]\s*\d+){1,3}"
    r"|\(?0\d{1,4}[\s()-]*\d{1,4}[\s()-]*\d{3,4}"
)


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def has_address(text: str) -> bool:
    """Whether the text holds a house number, a block number or a phone number."""
    return bool(_ADDRESS.search(_normal(text)))


# Letters of a place name written right before a house number (緑ケ丘9-3-1, 黒崎町2-3): kanji,
# katakana; particles in hiragana (住所は9-3-1) end it.
_PLACE_NAME = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ffヶケ々]+$")


def address_in(text: str, before: str | None = None) -> str | None:
    """The address a message gives (「住所をまちがえました。9-3-1です」 -> 9-3-1), with the place name
    written before its number; a bare number takes the place name of the address `before`
    (緑ケ丘9-3-7 corrected by 9-3-1 is 緑ケ丘9-3-1)."""
    text = _normal(text)
    found = _ADDRESS.search(text)
    if found is None:
        return None
    name = _PLACE_NAME.search(text[: found.start()])
    if name is None and before:
        name = re.match(r"[^\d]*", _normal(before))
    return ((name.group(0) if name else "") + found.group(0)).strip()
