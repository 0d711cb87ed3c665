"""Storing webhook bodies (bot.inbound): each event once, and handed back to be queued exactly
when no job is on its way for it."""

from datetime import datetime

from bot import inbound
from bot.queue import events_job_id

NOW = datetime(2026, 11, 30, 9, 0)


def _body(*event_ids: str) -> list[dict]:
    return inbound.rows("line", [(event_id, "message", {"type": "message"}) for event_id in event_ids], NOW)


def test_a_group_stored_again_by_its_own_retry_gets_its_events_to_queue(session):
    """The writer's first try committed but its answer was lost with the cut connection: the retry
    on a new one (same job) must queue the events, not leave them to the reconciler's grace."""
    job_id = events_job_id()
    [first] = inbound.store_bodies(session.connection(), [_body("E1", "E2")], NOW, job_id)
    [again] = inbound.store_bodies(session.connection(), [_body("E1", "E2")], NOW, job_id)
    assert again == first and len(first) == 2


def test_a_redelivery_at_once_is_not_queued_twice(session):
    """Another group (another job) with an event just stored: its job is on its way already."""
    inbound.store_bodies(session.connection(), [_body("E1")], NOW, events_job_id())
    assert inbound.store_bodies(session.connection(), [_body("E1")], NOW, events_job_id()) == [[]]
    assert inbound.store_bodies(session.connection(), [_body("E1")], NOW) == [[]]


def test_an_event_twice_in_one_group_is_handed_to_its_first_body_alone(session):
    """The same event in two bodies of one group (a redelivery that came while the first waited):
    one job, one id; the second body's request is answered with nothing to handle."""
    job_id = events_job_id()
    first, second = inbound.store_bodies(session.connection(), [_body("E1"), _body("E1", "E2")], NOW, job_id)
    assert len(first) == 1 and len(second) == 1 and first[0] not in second
