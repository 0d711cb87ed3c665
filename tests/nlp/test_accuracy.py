"""Accuracy on the shared dev set and on held-out sentences written apart from it."""

from pathlib import Path

import pytest

from bot.nlp.evaluate import evaluate_file, format_report

HERE = Path(__file__).parent
DEV_SET = HERE.parents[1].parent / "shared" / "nlp" / "dev_set.jsonl"


@pytest.mark.skipif(not DEV_SET.exists(), reason="shared/nlp/dev_set.jsonl not beside the repo")
def test_dev_set_accuracy() -> None:
    report = evaluate_file(DEV_SET)
    assert report.accuracy >= 0.95, format_report(report)


def test_held_out_sentences() -> None:
    report = evaluate_file(HERE / "held_out.jsonl")
    assert report.total >= 30
    assert report.misses == [], format_report(report)
