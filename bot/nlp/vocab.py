"""Vocabulary files (vocab/<language>.toml) compiled into matchable terms."""

import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

from bot.nlp.english import tokenize_en
from bot.nlp.normalise import fold_kana, normalise
from bot.nlp.tagger import NEGATIONS, Token, is_kana, kana_stem, tokenize

# found through the package, not __file__: compiled (bot/compiled.py), the module lives elsewhere
VOCAB_DIR: Final = Path(str(resources.files("bot.nlp"))) / "vocab"
WEIGHTS: Final = {"strong": 3.0, "medium": 2.0, "weak": 1.0, "terms": 1.0}
MIN_SUBSTRING: Final = 4
MIN_SUBSTRING_KANA_ONLY: Final = 3
FUZZY_MIN_LENGTH: Final = 4
NEGATION_KEYS: Final = NEGATIONS | {"not", "no", "never"}


@dataclass(frozen=True, slots=True)
class Term:
    """One vocabulary entry as lemma keys and kana spellings, with what it is evidence for."""

    text: str
    label: str
    weight: float
    keys: tuple[str, ...]
    kanas: tuple[str, ...]
    negated_label: str | None
    tokens: tuple[Token, ...]
    says_negation: bool  # 困らない as a term: a negation inside it does not negate it
    written_in_kana: bool


@dataclass(frozen=True)
class Vocabulary:
    """All terms of one language, indexed by their first lemma key."""

    language: str
    terms: tuple[Term, ...]
    by_first_key: dict[str, tuple[int, ...]]
    skills: dict[str, tuple[str, ...]]
    by_kana_start: dict[str, tuple[tuple[str, int], ...]]
    by_short_kana: dict[str, tuple[int, ...]]
    fuzzy_kanas: tuple[str, ...]
    fuzzy_terms: tuple[int, ...]
    fuzzy_by_pair: dict[str, frozenset[int]]
    fuzzy_pair_places: dict[str, tuple[int, ...]]  # a spelling once for each place it holds the pair


def tokens_for(text: str, language: str) -> tuple[Token, ...]:
    """Tokens of a text in the given language."""
    return tokenize_en(text) if language == "en" else tokenize(text)


def _kana_variants(tokens: tuple[Token, ...], language: str) -> tuple[str, ...]:
    """Spellings to look for in the message's reading: as read, and with a verb stem."""
    if language == "en":
        return (" ".join(t.kana for t in tokens),)
    reading = "".join(t.kana for t in tokens)
    variants = {reading, "".join(t.key for t in tokens)}
    stem = kana_stem(tokens[-1]) if tokens else None
    if stem:
        variants.add("".join(t.kana for t in tokens[:-1]) + stem)
    return tuple(sorted(v for v in variants if v))


def _compile(text: str, label: str, weight: float, negated: str | None, language: str) -> Term:
    """Tokenize one vocabulary entry the way messages are tokenized."""
    written = normalise(text)
    tokens = tokens_for(written, language)
    kanas = _kana_variants(tokens, language)
    if language != "en" and is_kana(written):
        kanas = tuple(sorted(set(kanas) | {fold_kana(written)}))
    keys = tuple(t.key for t in tokens)
    # (an English negation may be stemmed out of recognition: nothing -> noth)
    says_negation = any(k in NEGATION_KEYS for k in keys) or (language == "en" and any(t.negation for t in tokens))
    # labels interned: a few dozen strings shared by every term (a hit's label is compared and
    # looked up many times a message, by identity when it is the one string)
    negated_label = sys.intern(negated) if negated else None
    return Term(text, sys.intern(label), weight, keys, kanas, negated_label, tokens, says_negation, is_kana(text))


def _entries(data: dict) -> list[tuple[str, str, float, str | None]]:
    """(text, label, weight, negated label) for every cue and category word."""
    entries = []
    for name, table in data.get("cue", {}).items():
        weight = float(table.get("weight", 1.0))
        label = f"cue:{table.get('counts_for', name)}"
        negated = f"cue:{table['negated']}" if "negated" in table else None
        for text in table.get("terms", []):
            entries.append((text, label, weight, negated))
    for name, table in data.get("category", {}).items():
        for strength, weight in WEIGHTS.items():
            for text in table.get(strength, []):
                entries.append((text, f"category:{name}", weight, None))
    return entries


def _index(pairs: Sequence[tuple[str, object]]) -> dict[str, tuple]:
    """Group (key, value) pairs by key."""
    grouped: dict[str, list] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return {key: tuple(values) for key, values in grouped.items()}


@cache
def load_vocabulary(language: str) -> Vocabulary:
    """Read and compile vocab/<language>.toml once per process, with lookup indexes."""
    with open(VOCAB_DIR / f"{language}.toml", "rb") as file:
        data = tomllib.load(file)
    terms = tuple(_compile(*entry, language) for entry in _entries(data))
    by_key = _index([(t.keys[0], i) for i, t in enumerate(terms) if t.keys])
    # readings are looked up by their first characters; a short one only as a whole reply (はい)
    readings = [(k, i) for i, t in enumerate(terms) for k in t.kanas if k]
    by_kana = _index([(k[:MIN_SUBSTRING_KANA_ONLY], (k, i)) for k, i in readings if len(k) >= MIN_SUBSTRING_KANA_ONLY])
    short = _index([(k, i) for k, i in readings if len(k) < MIN_SUBSTRING_KANA_ONLY])
    fuzzy = [
        (k, i)
        for i, t in enumerate(terms)
        if t.label.startswith("category:")
        for k in t.kanas
        if len(k.replace(" ", "")) >= FUZZY_MIN_LENGTH
    ]
    skills = {name: tuple(t.get("terms", [])) for name, t in data.get("skill", {}).items()}
    kanas = tuple(k for k, _ in fuzzy)
    return Vocabulary(
        language,
        terms,
        by_key,
        skills,
        by_kana,
        short,
        kanas,
        tuple(i for _, i in fuzzy),
        _pair_index(kanas),
        _pair_places(kanas),
    )


def character_pairs(text: str) -> set[str]:
    """Every two neighbouring characters of a text."""
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _pair_index(kanas: tuple[str, ...]) -> dict[str, frozenset[int]]:
    """Fuzzy spellings by the character pairs they contain."""
    pairs = [(pair, i) for i, kana in enumerate(kanas) for pair in character_pairs(kana)]
    return {pair: frozenset(values) for pair, values in _index(pairs).items()}


def _pair_places(kanas: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """Fuzzy spellings by the character pairs they contain, each as many times as it holds the
    pair (bot.nlp.matcher scores only those with enough of their pairs in the text)."""
    return _index([(kana[j : j + 2], i) for i, kana in enumerate(kanas) for j in range(len(kana) - 1)])
