"""`python -m bot.nlp evaluate --folds N`: each training message read by a model that never saw it."""

from bot.nlp.crossval import cross_validated
from bot.nlp.evaluate import evaluate_rows
from bot.nlp.train import training_rows


def test_every_message_is_read_once_by_a_model_fitted_without_it() -> None:
    sample = training_rows("ja")[::40]  # every kind, small enough to fit a model per fold in seconds
    folded = cross_validated(folds=3, rows=sample)
    assert folded.total == len(sample)
    # the shipped model learned every one of them; models that never saw a third of them miss some
    assert evaluate_rows(sample).accuracy == 1.0
    assert 0.0 < folded.accuracy < 1.0


def test_each_language_message_is_read_once_by_a_model_fitted_without_it() -> None:
    from bot.nlp.crossval import cross_validated_language

    sample = training_rows("vi")[::12]
    folded = cross_validated_language("vi", folds=3, rows=sample)
    assert folded.total["all"] == len(sample)
    assert folded.total["requests"] and folded.total["safety"] and folded.total["replies"]
    assert 0.0 < folded.accuracy("all") < 1.0
