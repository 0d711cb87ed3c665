"""Handlers: one function per intent of shared/nlp/LABELS.md, per button, per pending question.

A handler takes the session and a `Turn` and returns an `Outbox`; it sends nothing.
Modules in this package register their handlers with the decorators below.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.channel import Channels
from bot.config import Config
from bot.errors import StaleButtonError
from bot.events import Button, Inbound, Message, Outbox, Text, button, postback  # noqa: F401
from bot.i18n import locales, t
from db.models import Conversation, Resident

if TYPE_CHECKING:  # the NLP is loaded when a text first needs it
    from bot.nlp.understanding import Understanding


Handler = Callable[[Session, "Turn"], Outbox | None]
# A handler kept with its own signature (a reader that other handlers also call with options).
AnyHandler = TypeVar("AnyHandler", bound=Callable[..., Outbox | None])

INTENTS: dict[str, Handler] = {}
POSTBACKS: dict[str, Handler] = {}
STATES: dict[str, Handler] = {}
# Pending questions whose answer is stored as typed (an address, a landmark): names and numbers,
# which say nothing of the language the person reads (filed by conversation.declare).
FREE_TEXT: set[str] = set()
EVENTS: dict[str, Handler] = {}
# Typed commands: a catalog key listing the words a message may start with -> handler.
COMMANDS: dict[str, Handler] = {}
# Readers of any text, tried before its intent (e.g. a helper's 「来週はお休みします」);
# each answers None when the text is not theirs.
READERS: list[Handler] = []
# Handlers that see every text first (a daily check-in's answer); None lets the text go on.
FIRST: list[Handler] = []


@dataclass
class Turn:
    """One inbound event, understood, with who sent it and what the bot was waiting for."""

    resident: Resident
    inbound: Inbound
    now: datetime
    config: Config  # the process's, handed down by the job (handlers never look it up)
    channels: Channels
    conversation: Conversation | None = None
    understanding: Understanding | None = None  # for text
    action: str = ""  # for a postback "offer.accept:12": "offer.accept"
    args: list[str] = field(default_factory=list)  # ... and ["12"]
    # Steps to run once the answer is written (e.g. erasing the person it is addressed to).
    afterwards: list[Callable[[Session], None]] = field(default_factory=list)

    @property
    def understood(self) -> Understanding:
        """What the text says: dispatch reads every text before a handler of text sees it."""
        if self.understanding is None:
            raise RuntimeError("a turn without a text has nothing understood")
        return self.understanding

    @property
    def pending(self) -> Conversation:
        """The question this turn answers: its handlers are called only while it is pending."""
        if self.conversation is None:
            raise RuntimeError("no question is pending")
        return self.conversation

    @property
    def locale(self) -> str:
        """The sender's language, for catalog texts."""
        return self.resident.language

    @property
    def text(self) -> str:
        """What the sender typed; empty for a button or an event."""
        return self.inbound.text or ""

    def t(self, key: str, **fields: object) -> str:
        """A catalog text in the sender's language."""
        return t(key, self.locale, **fields)

    def reply(self, *messages: Message) -> Outbox:
        """An outbox with messages for the sender."""
        return Outbox().to(self.resident.id, *messages)


def _register(table: dict[str, Handler], name: str) -> Callable[[Handler], Handler]:
    def decorator(function: Handler) -> Handler:
        table[name] = function
        return function

    return decorator


# Decorators that file a handler under its intent, button action, conversation state,
# event kind or command word.
def on_intent(name: str):
    return _register(INTENTS, name)  # noqa: E704


def on_postback(action: str):
    return _register(POSTBACKS, action)  # noqa: E704


def on_state(state: str):
    return _register(STATES, state)  # noqa: E704


def on_event(kind: str):
    return _register(EVENTS, kind)  # noqa: E704


def on_command(words_key: str):
    return _register(COMMANDS, words_key)  # noqa: E704


def on_text(function: AnyHandler) -> AnyHandler:
    """File a reader of any text, tried after the pending question and before the intent."""
    if function not in READERS:
        READERS.append(function)
    return function


def on_first(function: Handler) -> Handler:
    """File a handler that sees every text before the routing below."""
    if function not in FIRST:
        FIRST.append(function)
    return function


def catalog_words(locale: str, key: str) -> list[str]:
    """A comma-separated word list from the catalog, in the locale and in Japanese."""
    return list(_catalog_words(locale, key))


@cache
def _catalog_words(locale: str, key: str) -> tuple[str, ...]:
    """(The catalogs are read once per process, so their word lists are split once too: every
    text went through dozens of them.)"""
    found = t(key, locale).split(",") + t(key, "ja").split(",")
    return tuple(w.strip().lower() for w in found if w.strip())


def typed_command(session: Session, turn: Turn) -> Outbox | None:
    """A message that starts with a command word (回覧:, 安否確認...); the rest goes in args."""
    text = turn.text.strip()
    for key, handler in COMMANDS.items():
        for word in catalog_words(turn.locale, key):
            if text.lower().startswith(word):
                turn.args = [text[len(word) :].strip()]
                outbox = handler(session, turn)
                if outbox is not None:
                    return outbox
    return None


@cache
def load_all() -> None:
    """Import every handler module of this package so they register (once: dispatch asks every time)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def dispatch(session: Session, turn: Turn) -> Outbox:
    """Route a turn: platform events, buttons, typed commands, the pending question, the intent."""
    load_all()
    inbound = turn.inbound
    if inbound.in_group:
        return Outbox()  # the bot talks to people one to one; group chatter is recorded only
    if inbound.kind == "postback" and inbound.data:
        return pressed(session, turn)
    if inbound.kind != "text":
        handler = EVENTS.get(inbound.kind) or EVENTS.get("other")
        return (handler(session, turn) if handler else None) or Outbox()
    turn.conversation = conversations.current(session, turn.resident, turn.now)
    turn.understanding = understand(turn)
    follow_language(turn)
    if turn.understanding.leaving and "leave" in INTENTS:
        return INTENTS["leave"](session, turn) or not_understood(turn)
    if turn.understanding.switch_to in locales() and "switch_language" in INTENTS:
        return INTENTS["switch_language"](session, turn) or not_understood(turn)
    for first in FIRST:
        if (outbox := first(session, turn)) is not None:
            return outbox
    if turn.understanding.emergency and "emergency" in INTENTS:
        return INTENTS["emergency"](session, turn) or not_understood(turn)  # before any pending question: 119/110 first
    command = typed_command(session, turn)
    if command is not None:
        return command
    if turn.conversation is not None and turn.conversation.state in STATES:
        outbox = STATES[turn.conversation.state](session, turn)
        if outbox is not None:
            return outbox
    for reader in READERS:
        outbox = reader(session, turn)
        if outbox is not None:
            return outbox
    handler = INTENTS.get(turn.understanding.intent) or INTENTS.get("chitchat")
    return (handler(session, turn) if handler else None) or not_understood(turn)


def pressed(session: Session, turn: Turn) -> Outbox:
    """A button: its data comes from the chat app, so an old or forged one is expected input.
    One its handler cannot read raises StaleButtonError: the caller undoes the transaction and
    answers `stale_button` in a new one (no savepoint paid on every press for the rare one)."""
    turn.action, *turn.args = (turn.inbound.data or "").split(":")
    handler = POSTBACKS.get(turn.action)
    if handler is None:
        return stale_button(turn)
    try:
        answer = handler(session, turn)
    except (ValueError, IndexError, LookupError) as error:
        raise StaleButtonError(f"button {turn.inbound.data!r} could not be read") from error
    return answer or stale_button(turn)


def stale_button(turn: Turn) -> Outbox:
    """The answer to a button that names nothing the bot can act on (any more)."""
    return turn.reply(Text(turn.t("common.stale_button"), main_menu(turn.locale)))


def understand(turn: Turn):
    """What the text means, read in the context of the pending question."""
    from bot.nlp import understand as nlp_understand

    return nlp_understand(
        as_read(turn.text), conversations.nlp_context(turn.conversation), now=turn.now, language=turn.resident.language
    )


_ALL_KATAKANA = re.compile(r"^[\u30a1-\u30f6ー\s、。！？!?.,・]*[\u30a1-\u30f6][\u30a1-\u30f6ー\s、。！？!?.,・]*$")
_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def as_read(text: str) -> str:
    """A message all in katakana (old phones' half-width kana: ﾃﾂﾀﾞｲﾀｲﾃﾞｽ) is read as the hiragana it
    stands for; katakana words among other writing (スマホの使い方) stay as written."""
    folded = unicodedata.normalize("NFKC", text)
    return folded.translate(_TO_HIRAGANA) if _ALL_KATAKANA.match(folded) else text


# How long a message must be before its language is taken as the person's: Chinese and
# Korean say much in few characters; a short English or Japanese word may be a borrowed one.
_CLEAR_LENGTH = {"zh-Hans": 4, "ko": 4}


def follow_language(turn: Turn) -> None:
    """Answer in the language the person writes in, once a message clearly shows it."""
    written, current = turn.understood.language, turn.resident.language
    if written == "ja" and current == "ja-easy":
        return  # やさしい日本語 is read by people who write Japanese too
    if turn.conversation is not None and turn.conversation.state in FREE_TEXT:
        return  # 「1-2-3 Midorigaoka」 at the address question is an address, not English
    clear = len(turn.text.strip()) >= _CLEAR_LENGTH.get(written, 8)
    if written != current and written in locales() and clear:
        turn.resident.language = written


def not_understood(turn: Turn) -> Outbox:
    """The kind answer when nothing fits."""
    return turn.reply(Text(turn.t("common.not_understood"), main_menu(turn.locale)))


def main_menu(locale: str) -> tuple[Button, ...]:
    """The main actions as quick replies (the same as the rich menu)."""
    return (
        button(t("menu.need_help", locale), "menu.need_help"),
        button(t("menu.give_help", locale), "menu.give_help"),
        button(t("menu.circulars", locale), "menu.circulars"),
        button(t("menu.usage", locale), "menu.usage"),
    )
