"""The simulated people: at least 95% of conversations end as the person meant, on the tuned set
and on the held-out set (never tuned on). `python -m tests.conversations` prints both figures."""
import logging

import pytest

from tests.conversations import heldout, tuned
from tests.conversations.__main__ import figure
from tests.conversations.runner import run_all

# The held-out set is measured, not tuned: its bar is the 95%, reported as it is.
BARS = {"tuned": (tuned.PERSONAS, 0.95), "held-out": (heldout.PERSONAS, 0.95)}


@pytest.mark.parametrize("name", BARS)
def test_conversations_end_as_the_person_meant(name):
    logging.disable(logging.WARNING)
    try:
        personas, bar = BARS[name]
        results = run_all(personas)
    finally:
        logging.disable(logging.NOTSET)
    share = sum(r.ok for r in results) / len(results)
    failures = [f"{r.persona.name}: {'; '.join(r.problems)}" for r in results if not r.ok]
    print(figure(name, results))
    assert share >= bar, (figure(name, results), failures if name == "tuned" else "held out")
