"""`python -m bot.nlp evaluate` puts the tuned and the held-out figures side by side."""

import json

import pytest

from bot.nlp.__main__ import main
from bot.nlp.evaluate import CORPUS_DIR, evaluate_rows
from bot.nlp.evaluate_languages import LANGUAGES


def test_evaluate_prints_the_tuned_and_the_held_out_figures(capsys) -> None:
    assert main(["evaluate", "--misses"]) == 0
    out = capsys.readouterr().out
    assert "training corpus" in out and "held-out (never tuned)" in out
    assert "intent+category" in out and "intent" in out
    assert "held-out 2 (looked at in session 4)" in out
    assert "held-out 3 (looked at in session 5)" in out and "held-out 4 (looked at in session 6)" in out
    assert "held-out 5 (looked at in session 7)" in out and "held-out 6 (looked at in session 8)" in out
    assert "held-out 7 (looked at in session 9)" in out and "held-out 8 (looked at in session 10)" in out
    assert "held-out 9 (looked at in session 11)" in out and "held-out 10 (looked at in session 12)" in out
    assert "held-out 11 (looked at in session 13)" in out and "held-out 12 (never looked)" in out
    assert "misclassified in held-out (never tuned)" not in out  # its misses are never shown, so never tuned on
    assert "misclassified in held-out 12" not in out
    assert all(f"{language:8} held_out12 (never looked)" in out for language in LANGUAGES)
    assert all(f"{language:8} held_out11 (looked at in session 13)" in out for language in LANGUAGES)
    assert all(f"{language:8} held_out10 (looked at in session 12)" in out for language in LANGUAGES)
    assert all(f"{language:8} held_out9 (looked at in session 11)" in out for language in LANGUAGES)
    assert all(f"{language:8} held_out8 (looked at in session 10)" in out for language in LANGUAGES)
    assert all(f"{language:8} held_out7 (looked at in session 9)" in out for language in LANGUAGES)
    assert "held_out12]" not in out  # nor are the misses of any language's twelfth held-out set


def test_held_out_and_training_corpus_do_not_share_sentences() -> None:
    def texts(name: str) -> set[str]:
        lines = (CORPUS_DIR / name).read_text(encoding="utf-8").splitlines()
        return {json.loads(line)["text"] for line in lines if line}

    assert not texts("train_ja.jsonl") & texts("held_out_ja.jsonl")
    assert not (texts("train_ja.jsonl") | texts("held_out_ja.jsonl")) & texts("held_out2_ja.jsonl")
    earlier = texts("train_ja.jsonl") | texts("held_out_ja.jsonl") | texts("held_out2_ja.jsonl")
    assert not earlier & texts("held_out3_ja.jsonl")
    assert not (earlier | texts("held_out3_ja.jsonl")) & texts("held_out4_ja.jsonl")
    earlier |= texts("held_out3_ja.jsonl") | texts("held_out4_ja.jsonl") | texts("dev_ja.jsonl")
    assert not earlier & texts("held_out5_ja.jsonl")
    # only the shared sentences are shown (the earlier files' own): a never-looked set's other
    # sentences must not be printed by a failing test
    shared = sorted((earlier | texts("held_out5_ja.jsonl")) & texts("held_out6_ja.jsonl"))
    assert not shared
    # the seventh set is checked against every other Japanese file, the tuned and training ones too;
    # only the count is shown, never its sentences
    earlier |= texts("held_out5_ja.jsonl") | texts("held_out6_ja.jsonl")
    others = {path.name for path in CORPUS_DIR.glob("*.jsonl") if "-" not in path.name}
    earlier = earlier.union(*(texts(name) for name in others - {"held_out7_ja.jsonl"}))
    seventh = texts("held_out7_ja.jsonl")
    size, shared_count = len(seventh), len(earlier & seventh)
    assert size >= 350
    assert shared_count == 0
    # the eighth likewise, against every other Japanese file (the seventh among them); counts only
    eighth = texts("held_out8_ja.jsonl")
    earlier = set().union(*(texts(name) for name in others - {"held_out8_ja.jsonl"}))
    size, shared_count = len(eighth), len(earlier & eighth)
    assert size >= 350
    assert shared_count == 0
    # the ninth likewise, against every other Japanese file (the eighth among them); counts only
    ninth = texts("held_out9_ja.jsonl")
    earlier = set().union(*(texts(name) for name in others - {"held_out9_ja.jsonl"}))
    size, shared_count = len(ninth), len(earlier & ninth)
    assert size >= 350
    assert shared_count == 0
    # the tenth likewise, against every other Japanese file (the ninth among them); counts only
    tenth = texts("held_out10_ja.jsonl")
    earlier = set().union(*(texts(name) for name in others - {"held_out10_ja.jsonl"}))
    size, shared_count = len(tenth), len(earlier & tenth)
    assert size >= 350
    assert shared_count == 0
    # the eleventh likewise, against every other Japanese file (the tenth among them); counts only
    eleventh = texts("held_out11_ja.jsonl")
    earlier = set().union(*(texts(name) for name in others - {"held_out11_ja.jsonl"}))
    size, shared_count = len(eleventh), len(earlier & eleventh)
    assert size >= 350
    assert shared_count == 0
    # the twelfth likewise, against every other Japanese file (the eleventh among them); counts only
    twelfth = texts("held_out12_ja.jsonl")
    earlier = set().union(*(texts(name) for name in others - {"held_out12_ja.jsonl"}))
    size, shared_count = len(twelfth), len(earlier & twelfth)
    assert size >= 350
    assert shared_count == 0


def test_each_languages_third_held_out_set_shares_no_sentence_with_its_earlier_parts() -> None:
    for language in LANGUAGES:
        earlier = set().union(*(_texts(f"{language}-{part}.jsonl") for part in ("tuned", "held_out", "held_out2")))
        third = _texts(f"{language}-held_out3.jsonl")
        assert len(third) >= 70 and not earlier & third, language


def test_each_languages_fourth_held_out_set_shares_no_sentence_with_its_earlier_parts() -> None:
    for language in LANGUAGES:
        parts = ("tuned", "held_out", "held_out2", "held_out3")
        earlier = set().union(*(_texts(f"{language}-{part}.jsonl") for part in parts))
        fourth = _texts(f"{language}-held_out4.jsonl")
        assert len(fourth) >= 70 and not earlier & fourth, language


def test_each_languages_fifth_held_out_set_shares_no_sentence_with_its_earlier_parts() -> None:
    for language in LANGUAGES:
        parts = ("tuned", "train", "dev", "held_out", "held_out2", "held_out3", "held_out4")
        earlier = set().union(*(_texts(f"{language}-{part}.jsonl") for part in parts))
        fifth = _texts(f"{language}-held_out5.jsonl")
        assert len(fifth) >= 70 and not earlier & fifth, language


def test_each_languages_sixth_held_out_set_shares_no_sentence_with_any_other_part() -> None:
    for language in LANGUAGES:
        parts = ("tuned", "train", "dev", "held_out", "held_out2", "held_out3", "held_out4", "held_out5")
        earlier = set().union(*(_texts(f"{language}-{part}.jsonl") for part in parts))
        sixth = _texts(f"{language}-held_out6.jsonl")
        assert len(sixth) >= 100 and not earlier & sixth, language


@pytest.mark.parametrize("part", ["held_out7", "held_out8", "held_out9", "held_out10", "held_out11", "held_out12"])
def test_each_languages_later_held_out_sets_share_no_sentence_with_any_other_file(part: str) -> None:
    others = [path.name for path in CORPUS_DIR.glob("*.jsonl") if not path.name.endswith(f"{part}.jsonl")]
    earlier = set().union(*(_texts(name) for name in others))
    for language in LANGUAGES:
        later = _texts(f"{language}-{part}.jsonl")
        size, shared = len(later), len(earlier & later)
        assert size >= 100 and shared == 0, language  # only counts: a never-looked sentence is never printed


def _texts(name: str) -> set[str]:
    lines = (CORPUS_DIR / name).read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["text"] for line in lines if line}


def test_a_wrong_category_counts_against_both_but_not_intent() -> None:
    report = evaluate_rows([{"text": "犬の散歩をお願いしたいです", "intent": "help_request", "category": "garden"}])
    assert (report.intent_accuracy, report.accuracy, report.category_accuracy) == (1.0, 0.0, 0.0)


def test_the_english_eleventh_set_has_twice_the_requests_of_the_others() -> None:
    # English requests are the segment being worked on in session 12: 45 were too few to measure
    rows = [json.loads(line) for line in (CORPUS_DIR / "en-held_out11.jsonl").read_text(encoding="utf-8").splitlines()]
    requests = [row for row in rows if row["intent"] == "help_request"]
    assert len(rows) >= 200 and len(requests) >= 90
    assert len({row["category"] for row in requests}) == 10  # every kind of help


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_languages_twelfth_set_has_ninety_requests_of_every_kind(language: str) -> None:
    # From session 13 every language's set is the size of the English one: 45 requests measured a
    # language to within a few points only, too coarse for a bar of 0.90
    lines = (CORPUS_DIR / f"{language}-held_out12.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line]
    requests = [row for row in rows if row["intent"] == "help_request"]
    assert len(rows) >= 200 and len(requests) >= 90
    assert len({row["category"] for row in requests}) == 10  # every kind of help
