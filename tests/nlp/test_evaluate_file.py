"""`python -m bot.nlp evaluate FILE` lists a file's misreadings, but never a held-out set's: its figures only."""

import json

from bot.nlp.__main__ import main
from bot.nlp.evaluate import CORPUS_DIR


def test_a_held_out_file_evaluated_alone_shows_its_figures_and_none_of_its_messages(capsys) -> None:
    path = CORPUS_DIR / "en-held_out12.jsonl"
    assert main(["evaluate", str(path)]) == 0
    out = capsys.readouterr().out
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert "both accuracy" in out
    shown = sum(text in out for text in texts)
    assert shown == 0  # (only the count: a failure here must not show them either)


def test_a_tuned_file_evaluated_alone_lists_its_misses(capsys) -> None:
    assert main(["evaluate", str(CORPUS_DIR / "held_out3_ja.jsonl")]) == 0
    assert "misclassified (" in capsys.readouterr().out


def test_the_set_looked_at_in_session_7_lists_its_misses(capsys) -> None:
    assert main(["evaluate", str(CORPUS_DIR / "held_out5_ja.jsonl")]) == 0
    assert "misclassified (" in capsys.readouterr().out


def test_the_set_looked_at_in_session_10_lists_its_misses(capsys) -> None:
    assert main(["evaluate", str(CORPUS_DIR / "held_out8_ja.jsonl")]) == 0
    assert "misclassified (" in capsys.readouterr().out


def test_the_set_looked_at_in_session_11_lists_its_misses(capsys) -> None:
    assert main(["evaluate", str(CORPUS_DIR / "held_out9_ja.jsonl")]) == 0
    assert "misclassified (" in capsys.readouterr().out


def test_the_set_looked_at_in_session_12_lists_its_misses(capsys) -> None:
    assert main(["evaluate", str(CORPUS_DIR / "held_out10_ja.jsonl")]) == 0
    assert "misclassified (" in capsys.readouterr().out


def test_the_set_looked_at_in_session_13_lists_its_misses(capsys) -> None:
    assert main(["evaluate", str(CORPUS_DIR / "held_out11_ja.jsonl")]) == 0
    assert "misclassified (" in capsys.readouterr().out
