"""Normalisation and matching on lemmas and readings."""

import pytest

from bot.nlp import classify
from bot.nlp.normalise import normalise, to_katakana
from bot.nlp.tagger import get_tagger


def test_width_emoji_repeats() -> None:
    assert normalise("ｽﾏﾎ") == "スマホ"
    assert normalise("ＯＫ👍") == "OK"
    assert normalise("すごーーーい！！！") == "すごーい!"
    assert normalise("お手伝いします🙋‍♀️") == "お手伝いします"


def test_katakana() -> None:
    assert to_katakana("ごみ") == "ゴミ"


def test_tagger_is_created_once() -> None:
    assert get_tagger() is get_tagger()


@pytest.mark.parametrize("text", ["ゴミを捨ててほしい", "ごみを捨てたい", "塵をすてる手伝いを頼みたい"])
def test_spellings_of_rubbish_meet(text: str) -> None:
    assert classify(text) == ("help_request", "garbage")


@pytest.mark.parametrize("word", ["スマホ", "すまほ", "ｽﾏﾎ", "スマートフォン"])
def test_spellings_of_smartphone_meet(word: str) -> None:
    assert classify(f"{word}の使い方を教えてほしい") == ("help_request", "smartphone")
