"""Japanese tokens from fugashi + unidic-lite, keyed on lemma readings."""

from dataclasses import dataclass
from functools import cache

import fugashi

from bot.nlp.normalise import fold_kana

NEGATIONS = frozenset({"ナイ", "ズ", "ヌ", "ナシ", "ン"})
_DROPPED = frozenset({"マス", "デス"})
_GODAN_I = dict(zip("ウクグスツヌブムル", "イキギシチニビミリ"))


@dataclass(frozen=True, slots=True)
class Token:
    """One word: its lemma key (reading of the lemma), its own reading, its kind."""

    surface: str
    key: str
    kana: str
    lemma: str
    pos: str
    pos2: str = ""
    cform: str = ""
    ctype: str = ""
    negation: bool = False
    past: bool = False
    boundary: bool = False


@cache
def get_tagger() -> fugashi.Tagger:
    """The process-wide fugashi tagger (loading the dictionary is slow)."""
    return fugashi.Tagger()


def _is_negation(word: fugashi.UnidicNode, key: str, pos: str) -> bool:
    """Negating auxiliaries, ない/無し, and dialect verbs ending in ん (行けん, できん)."""
    if key in NEGATIONS and pos in ("助動詞", "形容詞", "名詞"):
        return True
    form = word.feature.cForm or ""
    return pos == "動詞" and word.surface.endswith("ん") and form[:3] in ("終止形", "連体形")


def _is_boundary(surface: str, pos: str, pos2: str) -> bool:
    """Sentence ends and contrastive conjunctions (けど, が) end a clause."""
    if pos == "補助記号" and surface not in ("・", "ー", "-"):
        return surface in "。!?.!?\n…" or surface == "..."
    return pos2 == "接続助詞" and surface in ("けど", "けれど", "けれども", "が", "のに", "ですが")


def _token(word: fugashi.UnidicNode) -> Token:
    """Convert one fugashi node, falling back to the surface for unknown words."""
    feat = word.feature
    kana = fold_kana(feat.kana or word.surface)
    key = fold_kana(feat.lForm or word.surface)
    lemma = (feat.lemma or word.surface).split("-")[0]
    if word.surface.isascii():
        key = kana = lemma = word.surface.lower()
    pos, pos2 = feat.pos1 or "", feat.pos2 or ""
    form = feat.cForm or ""
    negation = _is_negation(word, key, pos)
    return Token(
        surface=word.surface,
        key="ナイ" if negation and pos != "動詞" else key,
        kana=kana,
        lemma=lemma,
        pos=pos,
        pos2=pos2,
        cform=form,
        ctype=feat.cType or "",
        negation=negation,
        past=key == "タ" and pos == "助動詞" and not form.startswith("仮定形"),
        boundary=_is_boundary(word.surface, pos, pos2),
    )


@cache
def _tokenize_cached(text: str) -> tuple[Token, ...]:
    """Tag once; vocabulary terms are tokenized repeatedly at load time."""
    return tuple(_token(w) for w in get_tagger()(text))


def tokenize(text: str) -> tuple[Token, ...]:
    """Tokens of normalised text, without polite ます/です and honorific prefixes."""
    tokens = _tokenize_cached(text) if len(text) < 24 else tuple(_token(w) for w in get_tagger()(text))
    return tuple(t for t in tokens if not _dropped(t))


def _dropped(token: Token) -> bool:
    """Polite auxiliaries and お/ご prefixes carry no meaning for matching."""
    if token.pos == "助動詞" and token.key in _DROPPED:
        return True
    return token.pos == "接頭辞" and token.key in ("オ", "ゴ", "オン")


def is_kana(text: str) -> bool:
    """True for text written only in hiragana/katakana (its reading is all we know)."""
    return all("\u3041" <= c <= "\u30ff" for c in text)


def kana_stem(token: Token) -> str | None:
    """Reading of a verb's stem (頼む -> タノミ) so inflected kana-only text still matches."""
    if token.pos != "動詞" or len(token.key) < 2:
        return None
    if token.ctype.startswith("五段"):
        return token.key[:-1] + _GODAN_I.get(token.key[-1], token.key[-1])
    return token.key[:-1]
