"""`python -m bot.nlp evaluate` puts the tuned and the held-out figures side by side."""

import json

from bot.nlp.__main__ import main
from bot.nlp.evaluate import CORPUS_DIR, evaluate_rows


def test_evaluate_prints_the_tuned_and_the_held_out_figures(capsys) -> None:
    assert main(["evaluate", "--misses"]) == 0
    out = capsys.readouterr().out
    assert "training corpus" in out and "held-out (never tuned)" in out
    assert "intent+category" in out and "intent" in out
    assert "held-out 2 (never looked)" in out
    assert "held-out 3 (never looked)" in out
    assert "misclassified in held-out" not in out  # its misses are never shown, so never tuned on


def test_held_out_and_training_corpus_do_not_share_sentences() -> None:
    def texts(name: str) -> set[str]:
        lines = (CORPUS_DIR / name).read_text(encoding="utf-8").splitlines()
        return {json.loads(line)["text"] for line in lines if line}

    assert not texts("train_ja.jsonl") & texts("held_out_ja.jsonl")
    assert not (texts("train_ja.jsonl") | texts("held_out_ja.jsonl")) & texts("held_out2_ja.jsonl")
    earlier = texts("train_ja.jsonl") | texts("held_out_ja.jsonl") | texts("held_out2_ja.jsonl")
    assert not earlier & texts("held_out3_ja.jsonl")


def test_a_wrong_category_counts_against_both_but_not_intent() -> None:
    report = evaluate_rows([{"text": "犬の散歩をお願いしたいです", "intent": "help_request", "category": "garden"}])
    assert (report.intent_accuracy, report.accuracy, report.category_accuracy) == (1.0, 0.0, 0.0)
