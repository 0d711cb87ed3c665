"""A model's float32 row sums on C doubles, for bot/nlp when it runs compiled (bot/compiled.py).

bot.nlp.learned sums the weight rows of a message's features with numpy (take, add.reduce): ~40k
instructions a message, most of them numpy's generic machinery, whose code the rest of the reading
evicts from the processor's caches between two messages. Compiled by mypyc, librt's vec[float] is a
C array of doubles and the loop below runs on them directly, giving numpy's bits: the double sum of
two float32 numbers rounded to float32's 24-bit significand is their float32 sum (53 >= 2 * 24 + 2
bits), and Veltkamp's split rounds a double so (to nearest, ties to even) while no sum nears float32's
subnormals (bot.nlp.learned.sums_exact). Imported only where bot/nlp was compiled: librt comes with
mypyc (from the source, each vec access is a Python call and numpy is faster).
"""

from typing import Final, cast

import numpy as np
from librt.vecs import vec
from mypy_extensions import i64

# (x * S) - ((x * S) - x) is the double x rounded to float32's 24-bit significand: 2 ** (53 - 24) + 1
_SPLITTER: Final = 536870913.0


class Doubles:
    """A model's weights as one C array of doubles, row after row (twice numpy's float32 bytes:
    5.6 MB for the Japanese model)."""

    def __init__(self, weights: np.ndarray) -> None:
        self.width: i64 = weights.shape[1]
        self.doubles: vec[float] = vec[float](weights.ravel().tolist())

    def summed(self, rows: list[object]) -> list[float]:
        """Each column's float32 sum of these rows (by number), row by row in their order: what
        numpy's add.reduce of the rows gives (bot.nlp.learned)."""
        width, doubles = self.width, self.doubles
        first = cast(int, rows[0]) * width
        sums = doubles[first : first + width]  # (a copy)
        for index in range(1, len(rows)):
            start = cast(int, rows[index]) * width
            column: i64 = 0
            while column < width:  # (a while loop on i64: compiled, no tagged-int arithmetic)
                total = sums[column] + doubles[start + column]
                split = total * _SPLITTER
                sums[column] = split - (split - total)
                column += 1
        return list(sums)
