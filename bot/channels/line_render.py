"""The project's messages as LINE message objects, cut to LINE's documented limits."""

from __future__ import annotations

import logging

from linebot.v3.messaging import (
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexImage,
    FlexMessage,
    FlexText,
    Message as LineMessage,
    ButtonsTemplate,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TemplateMessage,
    TextMessage,
)

from bot.events import Button, Card, Message, Text

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
    with_quick = [m for m in rendered if m.quick_reply is not None]
    if with_quick and rendered[-1].quick_reply is None:
        rendered[-1].quick_reply, with_quick[-1].quick_reply = with_quick[-1].quick_reply, None
    return rendered


def batches(rendered: list[LineMessage]) -> list[list[LineMessage]]:
    """Groups of at most five messages: one request each."""
    return [rendered[i : i + MESSAGES_PER_REQUEST] for i in range(0, len(rendered), MESSAGES_PER_REQUEST)]


def to_texts(message: Text) -> list[LineMessage]:
    """A text, split where LINE would refuse it; the buttons go under the last part (as a card
    when there are more than LINE shows as quick replies)."""
    parts = split_text(message.text) or [" "]
    if message.lasting and message.buttons:
        return [TextMessage(text=part) for part in parts[:-1]] + [lasting(parts[-1], message.buttons)]
    if len(message.buttons) > QUICK_REPLY_MAX:
        return [TextMessage(text=part) for part in parts[:-1]] + [choices(parts[-1], message.buttons)]
    quick = quick_reply(message.buttons)
    return [TextMessage(text=part, quick_reply=quick if i == len(parts) - 1 else None) for i, part in enumerate(parts)]


def split_text(text: str, limit: int = TEXT_MAX) -> list[str]:
    """Parts of at most `limit` characters, cut at a line break when there is one."""
    parts = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return parts + ([text] if text.strip() else [])


def quick_reply(buttons: tuple[Button, ...]) -> QuickReply | None:
    """Quick reply buttons (at most thirteen: `to_texts` makes a card of more)."""
    actions = [a for a in (postback(b) for b in buttons) if a is not None]
    if not actions:
        return None
    return QuickReply(items=[QuickReplyItem(action=a) for a in actions])


def postback(button: Button) -> PostbackAction | None:
    """A button as a postback action; None when its data is too long to send whole."""
    if len(button.data) > DATA_MAX:
        # Cut data would do something else than the button says: leave the button out.
        log.error("postback data longer than %d, button %r left out: %.60s", DATA_MAX, button.label, button.data)
        return None
    display = shorten(button.display_text, DISPLAY_TEXT_MAX) if button.display_text else None
    return PostbackAction(label=shorten(button.label, LABEL_MAX) or "-", data=button.data, display_text=display)


def shorten(text: str, limit: int) -> str:
    """The text, cut with an ellipsis when longer than the limit."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_flex(card: Card) -> FlexMessage:
    """A card as a Flex bubble: optional picture, title, body, one button a row."""
    body = FlexBox(
        layout="vertical",
        spacing="md",
        contents=[
            FlexText(text=card.title or " ", weight="bold", size="lg", wrap=True),
            FlexText(text=shorten(card.body, CARD_BODY_MAX) or " ", size="md", wrap=True),
        ],
    )
    actions = [a for a in (postback(b) for b in card.buttons) if a is not None]
    footer = None
    if actions:
        footer = FlexBox(
            layout="vertical",
            spacing="sm",
            contents=[
                FlexButton(action=a, style="primary" if i == 0 else "secondary", height="sm")
                for i, a in enumerate(actions)
            ],
        )
    bubble = FlexBubble(hero=hero(card.image_url), body=body, footer=footer)
    alt = card.alt_text or f"{card.title}\n{card.body}"
    return FlexMessage(alt_text=shorten(alt.strip() or card.title or " ", ALT_TEXT_MAX), contents=bubble)


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
    return TemplateMessage(
        alt_text=shorten(text, TEMPLATE_ALT_TEXT_MAX), template=ButtonsTemplate(text=text, actions=actions)
    )


def choices(text: str, buttons: tuple[Button, ...]) -> FlexMessage:
    """A text with more choices than quick replies can hold: a bubble with one button a row."""
    body = FlexBox(layout="vertical", contents=[FlexText(text=text, size="md", wrap=True)])
    footer = FlexBox(
        layout="vertical",
        spacing="sm",
        contents=[
            FlexButton(action=a, style="secondary", height="sm")
            for a in (postback(b) for b in buttons)
            if a is not None
        ],
    )
    return FlexMessage(alt_text=shorten(text, ALT_TEXT_MAX), contents=FlexBubble(body=body, footer=footer))


def hero(url: str | None) -> FlexImage | None:
    """The card's picture; LINE shows only HTTPS images."""
    if not url:
        return None
    if not url.startswith("https://") or len(url) > URL_MAX:
        log.warning("card image left out (LINE needs an HTTPS URL under %d chars): %.80s", URL_MAX, url)
        return None
    return FlexImage(url=url, size="full", aspect_ratio="20:13", aspect_mode="cover")
