"""English tokens: lower-case words with a light stemmer, in the same Token shape."""

import re
from functools import lru_cache
from typing import Final

from bot.nlp.tagger import TOKEN_CACHE_SIZE, Token, has_kanji

_WORD: Final = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.!?;]|\bbut\b")
_CONTRACTIONS: Final = {
    "can't": ("can", "not"),
    "cannot": ("can", "not"),
    "won't": ("will", "not"),
    "don't": ("do", "not"),
    "doesn't": ("does", "not"),
    "didn't": ("did", "not"),
    "isn't": ("is", "not"),
    "aren't": ("are", "not"),
    "i'm": ("i", "am"),
    "couldn't": ("could", "not"),
    "wouldn't": ("would", "not"),
    "i'd": ("i", "would"),
    "i'll": ("i", "will"),
    "it's": ("it", "is"),
    "i've": ("i", "have"),
    "wasn't": ("was", "not"),
    "weren't": ("were", "not"),
    "haven't": ("have", "not"),
    "hasn't": ("has", "not"),
    "shouldn't": ("should", "not"),
}
# The same typed in haste without the apostrophe (cant, dont, im): words of their own only in
# rare senses (cant, wont), so read as the contraction.
_BARE_CONTRACTIONS: Final = {word.replace("'", ""): words for word, words in _CONTRACTIONS.items()}
_CONTRACTIONS.update({bare: words for bare, words in _BARE_CONTRACTIONS.items() if bare not in ("ill", "its", "id")})
_NEGATIONS: Final = frozenset({"not", "no", "never", "nothing"})
# where a clause ends: the answer to a safety check is often in the one after "but" or "except"
_BOUNDARIES: Final = frozenset({".", "!", "?", ";", "but", "except", "however", "although"})
_IRREGULAR: Final = {
    "took": "take",
    "went": "go",
    "fell": "fall",
    "got": "get",
    "children": "child",
    "bought": "buy",
    "brought": "bring",
    "men": "man",
    "did": "do",
    "does": "do",
    "goes": "go",
    "leaves": "leaf",  # not leave (leave it with me)
    "shelves": "shelf",
    "wives": "wife",
    "knives": "knife",
    "halves": "half",
}
# Past forms that keep their own stem (a report of help given: "fed the cat", "drove her home"),
# and words ending in -ed that are no past tense (need, feed, bed).
_PAST: Final = frozenset(
    {
        *("took", "went", "fell", "got", "bought", "brought", "did", "came", "gave", "made", "sent", "drove"),
        *("rode", "ran", "sat", "babysat", "fed", "swept", "dug", "hung", "told", "found", "met", "caught"),
        *("taught", "kept", "held", "wrote", "spoke", "threw", "thrown", "done", "gone", "taken", "given"),
    }
)
# -es is a suffix after a hiss (boxes, dishes, glasses); elsewhere only the s is (plates, houses)
_SIBILANT_ES: Final = ("sses", "xes", "zes", "ches", "shes")
# one vowel between consonants (mov, tak, rid, shar): the e was dropped before -ing or -ed
_SHORT: Final = re.compile(r"[^aeiou]*[aeiou][^aeiouwxy]")
_E_DROPPED: Final = ("v", "bl", "iz", "dg", "rg", "nc")
_NOT_PAST: Final = frozenset(
    {"need", "feed", "bed", "weed", "seed", "shed", "red", "speed", "bleed", "breed", "indeed", "hundred", "wed"}
)


def stem(word: str) -> str:
    """Light suffix stripping to a shared stem: walking/walked/walks -> walk, moving/moves -> move,
    carried/carries -> carry, boxes -> box (a Porter step 1 without its later steps)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("ss", "is", "us", "eed")):
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return _restored(word[: -len(suffix)])
    if word.endswith("es") and word.endswith(_SIBILANT_ES) and len(word) >= 5:
        return word[:-2]
    if word.endswith("s") and len(word) >= 4:
        return word[:-1]
    return word


def _restored(base: str) -> str:
    """The word before -ing or -ed: a doubled end undone (shopp -> shop, not fall), an e put back
    after a short or a soft end (mov -> move, tak -> take, charg -> charge; not clean, fix, mow)."""
    if base[-1] == base[-2] and base[-1] not in "lsz":
        return base[:-1]
    if _SHORT.fullmatch(base) or base.endswith(_E_DROPPED):
        return base + "e"
    return base


def _words(text: str) -> list[str]:
    """Lower-case words with contractions expanded."""
    words: list[str] = []
    for word in _WORD.findall(text.lower().replace("’", "'")):
        words.extend(_CONTRACTIONS.get(word, (word.split("'")[0] if "'" in word else word,)))
    return words


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _token(word: str) -> Token:
    """One lower-case word as a token (each distinct word is stemmed once)."""
    base = stem(word)
    return Token(
        surface=word,
        key=base,
        kana=word,
        lemma=base,
        pos="word",
        negation=word in _NEGATIONS,
        past=(word.endswith("ed") and word not in _NOT_PAST) or word in _PAST,
        boundary=word in _BOUNDARIES,
        kanji=has_kanji(word),
    )


def tokenize_en(text: str) -> tuple[Token, ...]:
    """English tokens keyed on stems, flagged for negation, past and clause ends."""
    return tuple(_token(word) for word in _words(text))
