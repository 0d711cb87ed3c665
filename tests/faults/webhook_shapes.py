"""Generated LINE webhook bodies, good and broken, reproducible from a seed (for the fuzz test)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

DEEP = "__deep__"  # replaced in the body text by arrays nested deeper than json.loads goes


@dataclass
class Shape:
    """One body: its raw bytes, whether it is LINE's shape at all, the ids of its good events."""

    raw: bytes
    well_formed: bool
    good_ids: list[str] = field(default_factory=list)


class Shapes:
    """A stream of bodies from one seed."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.serial = 0

    def body(self) -> Shape:
        """A body: mostly LINE's shape with good and broken events, sometimes not LINE's at all."""
        if self.random.random() < 0.05:
            return Shape(self.random.choice(NOT_LINE), well_formed=False)
        events, good_ids, deep = [], [], []
        for _ in range(self.random.randint(1, 4)):
            event = self.event()
            if self.random.random() < 0.5:
                good_ids.append(event["webhookEventId"])
            else:
                event = self.broken(event, deep)
            events.append(event)
        text = json.dumps({"destination": "Ubot", "events": events}, ensure_ascii=False)
        for depth in deep:
            text = text.replace(f'"{DEEP}"', "[" * depth + "]" * depth, 1)
        return Shape(text.encode(), well_formed=True, good_ids=good_ids)

    def event(self) -> dict:
        """A good event, as LINE sends it: a text, a button press, a follow, a group chat..."""
        self.serial += 1
        user = f"U{self.random.randrange(40):032x}"
        kind = self.random.choice(["text", "postback", "follow", "unfollow", "sticker", "group", "future"])
        event = {
            "type": "message",
            "mode": "active",
            "timestamp": 1764140000000 + self.serial,
            "source": {"type": "user", "userId": user},
            "webhookEventId": f"01FUZZ{self.serial:020d}",
            "deliveryContext": {"isRedelivery": False},
            "replyToken": f"{self.serial:032x}",
        }
        event.update(EXTRAS[kind](self.random))
        return event

    def broken(self, event: dict, deep: list[int]) -> object:
        """The event with one to three fields set to what LINE never sends (or not an object)."""
        if self.random.random() < 0.05:
            return self.garbage(deep)
        for _ in range(self.random.randint(1, 3)):
            target, key = self._somewhere(event)
            if self.random.random() < 0.15:
                target.pop(key, None)
            else:
                target[key] = self.garbage(deep)
        return event

    def _somewhere(self, event: dict) -> tuple[dict, str]:
        path = self.random.choice(PATHS)
        target = event
        for part in path[:-1]:
            if not isinstance(target.get(part), dict):
                target[part] = {}
            target = target[part]
        return target, path[-1]

    def garbage(self, deep: list[int]) -> object:
        """A value of a wrong type, length or range."""
        r = self.random
        choices = [
            lambda: "x" * r.choice([0, 51, 101, 201, 500, 5000]),
            lambda: "a\x00b",
            lambda: r.choice([10**20, -1, 2**63, 1e20, 1.5, float("1e308")]),
            lambda: r.choice([True, False, None]),
            lambda: [r.randrange(10) for _ in range(r.randrange(4))],
            lambda: {"type": r.choice(["user", "text", 7, None]), "userId": r.choice([None, 3, "U"])},
            lambda: "日本語と😀" * r.randrange(1, 30),
            lambda: deep.append(r.choice([40, 999, 1000, 3000])) or DEEP,
        ]
        return r.choice(choices)()


EXTRAS = {
    "text": lambda r: {
        "message": {
            "id": "1",
            "type": "text",
            "text": r.choice(["こんにちは", "使い方を教えて", "ありがとう", "hello"]),
        }
    },
    "postback": lambda r: {"type": "postback", "postback": {"data": r.choice(["menu.usage", "fuzz"])}},
    "follow": lambda r: {"type": "follow", "follow": {"isUnblocked": r.random() < 0.5}},
    "unfollow": lambda r: {"type": "unfollow"},
    "sticker": lambda r: {"message": {"id": "2", "type": "sticker", "packageId": "1", "stickerId": "1"}},
    "group": lambda r: {
        "source": {"type": "group", "groupId": "Cgroup", "userId": "Ugroupmember"},
        "message": {"id": "3", "type": "text", "text": "みなさん"},
    },
    "future": lambda r: {"type": "somethingNew", "somethingNew": {"x": 1}},
}

PATHS = [
    ("webhookEventId",),
    ("type",),
    ("timestamp",),
    ("replyToken",),
    ("mode",),
    ("source",),
    ("source", "userId"),
    ("source", "type"),
    ("message",),
    ("message", "text"),
    ("message", "type"),
    ("postback",),
    ("postback", "data"),
    ("postback", "params"),
    ("postback", "params", "date"),
    ("follow",),
    ("follow", "isUnblocked"),
    ("deliveryContext",),
    ("destination",),
]

NOT_LINE = [
    b"",
    b"null",
    b"[]",
    b"{}",
    b'{"events": null}',
    b'{"events": "x"}',
    b"{" * 5000,
    b"[" * 100_000,
    b'{"events": [',
    "\ufeff{}".encode(),
    b"\xff\xfe",
    b"1e999999",
]
