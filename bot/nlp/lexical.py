"""Understanding of Vietnamese, Chinese and Korean messages from vocab/<language>.toml.

These languages are read by phrases, not by a tagger: Chinese and Korean as substrings
(Korean particles stick to the word: 쓰레기를 holds 쓰레기), Vietnamese as whole words,
also when typed without its marks (giup do = giúp đỡ). A phrase right after a negation
(không, 不, 안) counts for its `negated` label; a kind of help that is negated (不是打扫,
không phải dọn dẹp) counts little, so "not X but Y" picks Y.
"""

from __future__ import annotations

import bisect
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.nlp.language import SIMPLIFIED

VOCAB_DIR = Path(__file__).parent / "vocab"
LANGUAGES = ("vi", "zh-Hans", "ko")
WEIGHTS = {"strong": 3.0, "medium": 2.0, "weak": 1.0}
NEGATED_CATEGORY = 0.2
ASKED_CLAUSE = 1.5  # a kind of help named where the person asks (cần người trông con) counts more
UNASKED_CLAUSE = 0.5  # ... and one named elsewhere (the reason: đưa con lớn đi bệnh viện) less
_SPACED = frozenset({"vi"})
_PUNCTUATION = re.compile(r"[^\w\s]+")
_BOUNDARY = re.compile(r"[|,.!?;:，。！？；：、…\n]")


@dataclass(frozen=True)
class Phrase:
    """One vocabulary phrase: what it is evidence for, how much, and its label when negated."""

    text: str
    label: str
    weight: float
    negated_label: str | None
    says_negation: bool


@dataclass(frozen=True)
class Lexicon:
    """One language's phrases, negation words and time words."""

    language: str
    phrases: tuple[Phrase, ...]
    negations: tuple[str, ...]
    negation_after: tuple[str, ...]
    when: dict[str, str]
    # Words that start a new clause: but, rather (nhưng, 但是, 지만).
    contrast: tuple[str, ...] = ()
    # Trades and past jobs that fit a kind of help (thợ mộc, 木匠, 목수 -> repair).
    skills: tuple[tuple[str, str], ...] = ()
    # Phrases that, without their marks, are other common words (chó -> cho "for").
    bare_ambiguous: frozenset[str] = frozenset()

    def bare(self, phrases: Mapping[str, object] | list) -> list:
        """(phrase without marks, item) for the items usable in a message typed without marks."""
        pairs = [(strip_marks(key), key) for key in phrases]
        return [(bare, key) for bare, key in pairs if bare not in self.bare_ambiguous]


def strip_marks(text: str) -> str:
    """Vietnamese without tone and vowel marks (giúp đỡ -> giup do)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def has_marks(text: str) -> bool:
    """Whether a Latin text carries any accent (typed with a Vietnamese keyboard)."""
    return strip_marks(text) != text


def prepare(text: str, language: str) -> str:
    """Lower case, NFKC, Chinese in simplified characters; Vietnamese words spaced out between
    single spaces for whole-word search."""
    text = unicodedata.normalize("NFKC", text).lower()
    if language == "zh-Hans":
        text = text.translate(SIMPLIFIED)
    if language in _SPACED:  # punctuation kept as "|", a clause edge no phrase crosses
        return " " + " ".join(_PUNCTUATION.sub(" | ", text).split()) + " "
    return text


def _as_prepared(phrase: str) -> str:
    """A vocabulary phrase as prepare() leaves a message (NFKC: Korean shorthand ㅇㅋ is typed in
    compatibility letters that a message holds as ᄋᄏ)."""
    return unicodedata.normalize("NFKC", phrase).lower()


def _phrases(data: dict, negations: tuple[str, ...]) -> list[Phrase]:
    """Every cue and category phrase of a vocabulary file."""
    found = []
    for name, table in data.get("cue", {}).items():
        weight, negated = float(table.get("weight", 1.0)), table.get("negated")
        for text in table.get("terms", []):
            found.append(
                Phrase(
                    _as_prepared(text),
                    f"cue:{table.get('counts_for', name)}",
                    weight,
                    negated and f"cue:{negated}",
                    any(n in text for n in negations),
                )
            )
    for name, table in data.get("category", {}).items():
        for strength, weight in WEIGHTS.items():
            label = f"category:{name}"
            found += [Phrase(_as_prepared(text), label, weight, None, False) for text in table.get(strength, [])]
    return found


@cache
def lexicon(language: str) -> Lexicon:
    """Read vocab/<language>.toml once per process."""
    with open(VOCAB_DIR / f"{language}.toml", "rb") as file:
        data = tomllib.load(file)
    negation = data.get("negation", {})
    before = tuple(w.lower() for w in negation.get("before", []))
    after = tuple(w.lower() for w in negation.get("after", []))
    phrases = sorted(_phrases(data, before + after), key=lambda p: -len(p.text))
    ambiguous = frozenset(data.get("bare", {}).get("ambiguous", []))
    contrast = tuple(data.get("clauses", {}).get("contrast", []))
    skills = tuple(
        (word.lower(), name) for name, table in data.get("skill", {}).items() for word in table.get("terms", [])
    )
    return Lexicon(language, tuple(phrases), before, after, dict(data.get("when", {})), contrast, skills, ambiguous)


@dataclass(frozen=True)
class Hit:
    """A phrase found at a place in the message, and whether a negation governs it."""

    phrase: Phrase
    start: int
    negated: bool
    clause: int = 0
    after_contrast: bool = False  # in "X but Y" (지만, nhưng, 但是), said in the Y part

    @property
    def label(self) -> str:
        """What the hit counts for (the phrase's negated label when negated)."""
        if self.negated and self.phrase.negated_label:
            return self.phrase.negated_label
        return self.phrase.label


def _occurrences(text: str, phrase: str, spaced: bool) -> list[int]:
    """Where a phrase starts in the text (on word edges for spaced languages)."""
    needle = f" {phrase} " if spaced else phrase
    found, start = [], text.find(needle)
    while start >= 0:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


def _negated(text: str, start: int, end: int, lexicon: Lexicon) -> bool:
    """A negation word just before the phrase (không giúp, 不要, 안 가요) or just after (가지 않아요)."""
    spaced = lexicon.language in _SPACED
    before = text[max(0, start - (14 if spaced else 3)) : start + (1 if spaced else 0)]
    before = _BOUNDARY.split(before)[-1]  # a negation does not reach over a comma (没事，我去)
    for word in lexicon.contrast:  # the 不 of 不过 (but) negates nothing
        before = before.replace(word, " ")
    if any((f" {n} " in before) if spaced else (n in before) for n in lexicon.negations):
        return True
    after = text[end : end + 6]
    return any(after.startswith(n) or after.lstrip().startswith(n) for n in lexicon.negation_after)


def _hidden(taken: list[tuple[int, int, str]], start: int, end: int, label: str) -> bool:
    """Inside a longer phrase of the same family (cue/category), or the same label on the same words."""
    family = label.split(":")[0]
    return any(
        s <= start and end <= e and (e - s > end - start and f.split(":")[0] == family or f == label)
        for s, e, f in taken
    )


_HANGUL = re.compile("[\uac00-\ud7a3]")
# What may follow a Korean word of one syllable that stands alone (개가, 쌀 5kg, 네네): particles.
_PARTICLES = tuple("이 가 을 를 은 는 도 만 에 의 랑 과 와 하고 한테 들 좀 네 요 으로".split())


def _alone(text: str, start: int, word_start: bool) -> bool:
    """Whether the Korean syllable at `start` ends a word (a particle after it allowed): not the
    first syllable of a longer word (예 in 예약, 병 in 병원, 새 in 새로); with `word_start`, it
    begins one too (네 in 좋네요)."""
    if word_start and start and _HANGUL.match(text[start - 1]):
        return False
    after = text[start + 1 : start + 3]
    return not _HANGUL.match(after[:1]) or after.startswith(_PARTICLES)


def _search(text: str, lexicon: Lexicon, phrases: list[tuple[str, Phrase]]) -> list[Hit]:
    """Longest phrases first; a shorter phrase inside a longer one of its family is not counted."""
    spaced = lexicon.language in _SPACED
    edges = clause_edges(text, lexicon)
    contrast = min(_contrast_at(text, lexicon), default=len(text))
    taken: list[tuple[int, int, str]] = []
    hits = []
    for written, phrase in phrases:
        one = lexicon.language == "ko" and len(written) == 1 and _HANGUL.match(written)
        for start in _occurrences(text, written, spaced):
            if one and not _alone(text, start, phrase.label.startswith("cue:")):
                continue
            end = start + len(written) + (2 if spaced else 0)
            if _hidden(taken, start, end, phrase.label):
                continue
            taken.append((start, end, phrase.label))
            negated = not phrase.says_negation and _negated(text, start, end, lexicon)
            hits.append(Hit(phrase, start, negated, bisect.bisect(edges, start), start > contrast))
    return hits


def _contrast_at(text: str, lexicon: Lexicon) -> list[int]:
    """Where contrast words stand (nhưng, 但是, 지만)."""
    return [at for word in lexicon.contrast for at in _occurrences(text, word, lexicon.language in _SPACED)]


def clause_edges(text: str, lexicon: Lexicon) -> list[int]:
    """Where clauses begin: after punctuation and before contrast words."""
    return sorted([m.start() for m in _BOUNDARY.finditer(text)] + _contrast_at(text, lexicon))


def find_hits(text: str, language: str) -> list[Hit]:
    """The vocabulary phrases in a message (Vietnamese typed without marks is matched bare)."""
    vocabulary = lexicon(language)
    prepared = prepare(text, language)
    if language == "vi":
        return _search(prepared, vocabulary, _vietnamese_phrases(prepared))
    return _search(prepared, vocabulary, _as_written(language))


@cache
def _as_written(language: str) -> list[tuple[str, Phrase]]:
    """A language's phrases as they are written in its vocabulary, longest first."""
    return [(p.text, p) for p in lexicon(language).phrases]


@cache
def _bare_phrases() -> list[tuple[str, Phrase]]:
    """Vietnamese phrases without their marks, every one (also one listed for two labels, giúp tôi:
    ask and need_help) but those that are other everyday words bare (chó/cho), longest first."""
    vocabulary = lexicon("vi")
    pairs = [(strip_marks(p.text), p) for p in vocabulary.phrases]
    return [(typed, p) for typed, p in pairs if typed not in vocabulary.bare_ambiguous]


@cache
def _bare_by_first_word() -> dict[str, list[tuple[str, Phrase]]]:
    """The bare phrases that differ from their written form, by their first word."""
    found: dict[str, list[tuple[str, Phrase]]] = defaultdict(list)
    for typed, phrase in _bare_phrases():
        if typed != phrase.text:
            found[typed.split()[0]].append((typed, phrase))
    return dict(found)


def _vietnamese_phrases(prepared: str) -> list[tuple[str, Phrase]]:
    """Vietnamese phrases as they may stand in a message: bare in one typed without marks; in one
    with marks, as written and, for the words typed bare among marked ones (「LINE cua tui ko hien
    tin nhắn」), bare too: a bare word never matches a marked phrase nor a marked word a bare one.
    Only bare phrases whose first word is in the message are added (a marked message is searched
    for little more than its written phrases)."""
    if not has_marks(prepared):
        return _bare_phrases()
    index = _bare_by_first_word()
    # each word once, in the message's order (a set's order changes with the process' string hashes,
    # and with it the order of phrases of one length, of the hits and of the features summed)
    extra = [pair for word in dict.fromkeys(prepared.split()) for pair in index.get(word, ())]
    written = _as_written("vi")
    return sorted(written + extra, key=lambda pair: -len(pair[0])) if extra else written


def scores(hits: list[Hit]) -> dict[str, float]:
    """Weight per label; a kind of help counts by where it is named: in the clause that asks
    more, elsewhere less, negated ("not X but Y") little."""
    asked = {h.clause for h in hits if h.label in ("cue:ask", "cue:want") and not h.negated}
    named = {h.clause for h in hits if h.label.startswith("category:")}
    if not asked & named:  # "X but Y" asks for Y (쓰레기는 아들이 버려 주지만 장보기가 힘들어요)
        asked |= {h.clause for h in hits if h.after_contrast and h.label.startswith("category:")}
    elsewhere = UNASKED_CLAUSE if asked & named else 1.0
    totals: dict[str, float] = defaultdict(float)
    for hit in hits:
        factor = 1.0
        if hit.label.startswith("category:"):
            factor = NEGATED_CATEGORY if hit.negated else ASKED_CLAUSE if hit.clause in asked else elsewhere
        totals[hit.label] += hit.phrase.weight * factor
    return totals
