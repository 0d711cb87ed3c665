"""Which of the known district names a message mentions (spelling and reading variants)."""

from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz import fuzz

from bot.nlp.normalise import fold_kana, normalise
from bot.nlp.romaji import to_romaji
from bot.nlp.tagger import tokenize

DISTRICT_THRESHOLD = 88.0
_SUFFIXES = ("地区", "区", "町", "丁目", "市")


def _reading(text: str) -> str:
    """The katakana reading of a text (緑ケ丘 -> ミドリガオカ)."""
    return "".join(t.kana for t in tokenize(text) if t.pos not in ("補助記号", "空白"))


@lru_cache(maxsize=4096)  # every message naming a district is compared with every district's name
def _spellings(name: str) -> frozenset[str]:
    """A district name with and without its 区/町 suffix, written and read (worked out once per name)."""
    clean = fold_kana(normalise(name))
    forms = {clean} | {clean[: -len(s)] for s in _SUFFIXES if clean.endswith(s) and len(clean) > len(s) + 1}
    readings = {_reading(f) for f in forms if f}
    return frozenset({f for f in forms if f} | readings | _romaji(readings))


def _romaji(readings: set[str]) -> set[str]:
    """Readings in Latin letters (クロサキ -> kurosaki; キョウ also as kyo), for English messages."""
    spelled = {to_romaji(r) for r in readings if len(r) >= 2}
    return {s for s in spelled if len(s) >= 4} | {
        s.replace("ou", "o").replace("uu", "u") for s in spelled if len(s) >= 4
    }


def find_district(text: str, names: Sequence[str]) -> str | None:
    """The given district name the text mentions, exactly or by a near reading."""
    clean = fold_kana(normalise(text)).lower()
    reading = _reading(normalise(text))
    best, best_score = None, 0.0
    for name in names:
        for form in _spellings(name):
            # Near readings only for a message at least as long as the name: a short word is
            # no district because the name holds it ("ok" is in midorigaoka).
            near = len(form) >= 4 and len(reading) >= len(form) - 1
            score = 100.0 if form in clean or form in reading else (fuzz.partial_ratio(form, reading) if near else 0.0)
            if score > best_score:
                best, best_score = name, score
    return best if best_score >= DISTRICT_THRESHOLD else None
