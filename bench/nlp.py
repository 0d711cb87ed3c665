"""Messages per second: classification next to raw fugashi tagging (run: python -m bench.nlp).

It says whether bot/nlp ran compiled (bot/compiled.py); when it did, the same figures follow from
the source alone, measured in a second process (`python -m bench.nlp --pure`).
"""

import json
import subprocess
import sys
import time
from pathlib import Path

from bot.compiled import state, stay_pure

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT.parent / "shared" / "nlp" / "dev_set.jsonl", ROOT / "tests" / "nlp" / "held_out.jsonl")
ROUNDS = 20
REPEATS = 5  # the two sides take turns; the best of the repeats damps a noisy machine


def _messages() -> list[tuple[str, str | None]]:
    """(text, context) pairs from the dev set and held-out sentences that exist here."""
    rows = []
    for source in SOURCES:
        if source.exists():
            rows += [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line]
    return [(row["text"], row.get("context")) for row in rows]


def _seconds(work, messages: list, rounds: int) -> float:
    """CPU seconds `work` takes over `rounds` passes through the messages (CPU time: on a shared
    machine, time spent waiting for a core is not counted against either side)."""
    started = time.process_time()
    for _ in range(rounds):
        for text, context in messages:
            work(text, context)
    return time.process_time() - started


def main(argv: list[str]) -> int:
    """Warm up, measure both on the same messages, print the rates and their ratio (and, when
    bot/nlp ran compiled, the same from its source)."""
    if "--pure" in argv:
        stay_pure()
    from bot.nlp.classify import analyse
    from bot.nlp.features import names_clear
    from bot.nlp.learned import rows_clear
    from bot.nlp.normalise import normalise
    from bot.nlp.reading import classify
    from bot.nlp.tagger import get_tagger, token_cache_clear

    ran = state()
    print(f"bot/nlp {'compiled' if ran.compiled else 'from source'}: {ran.reason}")
    messages = _messages()
    tagger = get_tagger()

    def tag(text, _context):
        return tagger(normalise(text))

    def classify_afresh(text, context):
        analyse.cache_clear()  # every message is read afresh, also one that comes twice in a row
        return classify(text, context)

    classify("ウォームアップ")
    token_cache_clear()  # first pass: every word of the messages is converted afresh
    names_clear()  # and every feature name built afresh
    rows_clear()  # and found afresh among the model's
    cold = _seconds(classify_afresh, messages, 1) / _seconds(tag, messages, 1)
    rounds = ROUNDS // REPEATS
    pairs = [(_seconds(tag, messages, rounds), _seconds(classify_afresh, messages, rounds)) for _ in range(REPEATS)]
    tagging, classification = min(p[0] for p in pairs), min(p[1] for p in pairs)
    count = rounds * len(messages)
    print(f"messages: {len(messages)} x {ROUNDS} rounds (best of {REPEATS} x {rounds})")
    print(f"raw fugashi tagging: {count / tagging:10.0f} msg/s of CPU")
    print(f"classification:      {count / classification:10.0f} msg/s of CPU")
    print(f"ratio (tagging / classification): {classification / tagging:.1f}x")
    print(f"first pass, word cache cold:      {cold:.1f}x")
    if ran.compiled:
        sys.stdout.flush()
        subprocess.run([sys.executable, "-m", "bench.nlp", "--pure"], cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
