"""Splitting a verified LINE webhook body into events, each checked against LINE's documented shape.

A body that is not LINE's at all (not JSON, no list of events) is refused whole. Inside a good
body, an event LINE could not have sent (an id of 300 characters, a timestamp of 1e20, a source
given as a string, nesting a thousand deep) is quarantined: kept and logged, never handled, so
that the other events of the body are stored and handled as usual.
"""
from __future__ import annotations

import json
import logging

from bot.errors import PayloadError
from bot.events import quarantined

log = logging.getLogger(__name__)

MAX_DEPTH = 32  # LINE's events nest about 4 deep; deeper is not LINE's and risks recursion limits
NEVER = 4_102_444_800_000  # 2100-01-01 in milliseconds: a later timestamp is not LINE's

# (path, type, longest): what each field must be when present; None counts as absent.
# Lengths follow the columns they end up in (db/models.py) and LINE's own limits.
FIELDS: list[tuple[tuple[str, ...], type, int]] = [
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
    (("message", "text"), str, 10_000),
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


def parse_events(body: bytes) -> list[tuple[str, str, dict]]:
    """A verified body as (webhookEventId, type, event) triples, invalid events quarantined;
    PayloadError when the body is not LINE's shape at all."""
    try:
        data = json.loads(body)
    except RecursionError:
        return [checked_text(raw) for raw in event_texts(body.decode("utf-8"))]
    except ValueError as error:
        raise PayloadError(f"not JSON: {error}") from error
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        raise PayloadError("no list of events")
    return [checked(event) for event in events]


def checked(event: object, raw: str | None = None) -> tuple[str, str, dict]:
    """One event as a triple; an event LINE could not have sent, as a quarantined triple."""
    problem = event_problem(event)
    if problem is not None:
        return _quarantine(problem, raw if raw is not None else json.dumps(event, ensure_ascii=False))
    return event["webhookEventId"], event["type"], event


def checked_text(raw: str) -> tuple[str, str, dict]:
    """`checked` for the text of one event of a body too deep for json.loads."""
    try:
        event = json.loads(raw)
    except RecursionError:
        return _quarantine("nested too deeply", raw)
    except ValueError:
        return _quarantine("not JSON", raw)
    return checked(event, raw)


def _quarantine(problem: str, raw: str) -> tuple[str, str, dict]:
    log.warning("LINE webhook event quarantined: %s: %.300r", problem, raw)
    return quarantined(problem, raw)


def event_problem(event: object) -> str | None:
    """What makes this event impossible for LINE to have sent, or None when it is fine."""
    if not isinstance(event, dict):
        return "an event that is not an object"
    if depth(event) > MAX_DEPTH:
        return "nested too deeply"
    for path in REQUIRED:
        if not value_at(event, path):
            return f"no {'.'.join(path)}"
    for path, kind, longest in FIELDS:
        problem = field_problem(value_at(event, path), kind, longest)
        if problem is not None:
            return f"{'.'.join(path)}: {problem}"
    return None


def field_problem(value: object, kind: type, longest: int) -> str | None:
    """Why one field's value is impossible (wrong type, too long, a NUL, out of range), or None."""
    if value is None:
        return None
    if type(value) is not kind:  # noqa: E721  (bool is an int, and must not pass for one)
        return f"a {type(value).__name__}, not a {kind.__name__}"
    if kind is str and (len(value) > longest or "\x00" in value):
        return f"longer than {longest} characters" if len(value) > longest else "contains NUL"
    if kind is int and not 0 <= value < NEVER:
        return "out of range"
    return None


def value_at(event: dict, path: tuple[str, ...]) -> object:
    """The value at a path of keys; None where a parent is missing or not an object."""
    value: object = event
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def depth(value: object, limit: int = MAX_DEPTH) -> int:
    """How deeply objects and arrays nest (counted without recursion, up to limit + 1)."""
    deepest, stack = 0, [(value, 1)]
    while stack and deepest <= limit:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


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
            return json.loads(self.text[self.key_start:end + 1])
        except ValueError:
            return ""

    def _open(self, position: int, char: str) -> None:
        self.depth += 1
        if self.depth == 1:
            self.expect_key = char == "{"
        elif self.depth == 2 and char == "[" and self.key == "events":
            self.in_events, self.events, self.start = True, [], position + 1

    def _close(self, position: int) -> None:
        if self.depth == 2 and self.in_events:
            self.events.append((self.start, position))
            self.in_events = False
        self.depth -= 1

    def _comma(self, position: int) -> None:
        if self.depth == 1:
            self.expect_key, self.key = True, ""
        elif self.in_events:
            self.events.append((self.start, position))
            self.start = position + 1
