"""Print the simulated-conversation figures: `python -m tests.conversations [SET ...] [--failures] [--fake]`.

SET names the sets to play by the first word of their name (`s9`, `tuned`, `held-out`); all when none.

Every set is played through the webhook and line-bot-sdk to the fake LINE API; with --fake, on
the recording channel as well. The failures of the sets tuned on may be listed (sessions 2 and 3's
were looked at in session 4, session 4's in session 5, session 5's in session 6, session 6's in
session 7, session 7's in session 8, session 8's in session 9, session 9's in session 10, session
10's in session 11, session 11's in session 12, session 12's in session 13); the held-out set of session 13 only
ever shows its figure.
"""

from __future__ import annotations

import logging
import sys

from tests.conversations import (
    heldout,
    heldout_line,
    heldout_s4,
    heldout_s5,
    heldout_s6,
    heldout_s7,
    heldout_s8,
    heldout_s9,
    heldout_s10,
    heldout_s11,
    heldout_s12,
    heldout_s13,
    tuned,
)
from tests.conversations.runner import run_all

SETS = {
    "tuned": tuned.PERSONAS,
    "s2 (looked at in session 4)": heldout.PERSONAS,
    "s3 (looked at in session 4)": heldout_line.PERSONAS,
    "s4 (looked at in session 5)": heldout_s4.PERSONAS,
    "s5 (looked at in session 6)": heldout_s5.PERSONAS,
    "s6 (looked at in session 7)": heldout_s6.PERSONAS,
    "s7 (looked at in session 8)": heldout_s7.PERSONAS,
    "s8 (looked at in session 9)": heldout_s8.PERSONAS,
    "s9 (looked at in session 10)": heldout_s9.PERSONAS,
    "s10 (looked at in session 11)": heldout_s10.PERSONAS,
    "s11 (looked at in session 12)": heldout_s11.PERSONAS,
    "s12 (looked at in session 13)": heldout_s12.PERSONAS,
    "held-out s13": heldout_s13.PERSONAS,  # written in session 13 before any change; its figure only
}
HELD_OUT = {"held-out s13"}


def figure(name: str, results: list) -> str:
    """One line: how many conversations ended as the person meant."""
    ok = sum(r.ok for r in results)
    return f"{name}: {ok}/{len(results)} ({100 * ok / max(len(results), 1):.1f}%)"


def main() -> None:
    logging.disable(logging.WARNING)
    ways = [("LINE", True)] + ([("fake channel", False)] if "--fake" in sys.argv else [])
    asked = {word for word in sys.argv[1:] if not word.startswith("--")}
    unknown = asked - {name.split()[0] for name in SETS}
    if unknown:
        sys.exit(f"no such set: {', '.join(sorted(unknown))} (sets: {', '.join(n.split()[0] for n in SETS)})")
    for way, line in ways:
        for name, personas in SETS.items():
            if asked and name.split()[0] not in asked:
                continue
            results = run_all(personas, line=line)
            if name not in HELD_OUT and "--failures" in sys.argv:
                for result in results:
                    if not result.ok:
                        print(f"- {result.persona.name} 「{result.persona.says}」: {'; '.join(result.problems)}")
            print(figure(f"{name} ({way})", results))


if __name__ == "__main__":
    main()
