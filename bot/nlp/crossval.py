"""Cross-validation of the learned layer: `python -m bot.nlp evaluate --folds 5` (Japanese) and
`python -m bot.nlp languages --folds 5` (vi, zh-Hans, ko, en).

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
from bot.nlp.evaluate_languages import LANGUAGES, NOW, Figures, line
from bot.nlp.learned import Model, Reading, loaded, model_of
from bot.nlp.reading import read, read_lexical
from bot.nlp.train import COPIES, featurised_corpus, fitted, training_rows
from bot.nlp.understanding import understand


def _fold_models(language: str, rows: list[dict], folds: int) -> list[tuple[list[dict], Model]]:
    """Each fold's rows with a model fitted on the other folds."""
    corpus = featurised_corpus(language, rows)  # each message beside its spoken (hasty) copy
    made = []
    for fold in range(folds):
        start, end = len(rows) * fold // folds, len(rows) * (fold + 1) // folds
        fitted_arrays = fitted(corpus[: start * COPIES] + corpus[end * COPIES :], language, calibrated=False)
        made.append((rows[start:end], loaded(model_of(fitted_arrays))))
    return made


def cross_validated(folds: int = 5, rows: list[dict] | None = None) -> Report:
    """intent+category of every Japanese training message (or of `rows`), each read by the model
    of the other folds."""
    rows = training_rows("ja") if rows is None else rows
    report = Report()
    for part, learned in _fold_models("ja", rows, folds):
        evaluate_rows(part, lambda text, context: read(analyse(text), context, learned), report)
    return report


def _read_in(text: str, context: str | None, language: str, learned: Model) -> Reading:
    """A message of a language read by `learned`, as understand() reads it (a message detected
    as another language is read by that language's shipped reader)."""
    got = understand(text, context, now=NOW, language=language)
    if got.language != language:
        return Reading(got.intent, got.category, got.confidence, got.emergency)
    if language == "en":
        return read(analyse(text), context, learned)
    return read_lexical(text, language, context, learned)[0]


def cross_validated_language(language: str, folds: int = 5, rows: list[dict] | None = None) -> Figures:
    """Requests, safety answers and replies of a language's training messages (or of `rows`),
    each read by the model of the other folds."""
    rows = training_rows(language) if rows is None else rows
    figures = Figures()
    for part, learned in _fold_models(language, rows, folds):
        for row in part:
            figures.add(row, _read_in(row["text"], row.get("context"), language, learned))
    return figures


def cross_validated_report(folds: int = 5) -> str:
    """A line per language (as `languages` prints them), then each language's out-of-fold misses."""
    lines, misses = [], []
    for language in LANGUAGES:
        figures = cross_validated_language(language, folds)
        lines.append(line(language, f"train ({folds}-fold cross-val.)", figures))
        misses += [f"  [{language} cross-val.] {miss}" for miss in figures.misses]
    return "\n".join([*lines, "", f"misclassified out of fold ({len(misses)}):", *misses])
