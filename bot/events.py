"""The project's own message types: no platform SDK in here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


MAX_TEXT_CHARS = 5_000  # LINE's limit for one text message


@dataclass(frozen=True)
class Inbound:
    """One thing a person did in a chat, translated from a platform's event."""

    platform: str
    user_id: str
    # text, postback, follow, unfollow, sticker, image, location, media, join, other
    kind: str
    event_id: str
    received_at: datetime
    text: str | None = None
    data: str | None = None  # postback data, e.g. "offer.accept:12"
    reply_token: str | None = None
    display_name: str | None = None
    language: str | None = None
    in_group: bool = False
    media_id: str | None = None  # an image's id on the platform, to fetch its content
    latitude: float | None = None  # a location message (its text is the address)
    longitude: float | None = None

    def __post_init__(self) -> None:
        # Nothing longer than LINE allows in one message is read: a longer text (forged, or from
        # another platform) would hold a worker for seconds in the analysis.
        if self.text is not None and len(self.text) > MAX_TEXT_CHARS:
            object.__setattr__(self, "text", self.text[:MAX_TEXT_CHARS])


@dataclass(frozen=True)
class Button:
    """A quick reply or a card button: `data` comes back as a postback."""

    label: str
    data: str
    # What the chat shows as the person's own message when they press it.
    display_text: str | None = None


@dataclass(frozen=True)
class Text:
    """A text message, with quick-reply buttons under it; with `lasting`, the buttons are on the
    message itself and stay pressable after later messages (a choice, not a shortcut)."""

    text: str
    buttons: tuple[Button, ...] = ()
    lasting: bool = False


@dataclass(frozen=True)
class Card:
    """A card with a title, a body and buttons (a LINE Flex bubble, Slack blocks)."""

    title: str
    body: str
    buttons: tuple[Button, ...] = ()
    image_url: str | None = None
    alt_text: str | None = None


Message = Text | Card


def postback(action: str, *args: object) -> str:
    """Postback data for a button: "action:arg:arg"."""
    return ":".join([action, *(str(a) for a in args)])


def button(label: str, action: str, *args: object, display_text: str | None = None) -> Button:
    """A button whose press comes back as `action` with `args`."""
    return Button(label, postback(action, *args), display_text or label)


@dataclass
class Envelope:
    """Messages for one resident; `retry_key` makes a push safe to retry."""

    resident_id: int
    messages: list[Message] = field(default_factory=list)
    retry_key: str | None = None


@dataclass
class Outbox:
    """What a handler wants sent: to the sender first (reply), then to others (push)."""

    envelopes: list[Envelope] = field(default_factory=list)

    def to(self, resident_id: int, *messages: Message) -> "Outbox":
        """Add messages for one resident, merged with what they already get."""
        for envelope in self.envelopes:
            if envelope.resident_id == resident_id:
                envelope.messages.extend(messages)
                return self
        self.envelopes.append(Envelope(resident_id, list(messages)))
        return self

    def extend(self, other: "Outbox") -> "Outbox":
        """Add everything of another outbox."""
        for envelope in other.envelopes:
            self.to(envelope.resident_id, *envelope.messages)
        return self


def message_to_dict(message: Message) -> dict:
    """A message as plain JSON-able data (for the outbox table)."""
    buttons = [vars(button) for button in message.buttons]
    if isinstance(message, Card):
        return {
            "type": "card",
            "title": message.title,
            "body": message.body,
            "image_url": message.image_url,
            "alt_text": message.alt_text,
            "buttons": buttons,
        }
    if message.lasting:
        return {"type": "text", "text": message.text, "buttons": buttons, "lasting": True}
    return {"type": "text", "text": message.text, "buttons": buttons}


def message_from_dict(data: dict) -> Message:
    """The inverse of `message_to_dict`."""
    buttons = tuple(Button(**button) for button in data.get("buttons", ()))
    if data["type"] == "card":
        return Card(data["title"], data["body"], buttons, data.get("image_url"), data.get("alt_text"))
    return Text(data["text"], buttons, bool(data.get("lasting")))


# -- webhook events that cannot be handled -----------------------------------------------------

# The event type of a quarantined event: a name no platform uses (they never start with "~").
QUARANTINED = "~quarantined"
RAW_KEPT = 16_000  # characters of a quarantined event's text kept for a person to look at


def utf8(value: str) -> bool:
    """Whether a string can be written as UTF-8: JSON's \\ud800 escape gives a lone surrogate,
    which neither database driver can store."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def quarantined(problem: str, raw: str) -> tuple[str, str, dict]:
    """A webhook event a platform could not have sent, as a triple to keep (never handle):
    keyed by its text, so that a redelivery of it is recognised."""
    import hashlib

    digest = hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()[:40]
    return f"quarantine:{digest}", QUARANTINED, {"problem": problem, "raw": raw[:RAW_KEPT]}
