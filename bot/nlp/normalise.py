"""Text normalisation before tagging: width, long vowels, repeats, emoji."""

import re
import unicodedata
from typing import Final

_REPEAT: Final = re.compile(r"([^\d])\1{2,}")
_LONG: Final = re.compile(r"[ー〜~]{2,}")
_TRAILING_WAVE: Final = re.compile(r"(?<=[ぁ-んァ-ヶ])[〜~](?=$|[\s。、!?.,])")
_SPACES: Final = re.compile(r"\s+")
_KATA_START: Final = 0x30A1
_KATA_END: Final = 0x30F6
_SHIFT: Final = 0x60


def _is_decoration(char: str) -> bool:
    """Tell emoji, pictographs, joiners and variation selectors apart from text."""
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF:
        return True
    return unicodedata.category(char) in ("So", "Cf", "Cs", "Co")


class _Decorations(dict):
    """str.translate table that decides each character once: decorations become a space."""

    def __missing__(self, code: int) -> int:
        self[code] = _SPACE if _is_decoration(chr(code)) else code
        return self[code]


_SPACE: Final = ord(" ")
_DECORATIONS: Final = _Decorations()


def normalise(text: str) -> str:
    """NFKC, drop emoji, shorten repeated characters and long vowels, squeeze spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_DECORATIONS)
    text = _LONG.sub("ー", text)
    text = _REPEAT.sub(r"\1", text)
    text = _TRAILING_WAVE.sub("", text)
    return _SPACES.sub(" ", text).strip()


_TO_KATAKANA: Final = {c: c + _SHIFT for c in range(_KATA_START - _SHIFT, _KATA_END - _SHIFT + 1)}
_FOLD: Final[dict[int, int | str]] = {**_TO_KATAKANA, ord("ヶ"): "ケ", ord("ヵ"): "カ"}


def to_katakana(text: str) -> str:
    """Turn hiragana into katakana, leaving everything else."""
    return text.translate(_TO_KATAKANA)


_TO_HIRAGANA: Final[dict[int, int]] = {value: key for key, value in _TO_KATAKANA.items()}


def to_hiragana(text: str) -> str:
    """Turn katakana into hiragana, leaving everything else."""
    return text.translate(_TO_HIRAGANA)


def fold_kana(text: str) -> str:
    """Katakana reading key: hiragana to katakana, small variants of ケ/ヶ folded."""
    return text.translate(_FOLD)


def japanese_ratio(text: str) -> float:
    """Share of letters that are kana or kanji among all letters."""
    # counted in one loop: an ASCII letter is told by its code, other characters by isalpha (compiled,
    # isalpha and isascii are Python method calls, a list of one-letter strings was built per message)
    letters = japanese = 0
    for c in text:
        code = ord(c)
        if code < 128:
            if 65 <= code <= 90 or 97 <= code <= 122:
                letters += 1
        elif c.isalpha():
            letters += 1
            japanese += 1
    if not letters:
        return 0.0
    return japanese / letters
