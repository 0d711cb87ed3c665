"""Katakana readings in Hepburn romaji (クロサキ -> kurosaki), for names written in Latin letters."""

_ROWS = {
    "": "アイウエオ",
    "k": "カキクケコ",
    "s": "サシスセソ",
    "t": "タチツテト",
    "n": "ナニヌネノ",
    "h": "ハヒフヘホ",
    "m": "マミムメモ",
    "y": "ヤ ユ ヨ",
    "r": "ラリルレロ",
    "w": "ワ   ヲ",
    "g": "ガギグゲゴ",
    "z": "ザジズゼゾ",
    "d": "ダヂヅデド",
    "b": "バビブベボ",
    "p": "パピプペポ",
}
_SPECIAL = {
    "シ": "shi",
    "チ": "chi",
    "ツ": "tsu",
    "フ": "fu",
    "ジ": "ji",
    "ヂ": "ji",
    "ヅ": "zu",
    "ヲ": "o",
    "ン": "n",
    "ー": "",
}
_SMALL_Y = {"ャ": "a", "ュ": "u", "ョ": "o"}
SYLLABLES = {
    kana: consonant + vowel for consonant, row in _ROWS.items() for kana, vowel in zip(row, "aiueo") if kana != " "
} | _SPECIAL


def to_romaji(reading: str) -> str:
    """A katakana reading in lower-case Hepburn; small ッ doubles the next consonant."""
    out: list[str] = []
    double = False
    for kana in reading:
        if kana == "ッ":
            double = True
            continue
        if kana in _SMALL_Y and out:
            stem = out.pop()
            out.append((stem[:-1] if stem[-2:-1] in ("h", "j") else stem[:-1] + "y") + _SMALL_Y[kana])
            continue
        syllable = SYLLABLES.get(kana, "")
        out.append(syllable[0] + syllable if double and syllable else syllable)
        double = False
    return "".join(out)
