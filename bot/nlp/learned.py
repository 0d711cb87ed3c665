"""The learned layer: a linear model over message features, with calibrated confidence.

Trained from bot/nlp/corpus/train_ja.jsonl by `python -m bot.nlp train` (bot/nlp/train.py),
which writes model_ja.npz; a test checks that the file matches the corpus and the features.
"""

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

MODEL_FILE = Path(__file__).parent / "model_ja.npz"


@dataclass(frozen=True)
class Head:
    """One softmax layer: weights a feature, a bias, the classes and a calibrating temperature."""

    classes: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    temperature: float

    def probabilities(self, columns: list[int]) -> list[float]:
        """Calibrated probability of each class for the features given by number."""
        scores = (self.weights[columns].sum(axis=0) + self.bias) / self.temperature
        top = float(scores.max())
        exps = [math.exp(float(s) - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]


@dataclass(frozen=True)
class Model:
    """The intent and category heads over one numbering of feature names."""

    columns: dict[str, int]
    intent: Head
    category: Head
    fingerprint: str

    def numbers(self, names: list[str]) -> list[int]:
        """Column numbers of the known features (unknown ones carry no weight)."""
        get = self.columns.get
        return [n for n in map(get, names) if n is not None]


@dataclass(frozen=True)
class Reading:
    """What the model reads: intent, category (help requests) and the intent's probability."""

    intent: str
    category: str | None
    confidence: float


def predict(model: Model, names: list[str]) -> Reading:
    """The likeliest intent (and category for a help request) with its probability."""
    columns = model.numbers(names)
    intents = model.intent.probabilities(columns)
    best = max(range(len(intents)), key=intents.__getitem__)
    intent = model.intent.classes[best]
    category = None
    if intent == "help_request":
        categories = model.category.probabilities(columns)
        category = model.category.classes[max(range(len(categories)), key=categories.__getitem__)]
    return Reading(intent, category, intents[best])


def _head(data, name: str) -> Head:
    """One head from the arrays of the model file."""
    return Head(tuple(str(c) for c in data[f"{name}_classes"]), data[f"{name}_weights"],
                data[f"{name}_bias"], float(data[f"{name}_temperature"]))


def load_model(path: Path = MODEL_FILE) -> Model:
    """Read a model file written by bot.nlp.train."""
    with np.load(path) as data:
        columns = {str(name): number for number, name in enumerate(data["features"])}
        return Model(columns, _head(data, "intent"), _head(data, "category"), str(data["fingerprint"]))


@cache
def model() -> Model | None:
    """The shipped Japanese model, read once (None before the first training)."""
    return load_model() if MODEL_FILE.exists() else None
