"""Signed Slack bodies with any field of a direct message or a button press replaced by something
Slack never sends (wrong types, 1e20, 5,000 characters, NUL, nesting 1,000 deep, missing): never
a 5xx, and every event stored is handled or refused once, none left to fail on every retry.
KYOJO_FUZZ_SLACK sets how many."""

from __future__ import annotations

import copy
import json
import os
import random
from urllib.parse import urlencode

from sqlalchemy import select

from db.models import InboundEvent
from db.session import Session
from tests.channels.test_slack_webhook import dm, post, press, slack_app  # noqa: F401  (fixtures)

BODIES = int(os.environ.get("KYOJO_FUZZ_SLACK", "300"))
SEED = int(os.environ.get("KYOJO_FUZZ_SEED", "20261130"))
DEEP = "__nested 1,000 deep__"  # put in the raw body by `raw` (json cannot hold it)
ODD_VALUES = [
    None,
    0,
    -1,
    1e20,
    True,
    "",
    "x" * 5000,
    "a\x00b",
    [],
    {},
    ["U0ALICE"],
    {"id": None},
    DEEP,
    "1764140000.000100",
    "not a number",
    "Ｕ０ＡＬＩＣＥ",
]


def paths(value, prefix=()):
    """Every path to a value inside nested dicts and lists."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from paths(inner, (*prefix, index))


def mutated(body: dict, rng: random.Random) -> dict:
    """The body with one to three of its fields replaced by an odd value or removed."""
    body = json.loads(json.dumps(body))
    for _ in range(rng.randint(1, 3)):
        path = rng.choice([p for p in paths(body) if p])
        *parents, last = path
        holder = body
        try:
            for step in parents:
                holder = holder[step]
            if isinstance(holder, dict) and rng.random() < 0.2:
                holder.pop(last, None)
            else:
                holder[last] = copy.deepcopy(rng.choice(ODD_VALUES))  # never shared between fields
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the way there
    return body


def raw(body: dict, form: bool) -> bytes:
    """The body as Slack would post it (JSON, or the form field `payload` for a button press)."""
    text = json.dumps(body, ensure_ascii=False).replace(f'"{DEEP}"', "[" * 1000 + "]" * 1000)
    return urlencode({"payload": text}).encode() if form else text.encode()


def test_no_mutated_slack_body_gets_a_5xx_and_none_is_left_failing(post, slack_api):  # noqa: F811
    rng, answers = random.Random(SEED), {}
    for n in range(BODIES):
        is_press = n % 3 == 2
        body = mutated(
            press("menu.usage", action_ts=f"1764140000.{n:06d}")
            if is_press
            else dm("こんにちは", event_id=f"Ev{n:06d}"),
            rng,
        )
        status = post(raw(body, is_press), form=is_press).status_code
        answers[status] = answers.get(status, 0) + 1
        assert status in (200, 400), json.dumps(body, ensure_ascii=False, default=str)[:500]
    with Session() as s:
        statuses = set(s.scalars(select(InboundEvent.status)))
    assert "received" not in statuses  # each was handled, ignored or refused once
    assert answers.get(200, 0) > 0 and answers.get(400, 0) > 0


def test_a_message_slack_could_not_have_sent_is_kept_aside_and_not_answered(post, slack_api):  # noqa: F811
    assert post(dm("こんにちは", ts="1e300")).status_code == 200  # stored, so Slack stops retrying
    assert post(dm("こんにちは", user=12345, event_id="Ev2")).status_code == 200
    with Session() as s:
        kept = s.scalars(select(InboundEvent).order_by(InboundEvent.id)).all()
    assert [e.status for e in kept] == ["quarantined", "quarantined"]
    assert "event.ts" in kept[0].payload["problem"] and "event.user" in kept[1].payload["problem"]
    assert slack_api.posts() == []  # nobody was answered for a message nobody could have sent
