"""The simulated people: at least 95% of conversations end as the person meant on the tuned side
(the tuned set, and sessions 2 and 3's sets, looked at in session 4); on session 4's set (looked at
in session 5), session 5's (looked at in session 6), session 6's (looked at in session 7), session 7's (looked at in
session 8), session 8's (looked at in session 9), session 9's (looked at in session 10), session 10's (looked at
in session 11), session 11's (looked at in session 12), session 12's (looked at in session 13) and the held-out set of session 13
(never tuned on) no fewer
than they reached (see BARS). Every
conversation goes through the real webhook and line-bot-sdk to the fake LINE API and is judged on what LINE received.
`python -m tests.conversations` prints every figure (with --fake: on the recording channel too)."""

import logging

import pytest

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
from tests.conversations.__main__ import figure
from tests.conversations.runner import run_all

# Sessions 2 and 3's sets were held out until session 4 looked at their failures, and session 4's
# until session 5 did, session 5's until session 6 did, and session 6's until session 7 did, and session 7's until session 8 did,
# and session 8's until session 9 did, and session 9's until session 10 did, and session 10's until session 11 did,
# and session 11's until session 12 did, and session 12's until session 13 did: since then they are tuned on, and
# only session 13's set, written before that session changed anything, is held out (its failures are never shown).
BARS = {
    "tuned": (tuned.PERSONAS, 0.95),
    "looked at (s2 + s3)": (heldout.PERSONAS + heldout_line.PERSONAS, 0.95),
    # 57/62 before session 4 changed anything, 58/62 at its end; its four failures were looked at
    # and fixed in session 5 in general ways (62/62): the bar is the figure reached, so that no
    # change loses one. Issue 8's 95% goal now applies to s5.
    "s4 (looked at in session 5)": (heldout_s4.PERSONAS, 1.0),
    # Written in session 5 before any change of that session: 66/71 on main then, 68/71 (95.8%) at
    # its end, issue 8's goal, reached without its failures ever being shown. Looked at in
    # session 6; the bar is still the figure reached, so that no change loses one.
    "s5 (looked at in session 6)": (heldout_s5.PERSONAS, 0.957),
    # Written in session 6 before any change of that session: 70/76 (92.1%) on main then, measured
    # once, figure only. Looked at in session 7; the bar stays what it was while it was held out.
    "s6 (looked at in session 7)": (heldout_s6.PERSONAS, 0.90),
    # Written in session 7 before any change of that session: 83/87 (95.4%) on main then, measured
    # once, figure only. Looked at in session 8; the bar stays what it was while it was held out.
    "s7 (looked at in session 8)": (heldout_s7.PERSONAS, 0.90),
    # Written in session 8 before any change of that session: 77/87 (88.5%) on main then, measured
    # once, figure only. Looked at in session 9; the bar stays what it was while it was held out.
    "s8 (looked at in session 9)": (heldout_s8.PERSONAS, 0.88),
    # Written in session 9 before any change of that session: 78/85 (91.8%) on main then (626e6a0),
    # measured once, figure only. Looked at in session 10; the bar stays what it was while it was held out.
    "s9 (looked at in session 10)": (heldout_s9.PERSONAS, 0.87),
    # Written in session 10 before any change of that session: 80/85 (94.1%) on main then (bc456ec),
    # measured once, figure only. Looked at in session 11; the bar stays what it was while it was held out.
    "s10 (looked at in session 11)": (heldout_s10.PERSONAS, 0.89),
    # Written in session 11 before any change of that session: 80/85 (94.1%) on main then (4528c3d),
    # measured once, figure only. Looked at in session 12; the bar stays what it was while it was held out.
    "s11 (looked at in session 12)": (heldout_s11.PERSONAS, 0.89),
    # Written in session 12 before any change of that session: 81/85 (95.3%) on main then (5bcdf97),
    # measured once, figure only. Looked at in session 13; the bar stays what it was while it was held out.
    "s12 (looked at in session 13)": (heldout_s12.PERSONAS, 0.89),
    # Written in session 13 before any change of that session: 81/87 (93.1%) on main then (d8fdc1a),
    # measured once, figure only. The bar is 95% of that figure, rounded down to whole conversations
    # (95% of 81 is 76.95: 76/87 = 0.874, so 0.87), so that a sound change is not failed by one or two it
    # happens to lose.
    "held-out s13": (heldout_s13.PERSONAS, 0.87),
}
HELD_OUT = {"held-out s13"}


@pytest.mark.parametrize("name", BARS)
def test_conversations_end_as_the_person_meant_on_line(name):
    logging.disable(logging.WARNING)
    try:
        personas, bar = BARS[name]
        results = run_all(personas, line=True)
    finally:
        logging.disable(logging.NOTSET)
    share = sum(r.ok for r in results) / len(results)
    failures = [f"{r.persona.name}: {'; '.join(r.problems)}" for r in results if not r.ok]
    print(figure(f"{name} (LINE)", results))
    if name == "looked at (s2 + s3)":
        second = len(heldout.PERSONAS)
        print(figure("s2 (LINE)", results[:second]), figure("s3 (LINE)", results[second:]))
    assert share >= bar, (figure(name, results), failures if name not in HELD_OUT else "held out")


def test_the_suite_is_well_over_a_hundred_conversations():
    assert len(tuned.PERSONAS) + len(heldout.PERSONAS) + len(heldout_line.PERSONAS) >= 140
