"""The learned layer: a linear model over message features, with calibrated confidence.

Trained by `python -m bot.nlp train` (bot/nlp/train.py): Japanese from corpus/train_ja.jsonl into
model_ja.npz, Vietnamese, Chinese, Korean and English from corpus/<language>-train.jsonl (with
<language>-tuned.jsonl) into model_<language>.npz; a test checks that each file matches its
corpus and features.
"""

import math
import sys
import threading
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, partial
from importlib import resources
from pathlib import Path
from typing import Any, Final, cast

import numpy as np

from bot.compiled import state

# found through the package, not __file__: a compiled module (bot/compiled.py) lives elsewhere
MODEL_DIR: Final = Path(str(resources.files("bot.nlp")))
MODEL_FILE: Final = MODEL_DIR / "model_ja.npz"
LEARNED_LANGUAGES: Final = ("ja", "vi", "zh-Hans", "ko", "en")
EMERGENCY_CLASSES: Final = ("no", "yes")


@dataclass(frozen=True)
class Head:
    """One softmax over some of the model's score columns, with its calibrating temperature."""

    classes: tuple[str, ...]
    start: int  # its first column among the model's scores (one a class)
    temperature: float


# feature names met in messages whose rows are kept at hand (see _Rows); a bound like bot.nlp.features'
ROWS_KEPT: Final = 50_000
# Feature names numbered as they are first met: bot.nlp.features makes a Japanese message's features
# as these numbers, and a model finds a number's row in a list (Model.scores_of) where a name is
# looked up in a dict. The numbers are forgotten together (numbers_clear) past this many.
NUMBERS_KEPT: Final = 200_000
_NAMES_BY_NUMBER: Final[list[str]] = []
_NUMBERS: Final[dict[str, int]] = {}
# Numbers are given and rows by number added by one thread at a time (a name met by two threads at
# once must get one number, and a row list must stay in step with the names). Forgetting them all
# (numbers_clear) is for a process that reads one message at a time, as an RQ worker does.
_GIVING: Final = threading.Lock()
_LOADED: Final[list["Model"]] = []  # the models read (model()), whose rows by name or number may be forgotten


# A row number as the int object given (Python's, or one made once per name or number met): compiled,
# an int read out of a list[int] into another is unboxed and boxed again, a new int object for each
# feature of each message (as bot.nlp.features' Number).
Row = object
# The sums of some rows, by their numbers: each column's float32 sum, row by row in the order given.
Summing = Callable[[list[Row]], list[float]]


class _Rows(dict[str, Row]):
    """Rows of the feature names met in messages: a dict of the few thousand names that come up,
    which stays in the processor's cache, where the model's index of every name it was trained on
    would be read from memory at each lookup. An unknown name gets the zero row, which adds nothing."""

    def __init__(self, columns: dict[str, int], zero: int) -> None:
        super().__init__()
        self.columns, self.zero = columns, zero

    def __missing__(self, name: str) -> Row:
        if len(self) >= ROWS_KEPT:
            self.clear()
        row = self[name] = self.columns.get(name, self.zero)
        return row


@dataclass(frozen=True)
class Model:
    """Both heads' weights side by side (one row a feature), read in one pass per message."""

    columns: dict[str, int]
    weights: np.ndarray  # a row per feature, a row of zeros, and last the bias, summed last
    intent: Head
    category: Head
    emergency: Head
    fingerprint: str
    rows: _Rows
    by_number: list[Row]  # the row of each feature number given so far (see feature_number)
    bias: Row  # the last row
    summed: Summing  # the rows' sums (see summing)

    def scores(self, names: list[str]) -> list[float]:
        """Raw scores of every class of both heads (unknown features carry no weight)."""
        rows = list(map(self.rows.__getitem__, names))
        rows.append(self.bias)
        return self.summed(rows)

    def scores_of(self, numbers: list[int]) -> list[float]:
        """The same from the features' numbers (feature_number)."""
        rows = self.by_number
        if len(rows) < len(_NAMES_BY_NUMBER):
            get, zero = self.columns.get, self.rows.zero
            with _GIVING:
                rows += [get(name, zero) for name in _NAMES_BY_NUMBER[len(rows) :]]
        chosen = [rows[number] for number in numbers]
        chosen.append(self.bias)
        return self.summed(chosen)


def summing(weights: np.ndarray) -> Summing:
    """How a model's rows are summed: by numpy, or to the same bits by bot.nlp.sums when bot/nlp
    runs compiled (numpy's calls cost ~40k instructions a message, most of them its generic
    machinery, whose code the rest of the reading evicts from the processor's caches)."""
    if state().compiled and sums_exact(weights):
        from bot.nlp.sums import Doubles  # (mypyc's librt is there only where bot/nlp was compiled)

        return Doubles(weights).summed
    return partial(_numpy_summed, weights)


def _numpy_summed(weights: np.ndarray, rows: list[Row]) -> list[float]:
    """One numpy reduction: float32 sums row by row, the features' in their order, then the bias
    (x + 0 is x exactly: the zero rows of unknown names change no sum)."""
    # (dtype and axes passed by position: numpy reads keywords at 2k instructions a message)
    index = np.frombuffer(array("q", cast(list[int], rows)), np.int64)
    return np.add.reduce(weights.take(index, 0), 0).tolist()


def sums_exact(weights: np.ndarray) -> bool:
    """Whether bot.nlp.sums gives numpy's bits for these weights: float32 ones whose smallest
    nonzero is far from float32's subnormals (see bot.nlp.sums)."""
    nonzero = np.abs(weights[weights != 0])
    return weights.dtype == np.float32 and bool(nonzero.size == 0 or nonzero.min() >= 2.0**-100)


class Reading:
    """What the model reads: intent, category (help requests) and the intent's probability (a plain
    class with Final attributes, as bot.nlp.classify.Analysis: built many times a message)."""

    def __init__(self, intent: str, category: str | None, confidence: float, emergency: bool = False) -> None:
        self.intent: Final = intent
        self.category: Final = category
        self.confidence: Final = confidence
        self.emergency: Final = emergency  # the message tells of a fire, a flood, someone collapsed...

    def _fields(self) -> tuple[str, str | None, float, bool]:
        return self.intent, self.category, self.confidence, self.emergency

    def __eq__(self, other: object) -> bool:
        return self._fields() == other._fields() if isinstance(other, Reading) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"Reading({self.intent!r}, {self.category!r}, {self.confidence!r}, {self.emergency!r})"


def feature_number(name: str) -> int:
    """The number of a feature name, given when it is first met."""
    number = _NUMBERS.get(name)
    if number is None:
        with _GIVING:
            number = _NUMBERS.get(name)
            if number is None:
                number = len(_NAMES_BY_NUMBER)
                _NAMES_BY_NUMBER.append(name)  # (listed before it is found by name: see feature_name)
                _NUMBERS[name] = number
    return number


def feature_name(number: int) -> str:
    """The feature name a number was given to."""
    return _NAMES_BY_NUMBER[number]


def feature_names(numbers: list[int]) -> list[str]:
    """The feature names numbers were given to."""
    return [_NAMES_BY_NUMBER[number] for number in numbers]


def numbers_full() -> bool:
    """Whether so many numbers were given that they should be forgotten (see numbers_clear)."""
    return len(_NAMES_BY_NUMBER) >= NUMBERS_KEPT


def numbers_clear() -> None:
    """Forget every number given, and each model's rows by number (numbers held elsewhere are
    then meaningless: bot.nlp.features forgets its own with this)."""
    with _GIVING:
        _NAMES_BY_NUMBER.clear()
        _NUMBERS.clear()
        for learned in _LOADED:
            learned.by_number.clear()


def predict(model: Model, names: list[str], emergency_at: float = 0.5) -> Reading:
    """The likeliest intent (and category for a help request) with its probability; an emergency
    when its head says so with at least `emergency_at`."""
    return reading_of(model, model.scores(names), emergency_at)


def reading_of(model: Model, scores: list[float], emergency_at: float = 0.5) -> Reading:
    """What the model reads from its raw scores of a message (Model.scores, Model.scores_of)."""
    # the softmax and max() written out as loops over the columns: compiled, they run on
    # C doubles without building slices, tuples or calls (the same operations in the same order)
    head = model.intent
    exps = _exps(scores, head.start, len(head.classes), head.temperature)
    best = _first_largest(exps, 0, len(exps))  # the first of equals, as max() over the probabilities
    intent = head.classes[best]
    category = None
    if intent == "help_request":
        start = model.category.start
        category = model.category.classes[_first_largest(scores, start, len(model.category.classes)) - start]
    emergency = model.emergency
    alarm = _exps(scores, emergency.start, len(emergency.classes), emergency.temperature)
    return Reading(intent, category, exps[best] / _sum(exps), alarm[1] / _sum(alarm) >= emergency_at)


def _exps(scores: list[float], start: int, count: int, temperature: float) -> list[float]:
    """exp((score - top) / temperature) of `count` columns from `start`, top the largest of them
    (the calibrated probabilities before dividing by their sum)."""
    top = scores[start]
    for column in range(start + 1, start + count):
        score = scores[column]  # (read once: compiled, each read of a list[float] unboxes a float)
        if score > top:
            top = score
    return [math.exp((scores[column] - top) / temperature) for column in range(start, start + count)]


def _sum(values: list[float]) -> float:
    """sum(values) as Python 3.11 adds floats, one after the other (compiled, a loop on C doubles
    where sum() is a call that reads each float from its object)."""
    total = 0.0
    for value in values:
        total += value
    return total


def _first_largest(values: list[float], start: int, count: int) -> int:
    """The index of the first largest of `count` values from `start`."""
    best = start
    top = values[start]  # (the largest kept as a float, not read again from the list)
    for index in range(start + 1, start + count):
        value = values[index]
        if value > top:
            best = index
            top = value
    return best


def load_model(path: Path = MODEL_FILE) -> Model:
    """Read a model file written by bot.nlp.train."""
    with np.load(path) as data:
        return model_of(data)


def model_of(data: Mapping[str, Any]) -> Model:
    """The model of a model file's arrays (read, or just fitted by bot.nlp.train)."""
    heads, start = {}, 0
    for name in ("intent", "category", "emergency"):
        classes = tuple(map(str, data[f"{name}_classes"]))
        heads[name] = Head(classes, start, float(data[f"{name}_temperature"]))
        start += len(classes)
    names = tuple(heads)
    # interned, as bot.nlp.features interns the names it makes: found by identity
    columns = {sys.intern(str(name)): number for number, name in enumerate(data["features"])}
    weights = np.hstack([data[f"{name}_weights"] for name in names])
    bias = np.concatenate([data[f"{name}_bias"] for name in names])
    every = np.vstack([weights, np.zeros_like(bias), bias])
    return Model(
        columns=columns,
        weights=every,
        fingerprint=str(data["fingerprint"]),
        rows=_Rows(columns, len(weights)),
        by_number=[],
        bias=len(weights) + 1,
        summed=summing(every),
        **heads,
    )


def loaded(learned: Model) -> Model:
    """A model kept with the shipped ones, so that numbers_clear forgets its rows by number too
    (a model fitted on part of the corpus to measure it on the rest, bot.nlp.crossval)."""
    _LOADED.append(learned)
    return learned


def rows_clear() -> None:
    """Forget the rows of the feature names met (benchmarks measure a cold first pass with it)."""
    for learned in _LOADED:
        learned.rows.clear()


def model_file(language: str) -> Path:
    """Where the model of one language is kept."""
    return MODEL_DIR / f"model_{language}.npz"


@cache
def model(language: str = "ja") -> Model | None:
    """The shipped model of a language, read once (None before its first training)."""
    path = model_file(language)
    if not path.exists():
        return None
    _LOADED.append(load_model(path))
    return _LOADED[-1]
