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
    """One softmax over some of the model's score columns, with its calibrating temperature."""

    classes: tuple[str, ...]
    scores: slice
    temperature: float

    def probabilities(self, scores: list[float]) -> list[float]:
        """Calibrated probability of each class, from the model's raw scores."""
        mine = scores[self.scores]
        top = max(mine)
        exps = [math.exp((score - top) / self.temperature) for score in mine]
        total = sum(exps)
        return [e / total for e in exps]


@dataclass(frozen=True)
class Model:
    """Both heads' weights side by side (one row a feature), read in one pass per message."""

    columns: dict[str, int]
    weights: np.ndarray
    bias: np.ndarray
    intent: Head
    category: Head
    fingerprint: str

    def scores(self, names: list[str]) -> list[float]:
        """Raw scores of every class of both heads (unknown features carry no weight)."""
        get = self.columns.get
        rows = [n for n in map(get, names) if n is not None]
        return (self.weights[rows].sum(axis=0) + self.bias).tolist()  # small lists are quicker in Python


@dataclass(frozen=True)
class Reading:
    """What the model reads: intent, category (help requests) and the intent's probability."""

    intent: str
    category: str | None
    confidence: float


def predict(model: Model, names: list[str]) -> Reading:
    """The likeliest intent (and category for a help request) with its probability."""
    scores = model.scores(names)
    intents = model.intent.probabilities(scores)
    best = max(range(len(intents)), key=intents.__getitem__)
    intent = model.intent.classes[best]
    category = None
    if intent == "help_request":
        categories = scores[model.category.scores]
        category = model.category.classes[max(range(len(categories)), key=categories.__getitem__)]
    return Reading(intent, category, intents[best])


def load_model(path: Path = MODEL_FILE) -> Model:
    """Read a model file written by bot.nlp.train."""
    with np.load(path) as data:
        intents, categories = data["intent_classes"], data["category_classes"]
        split = len(intents)
        return Model(
            columns={str(name): number for number, name in enumerate(data["features"])},
            weights=np.hstack([data["intent_weights"], data["category_weights"]]),
            bias=np.concatenate([data["intent_bias"], data["category_bias"]]),
            intent=Head(tuple(map(str, intents)), slice(0, split), float(data["intent_temperature"])),
            category=Head(tuple(map(str, categories)), slice(split, split + len(categories)),
                          float(data["category_temperature"])),
            fingerprint=str(data["fingerprint"]))


@cache
def model() -> Model | None:
    """The shipped Japanese model, read once (None before the first training)."""
    return load_model() if MODEL_FILE.exists() else None
