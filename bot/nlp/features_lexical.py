"""Features of a Vietnamese, Chinese, Korean or English message for the learned layer.

The same kinds of evidence as the Japanese features (bot/nlp/features.py), without a tagger:
words (Vietnamese syllables without their marks, so that a message typed bare reads the same;
English stems), pairs of words, Chinese and Korean characters and their pairs and triples (Korean
particles stick to the word: 쓰레기를 shares 쓰레 with 쓰레기), the words of the last clause (after
"but" or a new sentence, the answer to a safety check), how the message ends, the vocabulary's
hits and the rules' own reading. With a pending question, the words and hits are also seen
paired with it (ok after an offer is a yes, after a safety check a safe).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Final, NamedTuple

from bot.nlp import matcher
from bot.nlp.english import tokenize_en
from bot.nlp.lexical import Hit, lexicon, prepare, strip_marks
from bot.nlp.tagger import Token

_BOUNDARY: Final = re.compile(r"[|,.!?;:，。！？；：、…\n]")
_NOT_LETTER: Final = re.compile(r"[\W_]+")
_QUESTION: Final = ("?", "？", "吗", "呢", "까", "니", "나요", "khong", "chua", "ko")
_IN_CONTEXT: Final = ("w:", "h:", "hl:", "r", "e1:", "l:")
_ENGLISH_CONTRAST: Final = ("but", "except", "however", "although")  # as bot.nlp.english's clause ends


# builds a Cue without NamedTuple's Python-level __new__ (as bot.nlp.matcher builds its hits)
_new_tuple: Final = tuple.__new__


class Cue(NamedTuple):
    """A vocabulary hit as the features see it: its label, negated, in the last clause, after a but,
    and where it starts (characters in Vietnamese, Chinese and Korean, words in English)."""

    label: str
    negated: bool
    last: bool
    after_contrast: bool
    start: int


def _units(clause: str, language: str) -> list[str]:
    """The word units of one clause: syllables (vi), words (en), eojeol (ko), characters (zh)."""
    if language == "vi":
        return strip_marks(clause).split()
    if language == "zh-Hans":
        return [c for c in clause if c.isalnum()]
    if language == "en":
        return [t.key for t in tokenize_en(clause) if not t.boundary]
    return [w for w in _NOT_LETTER.sub(" ", clause).split() if w]


def _grams(units: Sequence[str], language: str) -> list[str]:
    """Words, pairs of words and, for Chinese and Korean, character pairs and triples."""
    names = [f"w:{u}" for u in units]
    names += [f"b:{a}_{b}" for a, b in zip(units, units[1:])]
    if language == "zh-Hans":
        names += [f"t:{a}{b}{c}" for a, b, c in zip(units, units[1:], units[2:])]
    if language == "ko":
        for word in units:
            names += [f"g:{word[i : i + 2]}" for i in range(len(word) - 1)]
            names += [f"t:{word[i : i + 3]}" for i in range(len(word) - 2)]
            names += [f"c1:{char}" for char in word]
    return names


def _clauses(text: str, language: str) -> list[str]:
    """The message cut at punctuation and before a contrast word (nhưng, 但是, 지만, but)."""
    contrast = lexicon(language).contrast if language != "en" else _ENGLISH_CONTRAST
    for word in contrast:
        spaced = language in ("vi", "en")
        text = text.replace(f" {word} " if spaced else word, f" | {word} " if spaced else f"|{word}")
    return [c for c in _BOUNDARY.split(text) if c.strip()]


def _ending(text: str, units: list[str]) -> list[str]:
    """How the message ends: its last unit and the one before, and whether it asks a question."""
    question = any(text.rstrip().endswith(q) for q in _QUESTION)
    return [
        f"e1:{units[-1]}" if units else "e1:",
        f"e2:{units[-2]}" if len(units) > 1 else "e2:",
        f"q:{question}",
    ]


def _cue_features(cues: Iterable[Cue]) -> list[str]:
    """Hits: their label (negated ~), where they stand (last clause, after a but)."""
    names = []
    for cue in cues:
        label = f"{cue.label}{'~' if cue.negated else ''}"
        names.append(f"h:{label}")
        if cue.last:
            names.append(f"hl:{label}")
        if cue.after_contrast:
            names.append(f"hc:{label}")
    return names


_ASKING: Final = ("cue:ask", "cue:want")
# the languages whose models read the kind named nearest the ask (session 10: 5-fold cross-validation
# of vi 1,442 of 1,551 against 1,440 without, en 1,429 of 1,559 against 1,430; zh-Hans and ko untried)
_ASKED_KIND: Final = frozenset({"vi", "en"})


def _asked_kind(cues: Sequence[Cue]) -> list[str]:
    """The kind of help named nearest to where the message asks (「need someone to watch the baby
    while I go to the clinic」: the baby, not the clinic; 「Đi viện một tuần, nhờ tưới rau giùm」):
    the thing asked for, where other kinds named are the reason or the circumstances."""
    asks = [c.start for c in cues if c.label in _ASKING and not c.negated]
    kinds = [c for c in cues if c.label.startswith("category:") and not c.negated]
    if not asks or not kinds:
        return []
    nearest = min(kinds, key=lambda kind: min(abs(kind.start - at) for at in asks))
    return [f"n:{nearest.label}"]


def _told_in_past(text: str) -> list[str]:
    """English words in the past tense by their stem (mowed the lawn, fed the cat: a report of help
    given, not the ask that mow and feed make), and whether the message opens with one."""
    tokens = [t for t in tokenize_en(text) if not t.boundary]
    names = [f"p:{t.key}" for t in tokens if t.past]
    opening = tokens[1:2] if tokens and tokens[0].key in ("i", "we", "just", "already", "have") else tokens[:1]
    if opening and opening[0].past:
        names.append("p0")
    return names


# Where an English message's words stand: a kind named after "while", "because" or "since" (or
# before "so") is the reason, after "instead of" or "rather than" it is set aside; otherwise it is in
# the clause that asks, in one told in the past (a favour someone did), or beside them.
_EN_PIECES: Final = re.compile(r"[,:，、…\n|]")
_EN_REASONS: Final = frozenset({"while", "because", "since", "cos", "coz", "cause", "bc", "until", "till"})
_EN_SET_ASIDE: Final = {"instead": "of", "rather": "than"}


def _english_marks(prepared: str) -> tuple[list[Token], list[int], list[str]]:
    """An English message's tokens, each one's clause (cut at commas too) and its mark: reason,
    aside or ""."""
    tokens: list[Token] = []
    clauses: list[int] = []
    marks: list[str] = []
    clause = 0
    for piece in _EN_PIECES.split(prepared):
        words = tokenize_en(piece)
        mark, begun = "", len(marks)
        for index, token in enumerate(words):
            word = token.surface
            if word in _EN_REASONS:
                mark = "reason"
            elif word == "so" and not mark:
                marks[begun:] = ["reason"] * (len(marks) - begun)  # "I'm sick so ...": what came before
            elif _EN_SET_ASIDE.get(word) == (words[index + 1].surface if index + 1 < len(words) else ""):
                mark = "aside"
            tokens.append(token)
            clauses.append(clause)
            marks.append(mark)
            if token.boundary:
                clause += 1
                mark, begun = "", len(marks)
        clause += 1
    return tokens, clauses, marks


def _english_roles(prepared: str, cues: Sequence[Cue]) -> list[str]:
    """The kinds of help named, by where they stand: asked (cr:ask:), reason, aside, told, beside."""
    kinds = [c for c in cues if c.label.startswith("category:")]
    if not kinds:
        return []
    tokens, clauses, marks = _english_marks(prepared)
    asked = {clauses[c.start] for c in cues if c.label in _ASKING and not c.negated and c.start < len(clauses)}
    told = {clause for token, clause in zip(tokens, clauses) if token.past}
    names = []
    for kind in kinds:
        if kind.start >= len(clauses):
            continue
        clause = clauses[kind.start]
        role = marks[kind.start] or ("ask" if clause in asked else "told" if clause in told else "side")
        names.append(f"cr:{role}:{kind.label[9:]}{'~' if kind.negated else ''}")
    return names


# The answers whose turn after a but the models read (「Tôi ổn nhưng bà cần thuốc」: safe, then a
# need that no word of the vocabulary names; 「괜찮은데 할아버지 약이 급해요」).
_TURNED: Final = ("cue:safe", "cue:need_help", "cue:accept", "cue:decline")
_TURN_LANGUAGES: Final = frozenset({"vi", "zh-Hans", "ko"})


def _turn(prepared: str, language: str, cues: Sequence[Cue]) -> list[str]:
    """What the answer words before a contrast say and what those after it say (safe>: fine, but
    something else follows), for a message that turns with a contrast word."""
    spaced = language == "vi"
    if not any((f" {word} " if spaced else word) in prepared for word in lexicon(language).contrast):
        return []
    before = sorted({_answer(cue) for cue in cues if not cue.after_contrast and cue.label in _TURNED})
    after = sorted({_answer(cue) for cue in cues if cue.after_contrast and cue.label in _TURNED})
    return [f"tc:{'+'.join(before)}>{'+'.join(after)}"]


def _answer(cue: Cue) -> str:
    """cue:safe -> safe, negated: safe~."""
    return cue.label[4:] + ("~" if cue.negated else "")


def features(
    text: str, language: str, cues: Sequence[Cue], rules: tuple[str, str | None], context: str | None
) -> list[str]:
    """Feature names of one message in a language without a tagger, given the rules' reading
    and the pending question."""
    prepared = prepare(text, language) if language != "en" else " " + unicodedata.normalize("NFKC", text).lower()
    by_clause = [_units(clause, language) for clause in _clauses(prepared, language)]
    units = [u for clause in by_clause for u in clause]
    names = ["bias", *_grams(units, language)]
    if len(by_clause) > 1:
        names += [f"l:{u}" for u in by_clause[-1]]
    names += _ending(prepared, units)
    if language == "en":
        names += _told_in_past(prepared)
        names += _english_roles(prepared, cues)
    names += _cue_features(cues)
    if language in _ASKED_KIND:
        names += _asked_kind(cues)
    names += [f"ri:{rules[0]}", f"rc:{rules[1]}"]
    if context:
        names += [f"{context}|{name}" for name in names if name.startswith(_IN_CONTEXT)] + [f"ctx:{context}"]
        if language in _TURN_LANGUAGES:
            names += [f"{context}|{name}" for name in _turn(prepared, language, cues)]
    return names


def lexical_cues(hits: Sequence[Hit]) -> list[Cue]:
    """The cues of a Vietnamese, Chinese or Korean message's phrase hits."""
    last = max((h.clause for h in hits), default=0)
    return [_new_tuple(Cue, (h.label, h.negated, h.clause == last, h.after_contrast, h.start)) for h in hits]


def english_cues(hits: Sequence[matcher.Hit]) -> list[Cue]:
    """The cues of an English message's vocabulary hits (clauses end at . ! ? ; and but)."""
    last = max((h.clause for h in hits), default=0)
    return [_new_tuple(Cue, (h.label, h.negated, h.clause == last, h.clause > 0, h.start)) for h in hits]
