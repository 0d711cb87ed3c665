"""Keeping addresses and phone numbers out of what many people read (offers, summaries)."""
from __future__ import annotations

import re
import unicodedata

# 3丁目2番1号, 3-2-1, 3の2の1, 1234番地, 090-1234-5678, 0968(12)3456 ... A block alone
# (2丁目) or a road (国道208号) says where, not who: those may stay.
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


def without_address(text: str) -> str:
    """The text with house, block and phone numbers taken out."""
    return re.sub(r"\s{2,}", " ", _ADDRESS.sub("", _normal(text))).strip(" 　、,の")
