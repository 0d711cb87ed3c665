"""The learned layer: a linear model over message features, with calibrated confidence.

Trained by `python -m bot.nlp train` (bot/nlp/train.py): Japanese from corpus/train_ja.jsonl into
model_ja.npz, Vietnamese, Chinese, Korean and English from corpus/<language>-train.jsonl (with
<language>-tuned.jsonl) into model_<language>.npz; a test checks that each file matches its
corpus and features.
"""

import math
import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

import numpy as np

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

    @property
    def scores(self) -> slice:
        """Its columns among the model's scores."""
        return slice(self.start, self.start + len(self.classes))

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
    weights: np.ndarray  # a row per feature, and last the bias: summed last, after the features
    intent: Head
    category: Head
    emergency: Head
    fingerprint: str

    def scores(self, names: list[str]) -> list[float]:
        """Raw scores of every class of both heads (unknown features carry no weight)."""
        get = self.columns.get
        rows = [n for n in map(get, names) if n is not None]
        rows.append(len(self.weights) - 1)
        # one numpy reduction: float32 sums row by row, the features' in their order, then the bias
        return np.add.reduce(self.weights.take(rows, axis=0), axis=0).tolist()


@dataclass(frozen=True)
class Reading:
    """What the model reads: intent, category (help requests) and the intent's probability."""

    intent: str
    category: str | None
    confidence: float
    emergency: bool = False  # the message tells of a fire, a flood, someone collapsed...


def predict(model: Model, names: list[str], emergency_at: float = 0.5) -> Reading:
    """The likeliest intent (and category for a help request) with its probability; an emergency
    when its head says so with at least `emergency_at`."""
    scores = model.scores(names)
    head = model.intent
    mine = scores[head.scores]
    top, temperature, exp = max(mine), head.temperature, math.exp
    exps = [exp((score - top) / temperature) for score in mine]  # Head.probabilities, undivided
    best = exps.index(max(exps))  # the first of equals, as max() over the probabilities
    intent = head.classes[best]
    category = None
    if intent == "help_request":
        categories = scores[model.category.scores]
        category = model.category.classes[categories.index(max(categories))]
    emergency = model.emergency.probabilities(scores)[1] >= emergency_at
    return Reading(intent, category, exps[best] / sum(exps), emergency)


def load_model(path: Path = MODEL_FILE) -> Model:
    """Read a model file written by bot.nlp.train."""
    with np.load(path) as data:
        heads, start = {}, 0
        for name in ("intent", "category", "emergency"):
            classes = tuple(map(str, data[f"{name}_classes"]))
            heads[name] = Head(classes, start, float(data[f"{name}_temperature"]))
            start += len(classes)
        names = tuple(heads)
        return Model(
            # interned, as bot.nlp.features interns the names it makes: found by identity
            columns={sys.intern(str(name)): number for number, name in enumerate(data["features"])},
            weights=np.vstack(
                [
                    np.hstack([data[f"{name}_weights"] for name in names]),
                    np.concatenate([data[f"{name}_bias"] for name in names]),
                ]
            ),
            fingerprint=str(data["fingerprint"]),
            **heads,
        )


def model_file(language: str) -> Path:
    """Where the model of one language is kept."""
    return MODEL_DIR / f"model_{language}.npz"


@cache
def model(language: str = "ja") -> Model | None:
    """The shipped model of a language, read once (None before its first training)."""
    path = model_file(language)
    return load_model(path) if path.exists() else None
