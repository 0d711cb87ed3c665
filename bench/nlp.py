"""Messages per second: classification next to raw fugashi tagging (run: python -m bench.nlp)."""

import json
import sys
import time
from pathlib import Path

from bot.nlp.classify import classify
from bot.nlp.normalise import normalise
from bot.nlp.tagger import get_tagger

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT.parent / "shared" / "nlp" / "dev_set.jsonl", ROOT / "tests" / "nlp" / "held_out.jsonl")
ROUNDS = 20


def _messages() -> list[tuple[str, str | None]]:
    """(text, context) pairs from the dev set and held-out sentences that exist here."""
    rows = []
    for source in SOURCES:
        if source.exists():
            rows += [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line]
    return [(row["text"], row.get("context")) for row in rows]


def _rate(work, messages: list) -> float:
    """Messages per second for `work` over ROUNDS passes."""
    started = time.perf_counter()
    for _ in range(ROUNDS):
        for text, context in messages:
            work(text, context)
    return ROUNDS * len(messages) / (time.perf_counter() - started)


def main() -> int:
    """Warm up, measure both, print the rates and their ratio."""
    messages = _messages()
    tagger = get_tagger()
    classify("ウォームアップ")
    tagging = _rate(lambda text, _context: tagger(normalise(text)), messages)
    classification = _rate(classify, messages)
    print(f"messages: {len(messages)} x {ROUNDS} rounds")
    print(f"raw fugashi tagging: {tagging:10.0f} msg/s")
    print(f"classification:      {classification:10.0f} msg/s")
    print(f"ratio (tagging / classification): {tagging / classification:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
