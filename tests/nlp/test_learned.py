"""The learned layer: reproducible from the repo, and a confidence that means something."""

from datetime import datetime

import pytest

from bot.nlp import understand
from bot.nlp.evaluate import CORPUS_DIR, read_rows
from bot.nlp.evaluate_languages import rows
from bot.nlp.classify import analyse
from bot.nlp.features import CATEGORY_BY_ROLE_PREFIXES, features
from bot.nlp.learned import MODEL_FILE, feature_number, load_model, model_file, numbers_full
from bot.nlp.reading import read
from bot.nlp.train import featurised_corpus, fingerprint, told, training_rows

NOW = datetime(2026, 11, 30, 10, 0)  # a Monday morning (as in test_languages.py)


def test_the_shipped_model_is_trained_on_the_current_corpus_and_features() -> None:
    shipped = load_model(MODEL_FILE)
    assert shipped.fingerprint == fingerprint(featurised_corpus()), (
        "bot/nlp/model_ja.npz is out of date: run `.venv/bin/python -m bot.nlp train` and commit it"
    )


def test_the_emergency_head_reads_what_a_message_tells_not_which_kind_each_clause_names() -> None:
    names = features(analyse("掃除じゃなくて、犬の散歩をお願いしたいけど、台所から煙が出とる"), None)
    kinds_by_clause = {name for name in names if name.startswith(CATEGORY_BY_ROLE_PREFIXES)}
    assert {"cneg:tidying", "cmain:dog_walking"} <= kinds_by_clause
    kept = told(names)
    assert not kinds_by_clause & set(kept)
    assert "w:ケムリ" in kept


def test_confidence_is_high_when_right_and_lower_when_wrong_on_held_out() -> None:
    right, wrong = [], []
    for row in read_rows(CORPUS_DIR / "held_out_ja.jsonl"):
        result = understand(row["text"], row.get("context"), now=NOW)
        (right if result.intent == row["intent"] else wrong).append(result.confidence)
    assert all(0.0 <= c <= 1.0 for c in right + wrong)
    assert sum(right) / len(right) >= 0.8
    assert not wrong or sum(wrong) / len(wrong) <= sum(right) / len(right) - 0.15


def test_a_plain_request_is_read_with_confidence_and_an_unclear_one_without() -> None:
    clear = understand("明日の朝、燃えるゴミを出してもらえませんか", now=NOW)
    assert (clear.intent, clear.category) == ("help_request", "garbage") and clear.confidence >= 0.8
    assert understand("えっと、あの", now=NOW).confidence < clear.confidence


@pytest.mark.parametrize("language", ("vi", "zh-Hans", "ko", "en"))
def test_each_languages_model_is_trained_on_its_current_corpus(language: str) -> None:
    shipped = load_model(model_file(language))
    assert shipped.fingerprint == fingerprint(featurised_corpus(language), language), (
        f"bot/nlp/model_{language}.npz is out of date: run `.venv/bin/python -m bot.nlp train {language}` and commit it"
    )


@pytest.mark.parametrize("language", ("vi", "zh-Hans", "ko", "en"))
def test_confidence_in_each_language_is_lower_when_wrong_on_its_held_out_set(language: str) -> None:
    right, wrong = [], []
    for row in rows(language, "held_out"):
        result = understand(row["text"], row.get("context"), now=NOW, language=language)
        (right if result.intent == row["intent"] else wrong).append(result.confidence)
    assert sum(right) / len(right) >= 0.75
    assert not wrong or sum(wrong) / len(wrong) <= sum(right) / len(right) - 0.1


@pytest.mark.parametrize(
    ("clear", "unclear"),
    [
        ("Sáng mai có ai đổ rác giúp tôi được không?", "ờ thì"),
        ("明天上午能帮我扔垃圾吗", "那个嘛"),
        ("내일 아침에 쓰레기 좀 버려 주세요", "음 그게"),
        ("Could someone take my rubbish out tomorrow morning?", "well, hmm"),
    ],
)
def test_a_plain_request_in_each_language_is_read_with_confidence_and_a_mumble_without(
    clear: str, unclear: str
) -> None:
    got = understand(clear, now=NOW)
    assert (got.intent, got.category) == ("help_request", "garbage") and got.confidence >= 0.8
    assert understand(unclear, now=NOW).confidence < got.confidence


@pytest.mark.parametrize("language", ("ja", "vi", "zh-Hans", "ko", "en"))
def test_the_set_regularisation_is_chosen_on_and_the_held_out_sets_are_never_trained_on(language: str) -> None:
    trained = {row["text"] for row in training_rows(language)}
    dev = "dev_ja.jsonl" if language == "ja" else f"{language}-dev.jsonl"
    assert not trained & {row["text"] for row in read_rows(CORPUS_DIR / dev)}
    for held_out in sorted(
        CORPUS_DIR.glob("held_out*_ja.jsonl" if language == "ja" else f"{language}-held_out*.jsonl")
    ):
        assert not trained & {row["text"] for row in read_rows(held_out)}, held_out.name


def test_forgetting_the_feature_numbers_when_too_many_were_given_changes_no_reading() -> None:
    text = "掃除じゃなくて、犬の散歩をお願いしたいんです"
    contexts = (None, "offer_pending", "safety_check")
    before = [read(analyse(text), context) for context in contexts]
    names = features(analyse(text), "offer_pending")
    filler = 0
    while not numbers_full():  # as after months of messages with words never met before
        feature_number(f"w:never-met-{filler}")
        filler += 1
    # the first message read forgets every number given, then each is given anew
    assert [read(analyse(text), context) for context in contexts] == before
    assert not numbers_full()
    assert features(analyse(text), "offer_pending") == names
