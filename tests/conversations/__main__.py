"""Print the simulated-conversation figures: `python -m tests.conversations [--failures]`.

The tuned set's failures may be listed; the held-out set only ever shows its figure.
"""
from __future__ import annotations

import logging
import sys

from tests.conversations import heldout, tuned
from tests.conversations.runner import run_all


def figure(name: str, results: list) -> str:
    """One line: how many conversations ended as the person meant."""
    ok = sum(r.ok for r in results)
    return f"{name}: {ok}/{len(results)} ({100 * ok / max(len(results), 1):.1f}%)"


def main() -> None:
    logging.disable(logging.WARNING)
    tuned_results = run_all(tuned.PERSONAS)
    held = run_all(heldout.PERSONAS)
    if "--failures" in sys.argv:
        for result in tuned_results:
            if not result.ok:
                print(f"- {result.persona.name} 「{result.persona.says}」: {'; '.join(result.problems)}")
    print(figure("tuned", tuned_results))
    print(figure("held-out", held))


if __name__ == "__main__":
    main()
