"""Cross-validation of the Japanese learned layer: `python -m bot.nlp evaluate --folds 5`.

The training corpus is cut into folds; a model fitted on the other folds (as `python -m bot.nlp
train` fits one, without the temperatures' extra fits: both are 1.00 on the whole corpus) reads
each fold's messages as the shipped reader would (rules below UNSURE, emergencies). Every message is
read once by a model that never saw it: a generalization figure from the corpus we have, beside
the held-out sets'. The folds are contiguous stretches of the file, not every n-th line: the
corpus was written in batches of like sentences, and interleaved folds would put near-twins on
both sides.
"""

from bot.nlp.classify import analyse
from bot.nlp.evaluate import Report, evaluate_rows
from bot.nlp.learned import loaded, model_of
from bot.nlp.reading import read
from bot.nlp.train import COPIES, featurised_corpus, fitted, training_rows


def cross_validated(folds: int = 5, rows: list[dict] | None = None) -> Report:
    """intent+category of every training message (or of `rows`), each read by the model of the
    other folds."""
    rows = training_rows("ja") if rows is None else rows
    corpus = featurised_corpus("ja", rows)  # each message beside its spoken copy
    report = Report()
    for fold in range(folds):
        start, end = len(rows) * fold // folds, len(rows) * (fold + 1) // folds
        learned = loaded(model_of(fitted(corpus[: start * COPIES] + corpus[end * COPIES :], calibrated=False)))
        evaluate_rows(rows[start:end], lambda text, context: read(analyse(text), context, learned), report)
    return report
