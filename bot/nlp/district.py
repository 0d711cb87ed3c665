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
    """The given district name the text mentions, exactly or by a near reading; in Chinese
    characters (小仓 is 小倉) and in Hangul (고쿠라 is Kokura) too."""
    text = text.translate(_SIMPLIFIED)
    clean = fold_kana(normalise(text)).lower()
    reading = _reading(normalise(text))
    hangul = hangul_in_latin(text)
    best, best_score = None, 0.0
    for name in names:
        for form in _spellings(name):
            # Near readings only for a message at least as long as the name: a short word is
            # no district because the name holds it ("ok" is in midorigaoka).
            near = len(form) >= 4 and len(reading) >= len(form) - 1
            score = 100.0 if form in clean or form in reading else (fuzz.partial_ratio(form, reading) if near else 0.0)
            # a word that starts with it (고쿠라에), of five letters or more: 기타 "other" spells Kita
            if hangul and form.isascii() and len(form) >= 5:
                score = max(score, 100.0 if any(w.startswith(fold_latin(form)) for w in hangul) else 0.0)
            if score > best_score:
                best, best_score = name, score
    return best if best_score >= DISTRICT_THRESHOLD else None


# Simplified Chinese forms of characters that Japanese place names write otherwise (小仓 -> 小倉).
_SIMPLIFIED = str.maketrans(
    "仓绿黑冈泽滨桥岛东门马长间关阳边乡丰广荣凤龙户园宫乐叶汤汉赖庆涩杂兴盐铁钱银钟锦须顺风飞鸟鹤丽发员实团图圆县华苏龟贺陆际陈浅挂沟荻筑后"
    "织对泷",
    "倉緑黒岡沢浜橋島東門馬長間関陽辺郷豊広栄鳳竜戸園宮楽葉湯漢頼慶渋雑興塩鉄銭銀鐘錦須順風飛鳥鶴麗発員実団図円県華蘇亀賀陸際陳浅掛溝荻築後"
    "織対滝",
)

# Hangul in Latin letters, as Korean writes Japanese names (구로사키 -> kurosaki, 고쿠라 -> kokura).
_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
_VOWELS = (
    *("a", "e", "ya", "ye", "o", "e", "yo", "ye", "o", "wa", "we", "oe", "yo", "u"),
    *("wo", "we", "wi", "yu", "u", "ui", "i"),
)
_FINALS = {4: "n", 16: "m", 21: "n"}  # ㄴ (ン), ㅁ, ㅇ; the others (ッ and the like) are left out


def hangul_in_latin(text: str) -> list[str]:
    """The Hangul words of a text in Latin letters, folded as `fold_latin` folds."""
    words, word = [], []
    for char in text:
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            initial, rest = divmod(code, 588)
            vowel, final = divmod(rest, 28)
            word.append(_INITIALS[initial] + _VOWELS[vowel] + _FINALS.get(final, ""))
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return [fold_latin(w) for w in words]


def fold_latin(spelled: str) -> str:
    """Latin letters with what Korean and Japanese spell apart made one: voiced and unvoiced
    (g/k, d/t, b/p), shi/si, fu/hu, tsu/su, doubled consonants, long vowels."""
    spelled = spelled.lower().replace("tsu", "su").replace("sh", "s").replace("fu", "hu").replace("j", "ch")
    spelled = spelled.translate(_VOICELESS)
    for double, single in (("ss", "s"), ("kk", "k"), ("tt", "t"), ("pp", "p"), ("ou", "o"), ("uu", "u"), ("oo", "o")):
        spelled = spelled.replace(double, single)
    return spelled


_VOICELESS = str.maketrans("gdbz", "ktps")
