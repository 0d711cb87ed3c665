"""Japanese tokens from fugashi + unidic-lite, keyed on lemma readings."""

import csv
import re
import sys
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Final

import fugashi

from bot.nlp.normalise import fold_kana

NEGATIONS: Final = frozenset({"ナイ", "ズ", "ヌ", "ナシ", "ン"})
_DROPPED: Final = frozenset({"マス", "デス"})  # polite auxiliaries carry no meaning for matching
_PREFIXES: Final = frozenset({"オ", "ゴ", "オン"})  # nor do honorific prefixes
# A word's token depends only on its surface and features: convert each distinct pair once.
TOKEN_CACHE_SIZE: Final = 50_000
# MeCab's plain output, one word a line: surface TAB unidic features, then a line "EOS". Node
# objects are not needed: reading them field by field costs more than tagging. (With the end line
# changed, -E '', MeCab writes each word through its format interpreter instead, 13k instructions
# a message more under callgrind than its plain writer.)
_PLAIN_OUTPUT: Final = "-O ''"
# Parts of speech that are no word: punctuation and spaces (not read, not counted as words)
_MARKS: Final = frozenset({"補助記号", "空白"})
_KANJI: Final = re.compile("[\u4e00-\u9fff]")
# unidic(-lite) feature columns
_POS1, _POS2, _CTYPE, _CFORM, _LFORM, _LEMMA, _BASE, _KANA, _FIELDS = 0, 1, 4, 5, 6, 7, 10, 17, 26
_GODAN_I: Final = dict(zip("ウクグスツヌブムル", "イキギシチニビミリ"))


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
    written_in_kana: bool = False  # only its reading is known (すてる may be 捨てる)
    mark: bool = False  # punctuation or a space (_MARKS): no word
    base: str = ""  # dictionary form as written (連れ -> 連れる, すて -> すてる)
    kanji: bool = False  # written with a kanji (a message of words without one is read as kana)
    # the vocabulary terms this word starts, worked out by bot.nlp.matcher the first time it is met
    # and kept here, on the cached word: [(vocabulary, terms)] (not part of what the word is)
    starts: list[tuple[object, ...]] = field(default_factory=list, compare=False, repr=False)


@cache
def get_tagger() -> fugashi.Tagger:
    """The process-wide fugashi tagger (loading the dictionary is slow)."""
    return fugashi.Tagger(_PLAIN_OUTPUT)


def _is_negation(surface: str, key: str, pos: str, form: str) -> bool:
    """Negating auxiliaries, ない/無し, and dialect verbs ending in ん (行けん, できん)."""
    if key in NEGATIONS and pos in ("助動詞", "形容詞", "名詞"):
        return True
    return pos == "動詞" and surface.endswith("ん") and form[:3] in ("終止形", "連体形")


def _is_boundary(surface: str, pos: str, pos2: str) -> bool:
    """Sentence ends and contrastive conjunctions (けど, が) end a clause."""
    if pos == "補助記号" and surface not in ("・", "ー", "-"):
        return surface in "。!?.!?\n…" or surface == "..."
    return pos2 == "接続助詞" and surface in ("けど", "けれど", "けれども", "が", "のに", "ですが")


def _fields(feature_raw: str) -> list[str]:
    """The unidic feature columns, padded (unknown words carry only the part of speech)."""
    fields = next(csv.reader([feature_raw]))
    return fields + [""] * (_FIELDS - len(fields))


def _token(surface: str, feature_raw: str) -> Token | None:
    """One word from its surface and unidic features (None for words matching ignores)."""
    fields = _fields(feature_raw)
    pos, pos2, ctype, form = fields[_POS1], fields[_POS2], fields[_CTYPE], fields[_CFORM]
    kana = fold_kana(fields[_KANA] or surface)
    key = fold_kana(fields[_LFORM] or surface)
    lemma = (fields[_LEMMA] or surface).split("-")[0]
    if surface.isascii():
        key = kana = lemma = surface.lower()
    if (pos == "助動詞" and key in _DROPPED) or (pos == "接頭辞" and key in _PREFIXES):
        return None
    negation = _is_negation(surface, key, pos, form)
    # Interned: every word of a kind shares one string of its part of speech (a few dozen in all,
    # which stay in the processor's cache where a string per word would be read from memory), and
    # equal keys are one object, which a comparison or a dict lookup finds by identity.
    intern = sys.intern
    return Token(
        surface=intern(surface),
        key="ナイ" if negation and pos != "動詞" else intern(key),
        kana=intern(kana),
        lemma=intern(lemma),
        pos=intern(pos),
        pos2=intern(pos2),
        cform=intern(form),
        ctype=intern(ctype),
        negation=negation,
        past=key == "タ" and pos == "助動詞" and not form.startswith("仮定形"),
        boundary=_is_boundary(surface, pos, pos2),
        written_in_kana=is_kana(surface),
        base=intern(fields[_BASE] or surface),
        kanji=has_kanji(surface),
        mark=pos in _MARKS,
    )


class _Words(dict[str, Token | None]):
    """Converted words by their output line ("surface TAB features"), None for words left out:
    a word met before is found by the dict itself, a new one is converted once, here."""

    def __missing__(self, line: str) -> Token | None:
        if len(self) >= TOKEN_CACHE_SIZE:
            self.clear()
        token = self[line] = _token(*line.split("\t", 1))
        return token


_WORDS: Final = _Words()


def tagged_lines(text: str) -> list[str]:
    """One "surface TAB features" line per word, from MeCab's output in one piece."""
    # the output's separators, and the end of a C string: text holding one is read node by node
    # (three searches for a character, each a C call compiled, where a regex search took ~3k instructions)
    if "\t" in text or "\n" in text or "\x00" in text:
        return node_lines(text)
    lines = get_tagger().parse(text).split("\n")
    lines.pop()  # "EOS"
    return lines


def node_lines(text: str) -> list[str]:
    """The same lines built from fugashi's word objects (slower; safe for any text)."""
    return [f"{w.surface}\t{w.feature_raw}" for w in get_tagger()(text)]


def tokenize(text: str) -> tuple[Token, ...]:
    """Tokens of normalised text, without polite ます/です and honorific prefixes."""
    adjectives = ka_adjectives(text) if "か" in text else None
    words: list[Token] = []
    for line in _as_adjectives(text, adjectives) if adjectives else tagged_lines(text):
        token = _WORDS[line]  # (a loop: compiled, filter and map call back a method per word)
        if token is not None:
            words.append(token)
    tokens = tuple(words)
    if "んし" in text:
        tokens = _negation_and_shi(tokens)
    return _dialect_nai(tokens) if "なか" in text else tokens


# Kyushu adjectives say か where standard Japanese says い (よか, きつか, さびしかけん, 痛かと): the
# tagger splits them (よ|か, き|つ|か, さび|しか) and their meaning is lost. Their stems, as written in
# kana and in kanji. Left out: stems that are other words before か (いたか: was there; いくらか;
# 熱か: a fever?), and ない-adjectives, which _dialect_nai reads (なか, 問題なか).
KA_STEMS: Final = frozenset(
    {
        *("よ", "良", "善", "きつ", "えら", "しんど", "だる", "せからし", "やかまし", "うるさ"),
        *("さびし", "さみし", "寂し", "淋し", "くるし", "苦し", "かなし", "悲し", "つら", "辛", "痛"),
        *("こわ", "怖", "恐", "おそろし", "恐ろし", "あぶな", "危な", "うれし", "嬉し", "たのし", "楽し"),
        *("ほし", "欲し", "いそがし", "忙し", "むずかし", "むつかし", "難し", "やさし", "優し"),
        *("はずかし", "恥ずかし", "すご", "凄", "ひど", "酷", "うま", "旨", "美味", "おいし", "美味し"),
        *("かわい", "可愛", "おもしろ", "面白", "あつ", "暑", "さむ", "寒", "つめた", "冷た", "ぬる"),
        *("おも", "重", "かる", "軽", "たか", "高", "やす", "安", "とお", "遠", "近", "なが", "長"),
        *("せま", "狭", "ひろ", "広", "ふる", "古", "きたな", "汚", "くさ", "臭", "ねむ", "眠", "わか", "若"),
        *("つよ", "強", "よわ", "弱", "おお", "多", "すくな", "少な", "はや", "早", "速", "おそ", "遅"),
        *("暗", "あかる", "明る", "わる", "悪", "かゆ", "痒", "まぶし", "眩し", "すごし", "しろし"),
    }
)
_KA_LONGEST: Final = max(map(len, KA_STEMS))
# What may follow such a か: an end, a sentence-final or conjunctive particle, です (never っ: よかった
# is standard; never a word going on: おおかた, おもかげ, あつかう).
_KA_FOLLOWING: Final = (
    *("よ", "ね", "と", "ばい", "ばって", "たい", "けん", "けど", "けれど", "し", "です", "でしょ", "もん"),
    *("な", "わ", "ぞ", "ろ", "ー", "〜", "~", " ", "、", "。", "!", "?", "…", "\n", ",", "."),
)
# Before the よ of よか: not a verb's end (しよか: shall I; 行くよか: rather than going).
_NOT_BEFORE_YO: Final = frozenset("しみくすつぬむぶぐるせれ")


def ka_adjectives(text: str) -> list[int]:
    """Where the か of a Kyushu adjective stands in a text (きつかけん, 痛かと, もうよかよ)."""
    found = []
    at = text.find("か", 1)
    while at > 0:
        if at + 1 == len(text) or text.startswith(_KA_FOLLOWING, at + 1):
            for length in range(min(at, _KA_LONGEST), 0, -1):
                stem = text[at - length : at]
                if stem in KA_STEMS and _starts_a_word(text, at - length, stem):
                    found.append(at)
                    break
        at = text.find("か", at + 1)
    return found


def _starts_a_word(text: str, start: int, stem: str) -> bool:
    """A one-kanji stem not inside a word of kanji (残高か? is a question), よ not after a verb."""
    before = text[start - 1] if start else ""
    if len(stem) == 1 and not stem.isascii() and not is_kana(stem):
        return not ("\u4e00" <= before <= "\u9fff")
    return stem != "よ" or before not in _NOT_BEFORE_YO


def _as_adjectives(text: str, places: list[int]) -> list[str]:
    """The tagger's lines of a text with い for the か at these places (きつかけん tagged as
    きついけん), each word as written (the summary finds it in the text): the text keeps its length."""
    letters = list(text)
    for at in places:
        letters[at] = "い"
    tagged = "".join(letters)
    lines = tagged_lines(tagged)
    cursor = 0
    for number, line in enumerate(lines):
        surface = line.split("\t", 1)[0]
        place = tagged.find(surface, cursor)
        cursor = place + len(surface)
        if any(place <= at < cursor for at in places):
            lines[number] = text[place:cursor] + line[len(surface) :]
    return lines


def _negation_and_shi(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """開けんし (does not open, and...) after a 一段 verb is tagged as the old auxiliary んす: read as
    ん (not) and the particle し, as 行かんし is."""
    split: list[Token] = []
    for token in tokens:
        if token.surface == "んし" and token.ctype == "文語助動詞-ンス":
            split += _n_shi()
        else:
            split.append(token)
    return tuple(split)


@cache
def _n_shi() -> tuple[Token, ...]:
    """The tokens ん (not) and し of 行かんし."""
    words = tuple(filter(None, map(_WORDS.__getitem__, tagged_lines("行かんし"))))
    return words[1:]


# What follows the dialect's ない (ケガはなかよ, 問題なかです, 水がなかけん, 心配なかと): an end, a
# sentence-final or conjunctive particle; never a case particle (家のなかに is 中).
_AFTER_NAI: Final = frozenset(
    {"よ", "ね", "ばい", "たい", "と", "けん", "けど", "ばってん", "し", "もん", "な", "わ", "ぞ"}
)


def _dialect_nai(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """なか read as ない, as Kumamoto and Hakata say it (ケガはなか, 大丈夫じゃなか), where the tagger
    reads 中: after anything but の, and before an end, a comma or a particle of _AFTER_NAI."""
    changed = list(tokens)
    for index, token in enumerate(tokens):
        if token.surface != "なか" or token.pos != "名詞" or (index and tokens[index - 1].surface == "の"):
            continue
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if after is None or after.pos == "補助記号" or after.surface in _AFTER_NAI:
            changed[index] = replace(token, key="ナイ", lemma="無い", pos="形容詞", pos2="非自立可能", negation=True)
    return tuple(changed)


def has_kanji(text: str) -> bool:
    """True for text holding a kanji (CJK unified ideographs)."""
    return _KANJI.search(text) is not None


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


def token_cache_clear() -> None:
    """Forget converted words (benchmarks measure a cold first pass with it)."""
    _WORDS.clear()
