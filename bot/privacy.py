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
