"""Splitting a verified LINE webhook body into events, each checked against LINE's documented shape.

A body that is not LINE's at all (not JSON, no list of events) is refused whole. Inside a good
body, an event LINE could not have sent (an id of 300 characters, a timestamp of 1e20, a source
given as a string, nesting a thousand deep) is quarantined: kept and logged, never handled, so
that the other events of the body are stored and handled as usual.
"""

from __future__ import annotations

import json
from typing import cast

from bot.channels.shapes import MAX_DEPTH, Fields, depth, loads, problem_in, quarantine, shallow_text, value_at
from bot.errors import PayloadError

# What each field must be when present (bot.channels.shapes). Lengths follow the columns they
# end up in (db/models.py) and LINE's own limits.
FIELDS: Fields = [
    (("webhookEventId",), str, 100),
    (("type",), str, 50),
    (("mode",), str, 20),
    (("timestamp",), int, 0),
    (("replyToken",), str, 200),
    (("source",), dict, 0),
    (("source", "type"), str, 20),
    (("source", "userId"), str, 100),
    (("source", "groupId"), str, 100),
    (("source", "roomId"), str, 100),
    (("message",), dict, 0),
    (("message", "id"), str, 100),
    (("message", "type"), str, 50),
    # Longer than LINE allows (5,000) is cut to that by Inbound before any reading: answered, not refused.
    (("message", "text"), str, 1_048_576),
    (("postback",), dict, 0),
    (("postback", "data"), str, 1_000),
    (("postback", "params"), dict, 0),
    (("postback", "params", "date"), str, 100),
    (("postback", "params", "time"), str, 100),
    (("postback", "params", "datetime"), str, 100),
    (("follow",), dict, 0),
    (("follow", "isUnblocked"), bool, 0),
    (("deliveryContext",), dict, 0),
]
REQUIRED = (("webhookEventId",), ("type",))


def parse_events(body: bytes | str) -> list[tuple[str, str, dict]]:
    """A verified body (or its text) as (webhookEventId, type, event) triples, invalid events
    quarantined; PayloadError when the body is not LINE's shape at all."""
    text = body if isinstance(body, str) else body.decode("utf-8")
    try:
        data = loads(text)
    except RecursionError:
        return [checked_text(raw) for raw in event_texts(text)]
    except ValueError as error:
        raise PayloadError(f"not JSON: {error}") from error
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        raise PayloadError("no list of events")
    flat = shallow_text(text)  # LINE's bodies: a few brackets, so no event's depth is walked
    return [checked(event, shallow=flat) for event in events]


def checked(event: object, raw: str | None = None, *, shallow: bool = False) -> tuple[str, str, dict]:
    """One event as a triple; an event LINE could not have sent, as a quarantined triple.
    `shallow`: the text it came in cannot nest too deeply (bot.channels.shapes.shallow_text)."""
    problem = event_problem(event, shallow=shallow)
    if problem is not None:
        return _quarantine(problem, raw if raw is not None else json.dumps(event, ensure_ascii=False))
    event = cast(dict, event)  # no problem: a dict with the fields checked
    return event["webhookEventId"], event["type"], event


def checked_text(raw: str) -> tuple[str, str, dict]:
    """`checked` for the text of one event of a body too deep for json.loads."""
    try:
        event = loads(raw)
    except RecursionError:
        return _quarantine("nested too deeply", raw)
    except ValueError:
        return _quarantine("not JSON", raw)
    return checked(event, raw)


def _quarantine(problem: str, raw: str) -> tuple[str, str, dict]:
    return quarantine("LINE", problem, raw)


def event_problem(event: object, *, shallow: bool = False) -> str | None:
    """What makes this event impossible for LINE to have sent, or None when it is fine (its
    nesting not walked when it is known `shallow`)."""
    if not isinstance(event, dict):
        return "an event that is not an object"
    if not shallow and depth(event) > MAX_DEPTH:
        return "nested too deeply"
    for path in REQUIRED:
        if not value_at(event, path):
            return f"no {'.'.join(path)}"
    return problem_in(event, FIELDS)


def event_texts(text: str) -> list[str]:
    """The raw text of each element of the body's top-level "events" array, found by a scan
    without recursion (for a body too deep for json.loads); PayloadError when there is none."""
    scan = _Scan(text)
    for position, char in enumerate(text):
        scan.step(position, char)
    if scan.events is None:
        raise PayloadError("no list of events")
    return [text[start:end].strip() for start, end in scan.events if text[start:end].strip()]


class _Scan:
    """A character-by-character walk over JSON text: depth, strings, the top-level keys."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.depth = 0
        self.in_string = self.escaped = False
        self.expect_key = False
        self.key_start = -1
        self.key = ""
        self.in_events = False
        self.start = 0
        self.events: list[tuple[int, int]] | None = None

    def step(self, position: int, char: str) -> None:
        """Take one character."""
        if self.in_string:
            self._in_string(position, char)
        elif char == '"':
            self.in_string = True
            self.key_start = position if self.depth == 1 and self.expect_key else -1
        elif char in "{[":
            self._open(position, char)
        elif char in "}]":
            self._close(position)
        elif char == "," and self.depth in (1, 2):
            self._comma(position)
        elif char == ":" and self.depth == 1:
            self.expect_key = False

    def _in_string(self, position: int, char: str) -> None:
        if self.escaped:
            self.escaped = False
        elif char == "\\":
            self.escaped = True
        elif char == '"':
            self.in_string = False
            if self.key_start >= 0:
                self.key = self._key(position)

    def _key(self, end: int) -> str:
        try:
            return json.loads(self.text[self.key_start : end + 1])
        except ValueError:
            return ""

    def _open(self, position: int, char: str) -> None:
        self.depth += 1
        if self.depth == 1:
            self.expect_key = char == "{"
        elif self.depth == 2 and char == "[" and self.key == "events":
            self.in_events, self.events, self.start = True, [], position + 1

    def _close(self, position: int) -> None:
        if self.depth == 2 and self.in_events and self.events is not None:
            self.events.append((self.start, position))
            self.in_events = False
        self.depth -= 1

    def _comma(self, position: int) -> None:
        if self.depth == 1:
            self.expect_key, self.key = True, ""
        elif self.in_events and self.events is not None:
            self.events.append((self.start, position))
            self.start = position + 1
