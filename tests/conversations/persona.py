"""Simulated people: who they are, how they answer whatever the bot asks, and what they meant.

A `Persona` is a resident asking for help (or only chatting), a helper, or someone answering a
district's safety check. `talk` plays the conversation through the real job path, answering each
question as that person would; `judge` reads only what the chat platform received and says
whether the conversation ended as the person meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.i18n import t
from tests.conversations.world import World
from tests.fakes import texts

# The bot's questions, told apart by their catalog text (what a reader sees), most specific first.
QUESTIONS = (
    "conversation.ask_switch",
    "request.ask_is_request",
    "request.ask_what_trouble",
    "request.landmark_has_address",
    "request.ask_place",
    "request.ask_landmark",
    "request.ask_when_again",
    "request.ask_when",
    "request.ask_district",
    "onboarding.ask_district",
    "request.ask_what",
    "request.confirm",
    "helper.ask_kinds",
    "helper.ask_districts",
    "helper.ask_slots",
    "helper.ask_experience",
    "helper.experience_understood",
    "task.confirm_question",
    "circular.compose_ask",
    "safety.choose_district",
    "circular.preview",
    "circular.admin_menu",
)
PARTS = {"morning": "朝", "afternoon": "午後", "evening": "夕方"}
LOCALES = ("ja", "en", "vi", "zh-Hans", "ko", "ja-easy")  # the bot asks in any of them


@dataclass(frozen=True)
class Persona:
    """One person and what they mean to do."""

    name: str
    says: str  # the first message
    kind: str | None = None  # the kind of help that should go out (None: nothing should)
    district: str = "緑ケ丘"
    registered: bool = True  # the bot knows their district already
    address: str | None = None  # known to the bot already (None: they are asked)
    writes_address: str = "緑ケ丘3-2-1"
    landmark: str = "公民館の近く"
    when: str = "明日の朝"  # what they write when asked when
    day: int | None = 1  # the day they mean, from today (None: any time)
    part: str | None = "morning"
    district_answer: str = ""  # what they write when asked the district ("" : the name)
    confirm: str = "はい"  # what they write at the summary
    is_request: bool = True  # their answer to 「お手伝いのお願いですか？」
    language: str = "ja"  # their LINE profile's language (what the bot writes to them in)
    yes: str = "はい"  # what they write for yes, and for no, in their language
    no: str = "いいえ"
    at: dict[str, str] = field(default_factory=dict)  # once, at this question, they write this
    role: str = "resident"  # resident, helper, pause, resume, safety, admin
    skills: tuple[str, ...] = ()  # a helper's kinds (pressed as buttons)
    safe: bool = True  # a safety answer: safe, or needs help
    # A district admin's (see admin_play.py): what they mean to do, the circular they write when
    # asked for it, the kind of the helper they choose for an unmet request, and whether another
    # message reaches them between the alert and their choice.
    task: str = ""
    writes: str = ""
    choose: str = ""
    interrupted: bool = False


def question(messages: list) -> str | None:
    """Which of the bot's questions the last message asks, if any."""
    if not messages:
        return None
    last = texts(messages[-1:])[0]
    for key in QUESTIONS:
        for locale in LOCALES:
            head = catalog_head(key, locale)
            if head and head in last:
                return key
    return None


def catalog_head(key: str, locale: str) -> str:
    """The longest fixed part of a catalog text (between its fields); empty when missing."""
    try:
        text = t(key, locale)
    except KeyError:
        return ""
    parts = [p.split("}")[-1].strip() for p in text.split("{")]
    longest = max(parts, key=len)
    return longest if len(longest) >= 6 else ""


class Talk:
    """One conversation of one persona, answered question by question."""

    def __init__(self, persona: Persona, world: World, user: str = "P") -> None:
        self.p, self.world, self.user = persona, world, user
        self.said_once: set[str] = set()
        self.pressed: set[str] = set()

    def play(self, first: str | None = None, limit: int = 14) -> list:
        """Say the first message, then answer until the bot asks nothing more."""
        got = self.world.chat.say(self.user, first or self.p.says)
        for _ in range(limit):
            key = question(got)
            if key is None:
                return got
            got = self.answer(key, got)
        return got

    def answer(self, key: str, got: list) -> list:
        """Write or press what this person would at this question."""
        if key in self.p.at and key not in self.said_once:
            self.said_once.add(key)
            return self.world.chat.say(self.user, self.p.at[key])
        button = self.button_for(key, got)
        if button is not None:
            self.pressed.add(button.data)
            return self.world.chat.press(self.user, button.data)
        return self.world.chat.say(self.user, self.text_for(key))

    def text_for(self, key: str) -> str:
        p = self.p
        return {
            "conversation.ask_switch": p.yes,
            "request.ask_is_request": p.yes if p.is_request else p.no,
            "request.ask_what_trouble": p.says,
            "request.landmark_has_address": "特になし",
            "request.ask_place": p.writes_address,
            "request.ask_landmark": p.landmark,
            "request.ask_when_again": p.when,
            "request.ask_when": p.when,
            "request.ask_district": p.district_answer or p.district,
            "onboarding.ask_district": p.district_answer or p.district,
            "request.ask_what": p.says,
            "request.confirm": p.confirm,
            "task.confirm_question": p.yes,
            "circular.compose_ask": p.writes,
        }.get(key, p.yes)

    def button_for(self, key: str, got: list):
        """Helpers press their kinds, their district and 完了; the rest is written."""
        buttons = [b for m in got for b in m.buttons]
        if key == "helper.ask_kinds":
            keys = [f"request.kind.{k}" for k in self.p.skills]
        elif key == "helper.ask_districts":
            keys = []
        elif key == "helper.ask_experience":
            keys = ["helper.skip"]
        elif key == "helper.experience_understood":
            keys = ["helper.experience_ok"]
        elif key == "helper.ask_slots":
            keys = []
        elif key in ADMIN_BUTTONS:
            return self.admin_button(key, buttons)
        else:
            return None
        wanted = [t(k, locale) for k in keys for locale in LOCALES]
        if key == "helper.ask_districts":
            wanted = [self.p.district]
        for label in wanted:
            found = next(
                (
                    b
                    for b in buttons
                    if b.label.endswith(label) and b.data not in self.pressed and not b.label.startswith("✓")
                ),
                None,
            )
            if found is not None:
                return found
        done = {t("helper.done_button", locale) for locale in LOCALES}
        return next((b for b in buttons if b.label in done), None)

    def admin_button(self, key: str, buttons: list):
        """An admin presses 送信 under a preview, their district's button, or their task's in the menu."""
        if key == "circular.preview":
            wanted = [t("circular.send_button", locale) for locale in ("ja", "en")]
        elif key == "safety.choose_district":
            wanted = [t("safety.start_button", "ja", district=self.p.district)]
        elif self.p.task == "safety":
            wanted = [t("safety.start_button", "ja", district=self.p.district)]
        else:
            wanted = [t("circular.compose_button", "ja", district=self.p.district)]
        return next((b for b in buttons if b.label in wanted), None)


ADMIN_BUTTONS = ("circular.preview", "safety.choose_district", "circular.admin_menu")

# -- judging what the platform received ---------------------------------------------------------


def offers(world: World) -> dict[str, list]:
    """Offer cards by the helper who received them."""
    found: dict[str, list] = {}
    for sent in world.channel.sent:
        for m in sent.messages:
            if any(b.data.startswith("offer.accept") for b in m.buttons):
                found.setdefault(sent.user_id, []).append(m)
    return found


def date_and_part(card) -> tuple[tuple[int, int] | None, str | None]:
    """(month, day) and part of day read from an offer card's 日時 line."""
    line = next((ln for ln in card.body.splitlines() if ln.startswith("日時")), "")
    match = re.search(r"(\d{1,2})月(\d{1,2})日", line)
    part = next((name for name, word in PARTS.items() if word in line), None)
    return ((int(match.group(1)), int(match.group(2))) if match else None), part


def address_digits(address: str) -> str:
    """The house-number part of an address, as it would show if it leaked."""
    match = re.search(r"\d+[-の]\d+(?:[-の]\d+)?", address)
    return match.group(0) if match else address
