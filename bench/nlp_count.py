"""bench.nlp counted in instructions instead of timed: repeatable on a loaded machine.

    python -m bench.nlp_count            # runs itself under valgrind's callgrind (a minute or two)
    python -m bench.nlp_count --cache    # also simulates the caches (32 KiB L1s, a 512 KiB L2 as LL)

The same messages and loops as bench.nlp: raw tagging (normalise and fugashi) and classification
(each message read afresh), two rounds each after two warm-up rounds, the garbage collector
collected before each. Counting starts when a loop calls os.getppid() and its dump is written when
it calls os.getpgrp() (callgrind's --zero-before and --dump-before). Hashes are seeded (dict order
and collisions repeat) and OpenBLAS kept to one thread (an idle BLAS thread's spinning was counted).
"""

import gc
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 2
CACHES = ["--cache-sim=yes", "--I1=32768,8,64", "--D1=32768,8,64", "--LL=524288,8,64"]


def _loops() -> int:
    """Under callgrind: warm up, then run each counted loop between the two marker calls."""
    from bench.nlp import _messages
    from bot.compiled import state
    from bot.nlp.classify import analyse
    from bot.nlp.normalise import normalise
    from bot.nlp.reading import classify
    from bot.nlp.tagger import get_tagger

    messages = _messages()
    tagger = get_tagger()

    def tag() -> None:
        for text, _context in messages:
            tagger(normalise(text))

    def understand() -> None:
        for text, context in messages:
            analyse.cache_clear()
            classify(text, context)

    for _ in range(2):
        tag()
        understand()
    for loop in (tag, understand):
        gc.collect()
        os.getppid()  # counting starts
        for _ in range(ROUNDS):
            loop()
        os.getpgrp()  # this loop's counts are written
    ran = state()
    print(f"bot/nlp {'compiled' if ran.compiled else 'from source'}: {ran.reason}")
    print(len(messages))
    return 0


def _summary(dump: Path) -> list[int]:
    """The event totals of one callgrind dump (Ir first)."""
    for line in dump.read_text(encoding="utf-8").splitlines():
        if line.startswith("summary:"):
            return [int(count) for count in line.split()[1:]]
    raise ValueError(f"no summary in {dump}")


def main(argv: list[str]) -> int:
    """Run the loops under callgrind and print the instructions a message of each, and the ratio."""
    if "--inside" in argv:
        return _loops()
    cache = "--cache" in argv
    env = os.environ | {"PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", "--zero-before=getppid", "--dump-before=getpgrp"]
        command += [f"--callgrind-out-file={out}", *(CACHES if cache else [])]
        command += [sys.executable, "-m", "bench.nlp_count", "--inside"]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        ran, messages = done.stdout.strip().splitlines()[-2:]
        count = int(messages) * ROUNDS
        tagging, classification = _summary(Path(f"{out}.1")), _summary(Path(f"{out}.2"))
    print(ran)
    print(f"messages: {messages} x {ROUNDS} rounds after 2 warm-up rounds")
    print(f"raw tagging:    {tagging[0] / count / 1000:6.1f}k instructions a message")
    print(f"classification: {classification[0] / count / 1000:6.1f}k instructions a message")
    print(f"ratio (in instructions): {classification[0] / tagging[0]:.2f}x")
    if cache:  # Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw
        for name, counts in (("raw tagging", tagging), ("classification", classification)):
            l1, ll = sum(counts[3:6]) / count, sum(counts[6:9]) / count
            print(f"{name}: {l1 / 1000:.2f}k L1 misses, {ll / 1000:.2f}k L2 (simulated LL) misses a message")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
