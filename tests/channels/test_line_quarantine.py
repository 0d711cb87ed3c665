"""An event LINE could not have sent is quarantined: the body still gets 200, its other events are
stored and answered, the odd one is kept (never handled, never retried) and a redelivery adds nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.jobs import process_event
from db.models import InboundEvent
from db.session import Session
from tests.channels.conftest import user_event

NUL = "\x00"
LONE = "\ud800"  # what JSON's \ud800 escape gives: no driver can write it as UTF-8


def stored() -> dict[str, InboundEvent]:
    with Session() as s:
        return {row.event_type: row for row in s.scalars(select(InboundEvent))}


def good_text() -> dict:
    return user_event(
        "message",
        user_id="Ugood",
        event_id="01GOOD",
        replyToken="good-token",
        message={"id": "1", "type": "text", "text": "使い方を教えて"},
    )


def odd(**fields) -> dict:
    """A follow from Uodd, with some fields changed to what LINE never sends."""
    event = user_event("follow", user_id="Uodd", event_id="01ODD", follow={"isUnblocked": False})
    for key, value in fields.items():
        path = key.split("__")
        target = event
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    return event


ODD_EVENTS = {
    "long event id": odd(webhookEventId="E" * 101),
    "event id with NUL": odd(webhookEventId=f"01ODD{NUL}"),
    "event id a number": odd(webhookEventId=12345),
    "no event id": {k: v for k, v in odd().items() if k != "webhookEventId"},
    "long type": odd(type="t" * 51),
    "type with NUL": odd(type=f"follow{NUL}"),
    "timestamp 1e20": odd(timestamp=1e20),
    "timestamp a string": odd(timestamp="1764140000000"),
    "timestamp negative": odd(timestamp=-5),
    "source a string": odd(source="Uodd"),
    "message a string": odd(type="message", message="hello"),
    "postback params a string": odd(type="postback", postback={"data": "x", "params": "2026-01-01"}),
    "follow a string": odd(follow="yes"),
    "user id of 201 characters": odd(source__userId="U" * 201),
    "user id with NUL": odd(source__userId=f"Uodd{NUL}"),
    "reply token of 500 characters": odd(replyToken="r" * 500),
    "event id with a lone surrogate": odd(webhookEventId=f"01ODD{LONE}"),
    "type with a lone surrogate": odd(type=f"follow{LONE}"),
    "user id with a lone surrogate": odd(source__userId=f"Uodd{LONE}"),
    "text with a lone surrogate": odd(type="message", message={"id": "9", "type": "text", "text": f"a{LONE}b"}),
    "not an object": "follow",
    # deeper than MAX_DEPTH, not so deep that json.loads gives up: its nesting is walked
    "nested 40 deep": odd(extra=json.loads("[" * 40 + "]" * 40)),
}


@pytest.mark.parametrize("name", sorted(ODD_EVENTS))
def test_an_impossible_event_is_quarantined_and_its_neighbour_answered(name, post, line_api):
    body = json.dumps({"destination": "Ubot", "events": [ODD_EVENTS[name], good_text()]}).encode()  # (\u escapes)
    assert post(body).status_code == 200
    rows = stored()
    assert rows["message"].status == "done"
    assert rows["~quarantined"].status == "quarantined"
    assert rows["~quarantined"].payload["problem"]
    assert [r.json["replyToken"] for r in line_api.delivered("/reply")] == ["good-token"]
    assert post(body).status_code == 200  # LINE redelivers: nothing new, nothing sent again
    assert len(stored()) == 2 and len(line_api.delivered("/reply")) == 1


def test_a_body_nested_a_thousand_deep_keeps_its_good_event(post, line_api):
    deep = json.dumps(odd(type="message")).replace(
        '"type": "message"', '"message": ' + "[" * 1000 + "]" * 1000 + ', "type": "message"'
    )
    raw = f'{{"destination": "Ubot", "events": [{json.dumps(good_text())}, {deep}]}}'.encode()
    assert post(raw).status_code == 200
    rows = stored()
    assert (rows["message"].status, rows["~quarantined"].status) == ("done", "quarantined")
    assert rows["~quarantined"].payload["problem"] == "nested too deeply"
    assert len(line_api.delivered("/reply")) == 1


def test_an_impossible_event_stored_before_the_check_is_refused_once(line_app, line_api):
    with Session.begin() as s:
        row = InboundEvent(platform="line", event_id="01OLD", event_type="follow", payload=odd(timestamp=1e20))
        s.add(row)
        s.flush()
        row_id = row.id
    process_event(row_id)  # does not raise: RQ would retry it four times for nothing
    process_event(row_id)
    with Session() as s:
        assert s.get(InboundEvent, row_id).status == "refused"
    assert line_api.requests == []
