"""A short summary of the need, in the sender's own words, for helpers to read."""

import re

from bot.nlp.classify import Analysis
from bot.nlp.tagger import Token

MAX_LENGTH = 40
_TIME_WORDS = re.compile(
    r"(今日|明日|明後日|あさって|今週|来週|再来週|今度)の?|[月火水木金土日]曜日?の?|(\d{1,2}月)?\d{1,2}日の?|"
    r"(午前|午後|朝|昼|夕方|夜)?の?\d{1,2}時(?!間)(半|\d{1,2}分)?(ごろ|頃)?(まで)?に?|(午前中|午後|夕方)に?")
_TRAILING = ("を", "は", "が", "も", "、", "の", "で", ",")
_PHRASE_END = re.compile(r"[。!?\n、,]|\.{3}|…")


def _offsets(text: str, tokens: tuple[Token, ...]) -> list[int]:
    """Character offset of every token in the normalised text."""
    offsets, cursor = [], 0
    for token in tokens:
        found = text.find(token.surface, cursor)
        offsets.append(found if found >= 0 else cursor)
        cursor = found + len(token.surface) if found >= 0 else cursor
    return offsets


def _phrase_bounds(text: str, position: int) -> tuple[int, int]:
    """Start and end of the phrase (between 、。…) around a character position."""
    starts = [m.end() for m in _PHRASE_END.finditer(text, 0, position)]
    end = _PHRASE_END.search(text, position)
    return (starts[-1] if starts else 0), (end.start() if end else len(text))


def _need_position(analysis: Analysis, offsets: list[int]) -> int:
    """Where the strongest category word stands (else where the text starts)."""
    hits = [h for h in analysis.hits if h.label.startswith("category:")]
    if not hits:
        return 0
    return offsets[max(hits, key=lambda h: h.weight).start]


def _cut_predicate(text: str, start: int, end: int, analysis: Analysis, offsets: list[int]) -> str:
    """Keep the phrase up to its last noun and a following まで/へ/に (ゴミを集積所まで)."""
    tokens = analysis.message.tokens
    inside = [i for i, o in enumerate(offsets) if start <= o < end]
    nouns = [i for i in inside if tokens[i].pos in ("名詞", "接尾辞")]
    if not nouns:
        return text[start:end]
    last = nouns[-1]
    stop = offsets[last] + len(tokens[last].surface)
    if last + 1 < len(tokens) and tokens[last + 1].surface in ("まで", "へ", "に") and last + 1 in inside:
        stop = offsets[last + 1] + len(tokens[last + 1].surface)
    return text[start:stop]


def summarise(analysis: Analysis) -> str:
    """The need in the person's words, at most 40 characters."""
    text = analysis.text
    if analysis.language == "en":
        return _shorten(re.split(r"[.!?]", text)[0].strip() or text)
    offsets = _offsets(text, analysis.message.tokens)
    start, end = _phrase_bounds(text, _need_position(analysis, offsets))
    words = _TIME_WORDS.sub("", _cut_predicate(text, start, end, analysis, offsets)).strip("、, ")
    while words.endswith(_TRAILING) and not words.endswith("まで"):
        words = words[:-1]
    return _shorten(words or text)


def _shorten(text: str) -> str:
    """Cut to the maximum length with an ellipsis."""
    return text if len(text) <= MAX_LENGTH else text[: MAX_LENGTH - 1] + "…"
