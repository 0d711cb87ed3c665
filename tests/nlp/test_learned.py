"""The learned layer: reproducible from the repo, and a confidence that means something."""

from datetime import datetime

from bot.nlp import understand
from bot.nlp.evaluate import CORPUS_DIR, read_rows
from bot.nlp.learned import MODEL_FILE, load_model
from bot.nlp.train import featurised_corpus, fingerprint

NOW = datetime(2026, 11, 30, 10, 0)  # a Monday morning (as in test_languages.py)


def test_the_shipped_model_is_trained_on_the_current_corpus_and_features() -> None:
    shipped = load_model(MODEL_FILE)
    assert shipped.fingerprint == fingerprint(featurised_corpus()), (
        "bot/nlp/model_ja.npz is out of date: run `.venv/bin/python -m bot.nlp train` and commit it"
    )


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
