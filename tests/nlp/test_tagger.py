"""Tokens as the classifier reads them."""

import pytest

from bot.nlp.tagger import tokenize


@pytest.mark.parametrize(
    "text", ["ケガはなかよ", "何も問題なかです", "水がなかけん困っとる", "大丈夫じゃなか", "けがはなか。"]
)
def test_kumamoto_and_hakata_nai_is_a_negation(text: str) -> None:
    assert [t.negation for t in tokenize(text) if t.surface == "なか"] == [True]


@pytest.mark.parametrize("text", ["いえのなかにいる", "へやのなかが さむい", "なかなか来ん"])
def test_naka_meaning_inside_is_no_negation(text: str) -> None:
    assert not any(t.negation for t in tokenize(text) if t.surface.startswith("なか"))
