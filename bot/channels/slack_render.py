"""The project's messages as Slack Block Kit, cut to Slack's documented limits."""

from __future__ import annotations

from bot.channels.line_render import split_text
from bot.events import Button, Card, Message

# docs.slack.dev/reference/block-kit (blocks, block elements, composition objects)
BLOCKS_PER_MESSAGE = 50
SECTION_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150
BUTTONS_PER_ACTIONS = 25
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
ALT_TEXT_MAX = 2000
IMAGE_URL_MAX = 3000
FALLBACK_TEXT_MAX = 3000  # the notification's text; Slack truncates far later


def to_posts(messages: list[Message]) -> list[tuple[list[dict], str]]:
    """The messages as (blocks, notification text) pairs: one chat.postMessage each, 50 blocks at most."""
    posts: list[tuple[list[dict], Message]] = []
    for message in messages:
        blocks = to_blocks(message)
        for i in range(0, len(blocks), BLOCKS_PER_MESSAGE):  # a very long text alone may need more
            chunk = blocks[i : i + BLOCKS_PER_MESSAGE]
            if posts and len(posts[-1][0]) + len(chunk) <= BLOCKS_PER_MESSAGE:
                posts[-1][0].extend(chunk)
            else:
                posts.append((chunk, message))
    return [(blocks, fallback_text(first)) for blocks, first in posts]


def to_blocks(message: Message) -> list[dict]:
    """One message as blocks: a card's header and image, the text's sections, the buttons."""
    if isinstance(message, Card):
        blocks = [header(message.title), *sections(message.body)]
        if message.image_url and len(message.image_url) <= IMAGE_URL_MAX:
            alt = message.alt_text or message.title
            blocks.append({"type": "image", "image_url": message.image_url, "alt_text": alt[:ALT_TEXT_MAX]})
    else:
        blocks = sections(message.text)
    return blocks + actions(message.buttons)


def header(title: str) -> dict:
    """A card's title as a header block."""
    return {"type": "header", "text": plain(title[:HEADER_TEXT_MAX] or " ")}


def sections(text: str) -> list[dict]:
    """A text as section blocks of at most 3000 characters (Slack's mrkdwn, escaped)."""
    parts = split_text(escape(text), SECTION_TEXT_MAX) or [" "]
    return [{"type": "section", "text": {"type": "mrkdwn", "text": part}} for part in parts]


def actions(buttons: tuple[Button, ...]) -> list[dict]:
    """The buttons as one actions block; pressing one posts its data back as the value."""
    elements = [button(i, b) for i, b in enumerate(buttons[:BUTTONS_PER_ACTIONS]) if len(b.data) <= BUTTON_VALUE_MAX]
    return [{"type": "actions", "elements": elements}] if elements else []


def button(index: int, pressed: Button) -> dict:
    """One button; action ids must differ within a message."""
    return {
        "type": "button",
        "action_id": f"kyojo-{index}",
        "value": pressed.data,
        "text": plain(pressed.label[:BUTTON_TEXT_MAX] or " "),
    }


def plain(text: str) -> dict:
    """A plain_text object (a header or a button's label), emoji shortcodes shown as emoji."""
    return {"type": "plain_text", "text": text, "emoji": True}


def escape(text: str) -> str:
    """Slack reads &, < and > as markup: escape them as its docs say."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fallback_text(message: Message) -> str:
    """What a notification shows: the words of the post's first message."""
    words = f"{message.title}\n{message.body}" if isinstance(message, Card) else message.text
    return escape(words)[:FALLBACK_TEXT_MAX] or " "
