"""The project's messages as LINE message objects (their JSON, as the Messaging API takes it),
cut to LINE's documented limits.

Built as plain dicts, not as line-bot-sdk's models: every answer a job sends was rendered as
models, validated field by field, then turned back into dicts by the SDK before it could be sent,
a tenth of a worker's time per message. tests/channels/test_line_render.py reads each shape back
with the SDK's models, and the fake LINE API checks every request against LINE's OpenAPI spec.
"""

from __future__ import annotations

import logging

from bot.events import Button, Card, Message, Text

LineMessage = dict  # one LINE message object, as JSON
log = logging.getLogger(__name__)

# developers.line.biz/en/reference/messaging-api/ (message objects, actions, quick reply)
MESSAGES_PER_REQUEST = 5
TEXT_MAX = 5000
QUICK_REPLY_MAX = 13
LABEL_MAX = 20
DATA_MAX = 300
DISPLAY_TEXT_MAX = 300
ALT_TEXT_MAX = 1500
TEMPLATE_ACTIONS_MAX = 4  # a buttons template
TEMPLATE_TEXT_MAX = 160  # its text, without a title or image
TEMPLATE_ALT_TEXT_MAX = 400
CARD_BODY_MAX = 2000  # keeps a bubble well under LINE's 30 KB per flex message
URL_MAX = 2000


def to_line_messages(messages: list[Message]) -> list[LineMessage]:
    """Render the project's messages as LINE message objects (a long text becomes several)."""
    rendered: list[LineMessage] = []
    for message in messages:
        if isinstance(message, Card):
            rendered.append(to_flex(message))
        else:
            rendered.extend(to_texts(message))
    return keep_quick_reply_visible(rendered)


def keep_quick_reply_visible(rendered: list[LineMessage]) -> list[LineMessage]:
    """LINE shows quick replies only under the last message: move the latest ones there."""
    with_quick = [m for m in rendered if "quickReply" in m]
    if with_quick and "quickReply" not in rendered[-1]:
        rendered[-1]["quickReply"] = with_quick[-1].pop("quickReply")
    return rendered


def batches(rendered: list[LineMessage]) -> list[list[LineMessage]]:
    """Groups of at most five messages: one request each."""
    return [rendered[i : i + MESSAGES_PER_REQUEST] for i in range(0, len(rendered), MESSAGES_PER_REQUEST)]


def text_message(part: str, quick: dict | None = None) -> LineMessage:
    """A text message, with quick replies under it if given."""
    return {"type": "text", "text": part} if quick is None else {"type": "text", "quickReply": quick, "text": part}


def to_texts(message: Text) -> list[LineMessage]:
    """A text, split where LINE would refuse it; the buttons go under the last part (as a card
    when there are more than LINE shows as quick replies)."""
    parts = split_text(message.text) or [" "]
    if message.lasting and message.buttons:
        return [text_message(part) for part in parts[:-1]] + [lasting(parts[-1], message.buttons)]
    if len(message.buttons) > QUICK_REPLY_MAX:
        return [text_message(part) for part in parts[:-1]] + [choices(parts[-1], message.buttons)]
    quick = quick_reply(message.buttons)
    return [text_message(part, quick if i == len(parts) - 1 else None) for i, part in enumerate(parts)]


def split_text(text: str, limit: int = TEXT_MAX) -> list[str]:
    """Parts of at most `limit` characters, cut at a line break when there is one."""
    parts = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return parts + ([text] if text.strip() else [])


def quick_reply(buttons: tuple[Button, ...]) -> dict | None:
    """Quick reply buttons (at most thirteen: `to_texts` makes a card of more)."""
    actions = [a for a in (postback(b) for b in buttons) if a is not None]
    if not actions:
        return None
    return {"items": [{"action": a, "type": "action"} for a in actions]}


def postback(button: Button) -> dict | None:
    """A button as a postback action; None when its data is too long to send whole."""
    if len(button.data) > DATA_MAX:
        # Cut data would do something else than the button says: leave the button out.
        log.error("postback data longer than %d, button %r left out: %.60s", DATA_MAX, button.label, button.data)
        return None
    action = {"type": "postback", "label": shorten(button.label, LABEL_MAX) or "-", "data": button.data}
    if button.display_text:
        action["displayText"] = shorten(button.display_text, DISPLAY_TEXT_MAX)
    return action


def shorten(text: str, limit: int) -> str:
    """The text, cut with an ellipsis when longer than the limit."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def box(contents: list[dict], spacing: str | None = None) -> dict:
    """A vertical Flex box."""
    found = {"type": "box", "layout": "vertical", "contents": contents}
    if spacing:
        found["spacing"] = spacing
    return found


def flex_text(text: str, size: str, bold: bool = False) -> dict:
    """A wrapped Flex text."""
    if bold:
        return {"type": "text", "text": text, "size": size, "weight": "bold", "wrap": True}
    return {"type": "text", "text": text, "size": size, "wrap": True}


def flex_button(action: dict, style: str) -> dict:
    return {"type": "button", "style": style, "action": action, "height": "sm"}


def to_flex(card: Card) -> LineMessage:
    """A card as a Flex bubble: optional picture, title, body, one button a row."""
    body = box(
        [flex_text(card.title or " ", "lg", bold=True), flex_text(shorten(card.body, CARD_BODY_MAX) or " ", "md")],
        "md",
    )
    actions = [a for a in (postback(b) for b in card.buttons) if a is not None]
    bubble: dict = {"type": "bubble"}
    picture = hero(card.image_url)
    if picture is not None:
        bubble["hero"] = picture
    bubble["body"] = body
    if actions:
        bubble["footer"] = box(
            [flex_button(a, "primary" if i == 0 else "secondary") for i, a in enumerate(actions)], "sm"
        )
    alt = card.alt_text or f"{card.title}\n{card.body}"
    return {"type": "flex", "altText": shorten(alt.strip() or card.title or " ", ALT_TEXT_MAX), "contents": bubble}


def lasting(text: str, buttons: tuple[Button, ...]) -> LineMessage:
    """A text whose buttons stay on it: LINE's buttons template when it fits (four buttons, 160
    characters, labels not cut), else a bubble with one button a row."""
    actions = [a for a in (postback(b) for b in buttons) if a is not None]
    fits = (
        len(actions) <= TEMPLATE_ACTIONS_MAX
        and len(text) <= TEMPLATE_TEXT_MAX
        and all(len(b.label) <= LABEL_MAX for b in buttons)
    )
    if not fits:
        return choices(text, buttons)
    return {
        "type": "template",
        "altText": shorten(text, TEMPLATE_ALT_TEXT_MAX),
        "template": {"type": "buttons", "text": text, "actions": actions},
    }


def choices(text: str, buttons: tuple[Button, ...]) -> LineMessage:
    """A text with more choices than quick replies can hold: a bubble with one button a row."""
    footer = box([flex_button(a, "secondary") for a in (postback(b) for b in buttons) if a is not None], "sm")
    bubble = {"type": "bubble", "body": box([flex_text(text, "md")]), "footer": footer}
    return {"type": "flex", "altText": shorten(text, ALT_TEXT_MAX), "contents": bubble}


def hero(url: str | None) -> dict | None:
    """The card's picture; LINE shows only HTTPS images."""
    if not url:
        return None
    if not url.startswith("https://") or len(url) > URL_MAX:
        log.warning("card image left out (LINE needs an HTTPS URL under %d chars): %.80s", URL_MAX, url)
        return None
    return {
        "type": "image",
        "url": url,
        "size": "full",
        "aspectRatio": "20:13",
        "aspectMode": "cover",
        "animated": False,
    }
