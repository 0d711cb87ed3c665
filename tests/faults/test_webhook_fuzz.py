"""Thousands of generated signed webhook bodies: never a 5xx, and every good event of a body stored
and handled, whatever its neighbours look like. KYOJO_FUZZ_BODIES sets how many (10,000 by hand)."""

from __future__ import annotations

import os

from sqlalchemy import select

from db.models import InboundEvent
from db.session import Session
from tests.channels.conftest import sign
from tests.faults.conftest import SECRET, committed_app, database_url  # noqa: F401  (fixtures)
from tests.faults.webhook_shapes import Shapes

BODIES = int(os.environ.get("KYOJO_FUZZ_BODIES", "600"))
SEED = int(os.environ.get("KYOJO_FUZZ_SEED", "20261130"))


def test_no_generated_body_gets_a_5xx_and_no_good_event_is_lost(committed_app, line_api):
    shapes, answers, good, client = Shapes(SEED), {}, set(), committed_app.test_client()
    for _ in range(BODIES):
        shape = shapes.body()
        status = client.post(
            "/callback",
            data=shape.raw,
            headers={"Content-Type": "application/json", "X-Line-Signature": sign(shape.raw, SECRET)},
        ).status_code
        answers[status] = answers.get(status, 0) + 1
        assert status < 500, shape.raw[:500]
        assert status == (200 if shape.well_formed else 400), shape.raw[:500]
        good.update(shape.good_ids)
    with Session() as s:
        statuses = dict(s.execute(select(InboundEvent.event_id, InboundEvent.status)).all())
    assert good <= statuses.keys()  # every good event stored...
    assert {statuses[i] for i in good} <= {"done", "ignored"}  # ...and handled
    assert "received" not in statuses.values()  # nothing left to fail on every retry
    assert {"quarantined", "done"} <= set(statuses.values())
    assert answers.get(400, 0) > 0 and sum(answers.values()) == BODIES
