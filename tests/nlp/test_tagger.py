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


@pytest.mark.parametrize(
    "text, key",
    [
        ("もうよかです", "ヨイ"),
        ("ゴミ出しがきつかけん", "キツイ"),
        ("一人でさびしかとよ", "サビシイ"),
        ("寂しかけん", "サビシイ"),
        ("買い物がえらかとです", "エライ"),
        ("足の痛かけん", "イタイ"),
        ("米袋が重か、誰か", "オモイ"),
        ("話し相手がほしか", "ホシイ"),
    ],
)
def test_kyushu_ka_adjectives_are_read_as_the_adjective_and_kept_as_written(text: str, key: str) -> None:
    tokens = tokenize(text)
    adjectives = [t for t in tokens if t.key == key and t.pos == "形容詞"]
    assert len(adjectives) == 1 and adjectives[0].surface.endswith("か")
    assert "".join(t.surface for t in tokens) in text.replace(" ", "")  # as written (です is left out)


@pytest.mark.parametrize(
    "text", ["どうしよか", "誰かいたか？", "残高か？", "いくらか、", "おおかた終わった", "よかった"]
)
def test_a_ka_that_is_no_kyushu_adjective_stays(text: str) -> None:
    assert not any(t.surface.endswith("か") and t.pos == "形容詞" for t in tokenize(text))


def test_not_opening_said_with_the_particle_shi_is_a_negation() -> None:
    # 開けんし was tagged as the old auxiliary んす: 目を開けん (an emergency) was lost
    tokens = tokenize("母を呼んでも目を開けんし返事もせん")
    opened = [n for n, t in enumerate(tokens) if t.key == "アケル"]
    assert opened and tokens[opened[0] + 1].negation and tokens[opened[0] + 2].surface == "し"
