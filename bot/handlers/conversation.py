"""Conversations declared in one place: their questions, the exits every question honours, their timeout.

A `Flow` names the questions of one conversation (pending-question states) and the reader of
each answer. Whatever question is pending, the same exits come first, in this order:
  cancel      「やめます」「キャンセル」: the draft is dropped and the person is told;
  correction  a new date, time, kind or district: the draft is changed, the summary shown again;
  request     a different need written at a free-text question: asked whether to leave this one;
then the question's own reader; if it cannot read an answer:
  answerable  a question the bot can answer (使い方, 残高): answered, the question asked again;
  switch      another intent (手伝いたい, 回覧板...): asked whether to leave this conversation.
Free-text answers (an address, a landmark) are stored only when none of the exits fits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import combinations

from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.events import Button, Message, Outbox, Text
from bot.handlers import FREE_TEXT, INTENTS, STATES, Handler, Turn, button, catalog_words, on_postback, on_state
from bot.matching import drafts

Reply = Callable[[Session, Turn], list[Message]]
Correct = Callable[[Session, Turn], Outbox | None]

# Intents that answer a question of their own; the pending question is asked again after them.
ANSWERABLE = ("usage", "balance")
# Intents that mean the person wants something else than the pending conversation.
ELSEWHERE = ("offer_help", "subscribe", "unsubscribe", "done", "help_request", "cancel")
SWITCH_STATE = "conversation_switch"
_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
PUNCTUATION = " \t\n\u3000。、．，！？!?.,〜~ー…"
# Latin letters with or without marks (Vietnamese ô, ư, đ, ộ): a word written in them is matched
# as a whole word, for "ông" (grandfather) is in "không" (no) as "no" is in "know".
_LATIN = "a-z\u00c0-\u024f\u1e00-\u1eff"
_IN_LATIN = re.compile(rf"[{_LATIN}0-9 ']+")
_KOREAN_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Flow:
    """One conversation: its questions and how to read each, its exits, its timeout."""

    name: str
    questions: dict[str, Handler]  # pending-question state -> reader of the answer
    cancel: Handler  # drop the draft and say so
    ask_again: Reply  # the pending question (or the summary), asked again
    timeout_minutes: int = drafts.QUESTION_MINUTES
    free_text: frozenset[str] = frozenset()  # questions whose answer is stored as typed
    correct: Correct | None = None  # apply a change of date, time, kind or place, if any
    # A question's catalog list of "none" answers (「わかりません」 at the landmark question): the
    # whole text one of them is its answer, whatever intent it also reads as (usage, a cancel: 「結構です」).
    none_words: dict[str, str] | None = None
    # A question's catalog list of answers that may mean yes or no (「結構です」 at the summary: "fine"
    # to some, "no thanks" to others): the whole text one of them, the question is asked again
    # with its buttons, and nothing is sent or dropped on a guess.
    unsure_words: dict[str, str] | None = None


FLOWS: dict[str, Flow] = {}


def declare(flow: Flow) -> Flow:
    """File a conversation: each of its questions is read through the shared exits."""
    for state in flow.questions:
        FLOWS[state] = flow
        STATES[state] = _guarded(flow, state)
    FREE_TEXT.update(flow.free_text)
    return flow


def ask(session: Session, turn: Turn, state: str, data: dict) -> None:
    """Wait for the answer to one question of a declared conversation (with its timeout)."""
    flow = FLOWS.get(state)
    minutes = flow.timeout_minutes if flow else drafts.QUESTION_MINUTES
    drafts.ask(session, turn.resident, state, data, turn.now, minutes)


def _guarded(flow: Flow, state: str) -> Handler:
    def handle(session: Session, turn: Turn) -> Outbox | None:
        unsure_words = (flow.unsure_words or {}).get(state)
        if unsure_words and is_one_of(turn, unsure_words):
            return turn.reply(Text(turn.t("conversation.yes_or_no")), *flow.ask_again(session, turn))
        none_words = (flow.none_words or {}).get(state)
        if none_words and is_one_of(turn, none_words):
            # before the cancel: 「結構です」「いらないです」 at the landmark question decline the landmark
            answer = flow.questions[state](session, turn)
            return answer if answer is not None else elsewhere(session, turn, flow)
        if reads_as_cancel(turn):
            return flow.cancel(session, turn)
        corrected = flow.correct(session, turn) if flow.correct else None
        if corrected is not None:
            return corrected
        if state in flow.free_text and waits(turn):
            return turn.reply(Text(turn.t("conversation.will_wait")))  # the question stays pending
        if state in flow.free_text and asks_back(turn) and turn.understood.intent not in ANSWERABLE:
            return turn.reply(Text(turn.t("conversation.not_understood")), *flow.ask_again(session, turn))
        if state in flow.free_text and not_an_answer(turn):
            return elsewhere(session, turn, flow)
        answer = flow.questions[state](session, turn)
        return answer if answer is not None else elsewhere(session, turn, flow)

    return handle


def elsewhere(session: Session, turn: Turn, flow: Flow) -> Outbox | None:
    """Not an answer: answer a question and ask again, or ask whether to leave, or ask again."""
    intent = turn.understood.intent
    if intent in ANSWERABLE and intent in INTENTS:
        return answer_questions(session, turn).to(turn.resident.id, *flow.ask_again(session, turn))
    if intent in ELSEWHERE and not gives_a_number(turn):
        return ask_to_switch(session, turn)
    # Small talk or an answer not understood (a phone number while asked when, 「電話093-…です」,
    # is no new request for 電話): the conversation must not stop silently.
    return turn.reply(Text(turn.t("conversation.not_understood")), *flow.ask_again(session, turn))


def gives_a_number(turn: Turn) -> bool:
    """Whether the message holds a house or phone number: an answer to some question, not a new topic."""
    from bot.privacy import has_address

    return has_address(turn.text)


def answered_questions(turn: Turn) -> list[str]:
    """The questions about the service a message asks: its intent's, and every other it names
    (「使い方と残高を教えて」 asks both), in the order they are answered."""
    intent = turn.understood.intent
    return [q for q in ANSWERABLE if q == intent or (q in INTENTS and has_word(turn, f"onboarding.{q}_words"))]


def answer_questions(session: Session, turn: Turn) -> Outbox:
    """Each question about the service the message asks, answered one after the other."""
    answered = Outbox()
    for question in answered_questions(turn):
        answered.extend(INTENTS[question](session, turn) or Outbox())
    return answered


def normal(text: str) -> str:
    """Text as compared with word lists: width folded (ｷｬﾝｾﾙ -> キャンセル), lower case, no
    punctuation around it."""
    return unicodedata.normalize("NFKC", text).lower().strip(PUNCTUATION).translate(_TO_HIRAGANA)


def words(turn: Turn, key: str) -> list[str]:
    """A catalog word list in the sender's language, the message's language and Japanese."""
    from bot.i18n import locales

    found = list(_normal_words(turn.locale, key))
    language = getattr(turn.understanding, "language", None)
    if language and language != turn.locale and language in locales():
        found += _normal_words(language, key)
    return found


@cache
def _normal_words(locale: str, key: str) -> tuple[str, ...]:
    """A catalog word list as compared, made once per process (the catalogs do not change)."""
    return tuple(normal(word) for word in catalog_words(locale, key) if word)


def has_word(turn: Turn, key: str) -> bool:
    """Whether the text holds one of a catalog list's words (also once its inner commas and spaces
    are gone, on both sides: 「やっぱ、いいです」 is 「やっぱいいです」, as voice input writes it, and
    보내주세요 is 보내 주세요, Korean typed without its spaces)."""
    return next(found_words(turn, key), None) is not None


def found_words(turn: Turn, key: str) -> Iterator[str]:
    """The words of a catalog list the text holds, as has_word finds them."""
    text = normal(turn.text)
    compact = "".join(ch for ch in text if ch not in PUNCTUATION)
    # a word in Latin letters only as a whole word: "notice" is not in "noticed", "no" not in "know"
    return (
        word
        for word in words(turn, key)
        if word and (holds(text, word) or (not latin(word) and word.replace(" ", "") in compact))
    )


# How sure the learned layer must be of a cancel that no word of cancelling says (it drops a draft)
SURE_CANCEL = 0.6


def reads_as_cancel(turn: Turn) -> bool:
    """「やめます」「キャンセル」"never mind", not 「明日じゃなくて明後日にして」 ("I changed my mind"
    is a cancel: the words of cancelling are taken out before looking for a change)."""
    if accepts_as_is(turn):
        return False
    # a cancel read by the learned layer alone, unsure of it ("could you send it please?" at 0.49),
    # drops nothing: the question is asked again
    sure = getattr(turn.understanding, "confidence", 1.0) >= SURE_CANCEL
    cancelling = (turn.understood.intent == "cancel" and sure) or has_word(turn, "conversation.cancel_words")
    rest = normal(turn.text)
    for word in sorted(words(turn, "conversation.cancel_words"), key=len, reverse=True):
        rest = rest.replace(word, " ")
    return cancelling and not any(word in rest for word in words(turn, "conversation.change_words"))


def accepts_as_is(turn: Turn) -> bool:
    """「それで結構です」「これでけっこう」: fine as it is (結構です alone is a no thanks), when no word of
    cancelling is left beside it (「それで結構、やっぱりやめます」 cancels)."""
    text = normal(turn.text)
    rest = text
    for word in sorted(words(turn, "conversation.accept_words"), key=len, reverse=True):
        rest = rest.replace(word, " ")
    return rest != text and not any(word in rest for word in words(turn, "conversation.cancel_words"))


def reads_as_change(turn: Turn) -> bool:
    """「やっぱり」「じゃなくて」「に変えて」: the person corrects something said before."""
    return has_word(turn, "conversation.change_words") or has_word(turn, "conversation.again_words")


def not_an_answer(turn: Turn) -> bool:
    """At a free-text question: a request, a command or a bare はい is not an address."""
    if turn.understood.intent in ANSWERABLE or turn.understood.intent in ELSEWHERE[:4]:
        return True
    asking = turn.understood.intent == "help_request" and has_word(turn, "conversation.request_words")
    return asking or is_one_of(turn, "conversation.filler_words") or unread_correction(turn)


def asks_back(turn: Turn) -> bool:
    """「病院の名前は言わなきゃだめ？」: a question back to the bot, no place (unless it gives a house
    number all the same)."""
    from bot.privacy import has_address

    text = unicodedata.normalize("NFKC", turn.text).strip()
    return text.endswith("?") and not has_address(text)


# 後 right after a kanji is "after it" (食後で, 退職後です, 午後で), not 後で "later"
_AFTER_A_NOUN = re.compile(r"(?<=[\u4e00-\u9fff])後")


def waits(turn: Turn) -> bool:
    """「ちょっと待って、住所は娘に聞いてから」: no answer yet, and nothing to store (a message that
    gives a house number all the same is the answer). A word of waiting inside another word is
    none (「食後でも開いています」, "the bus waiting shelter"): the message is the answer."""
    from bot.privacy import has_address

    text = normal(_AFTER_A_NOUN.sub("・", turn.text))
    said = any(holds(text, word) for word in words(turn, "conversation.wait_words"))
    return said and not has_address(turn.text)


def holds(text: str, word: str) -> bool:
    """The word in the text; a word in Latin letters only as a whole word ("wait", not "waiting";
    Vietnamese "ông", not the one in "không")."""
    if not latin(word):
        return word in text
    return re.search(rf"(?<![{_LATIN}]){re.escape(word)}(?![{_LATIN}])", text) is not None


def one_korean_syllable(word: str) -> bool:
    """Whether a catalog word is one Korean syllable (네, 저): endings stick to Korean words, so
    where it stands in a word tells whether it is one (예 is not in 거예요, 나 not in 누나)."""
    return _KOREAN_SYLLABLE.fullmatch(word) is not None


def latin(word: str) -> bool:
    """Whether a (normal) catalog word is written in Latin letters, with or without marks."""
    return word.isascii() or _IN_LATIN.fullmatch(word) is not None


def unread_correction(turn: Turn) -> bool:
    """「ゴミ出しじゃなくて…」 that changed nothing the bot could read: not a place either (a place
    corrected in the same breath carries its house number)."""
    from bot.privacy import has_address

    return has_word(turn, "conversation.change_words") and not has_address(turn.text)


# A button label's parts, its words (「家族・民生委員」, "Weekdays only" named by "weekdays please"),
# and what a Japanese part names after its の (「地区の役員」 is named 「役員さんで」).
_LABEL_PARTS = re.compile(r"[・/（）()、,\s]+")
_ONLY = ("だけ", "のみ")  # a label's limit: 平日だけ is named by 平日


def typed_choice(turn: Turn, buttons: Sequence[Button]) -> Button | None:
    """The button a typed answer names at a question asked with buttons (「毎日で」「平日だけ
    お願いします」「3時間」「両方で」 for 毎日 / 平日だけ, 2 / 3 / 6時間, 家族 / 役員 / 両方): one whose
    label or a part of it only it has is in the text, or whose label holds the whole text; by its
    number when the labels differ by numbers; after a contrast (「毎日じゃなくて平日だけ」) what
    follows it. None, asked again, when no button or more than one fits, for a question back, and
    for words that refuse a choice (「毎日は無理」, "not every day", 不要每天): never the one refused."""
    if asks_back(turn):
        return None  # 「平日と毎日、どっちがいいと思う？」 chooses neither
    if refuses_choice(turn):
        return None
    text = _after_contrast(turn)
    numbers = set(re.findall(r"\d+", text))
    by_number = [b for b in buttons if numbers and set(re.findall(r"\d+", normal(b.label))) == numbers]
    if len(by_number) == 1:
        return by_number[0]
    parts = {b.data: _label_parts(normal(b.label)) for b in buttons}
    # a part of two labels names neither (ngày, in Mỗi ngày and in Chỉ ngày thường)
    shared = {part for a, b in combinations(parts.values(), 2) for part in a & b}
    fitting = [b for b in buttons if _names_label(text, normal(b.label), parts[b.data] - shared)]
    if len(fitting) > 1 and any(holds(text, word) for word in words(turn, "conversation.both_words")):
        # 「家族と役員の両方で」 names every button: the one that is both of them
        fitting = [b for b in fitting if any(holds(normal(b.label), w) for w in words(turn, "conversation.both_words"))]
    return fitting[0] if len(fitting) == 1 else None


def refuses_choice(turn: Turn) -> bool:
    """「毎日は無理です」 "not every day" 매일은 힘들어요: a choice named to refuse it (what follows a
    contrast, 「毎日じゃなくて平日だけ」, is what is chosen)."""
    return any(holds(_after_contrast(turn), word) for word in words(turn, "conversation.refusal_words"))


def _after_contrast(turn: Turn) -> str:
    """The text as compared, the part a contrast leaves standing (「毎日じゃなくて平日だけ」: 平日だけ;
    "weekdays instead of every day": weekdays)."""
    from bot.nlp.when import meant_part

    return meant_part(normal(turn.text)).strip() or normal(turn.text)


def _label_parts(label: str) -> set[str]:
    """A label, its parts and words of two characters or more, what a Japanese part names after
    its の, and a part without its だけ (「平日がいいです」 names 平日だけ)."""
    parts = {part.strip() for part in _LABEL_PARTS.split(label)} | {label}
    parts |= {part.rsplit("の", 1)[1] for part in list(parts) if "の" in part[1:-1]}
    parts |= {part.removesuffix(only) for part in list(parts) for only in _ONLY if part.endswith(only)}
    return {part for part in parts if len(part) >= 2}


def _names_label(text: str, label: str, parts: set[str]) -> bool:
    if not text or re.search(r"\d", label):
        return False  # a label with a number is named by its number alone (3時間 is not in 13時間)
    return any(holds(text, part) for part in parts) or (len(text) >= 2 and text in label)


def is_one_of(turn: Turn, key: str) -> bool:
    """Whether the whole text is one of a catalog list's words (「はい。」 is はい)."""
    return normal(turn.text) in set(words(turn, key))


def ask_to_switch(session: Session, turn: Turn) -> Outbox:
    """Keep what was written and ask whether to leave the pending conversation for it."""
    previous = turn.pending
    data = {"state": previous.state, "data": previous.data, "text": turn.text}
    conversations.ask(session, turn.resident, SWITCH_STATE, data, now=turn.now)
    return turn.reply(
        Text(
            turn.t("conversation.ask_switch"),
            (
                button(turn.t("conversation.switch_yes"), "conversation.switch", "yes"),
                button(turn.t("conversation.switch_no"), "conversation.switch", "no"),
            ),
        )
    )


@on_postback("conversation.switch")
def switch_pressed(session: Session, turn: Turn) -> Outbox:
    """はい: the old conversation is dropped and the kept message answered; いいえ: back to it."""
    turn.conversation = conversations.current(session, turn.resident, turn.now)
    if turn.conversation is None or turn.conversation.state != SWITCH_STATE:
        return turn.reply(Text(turn.t("common.stale_button")))
    return _switch(session, turn, turn.args[:1] == ["yes"])


@on_state(SWITCH_STATE)
def switch_typed(session: Session, turn: Turn) -> Outbox | None:
    """はい / いいえ typed to the question whether to leave."""
    said = yes_or_no(turn)
    return None if said is None else _switch(session, turn, said)


def yes_or_no(turn: Turn) -> bool | None:
    """True for a whole text that is a yes (はい, 그래요), False for a no (いいえ), else None."""
    if is_one_of(turn, "conversation.yes_words"):
        return True
    if is_one_of(turn, "conversation.no_words"):
        return False
    return None


def _switch(session: Session, turn: Turn, leave: bool) -> Outbox:
    from bot.handlers import dispatch

    saved = dict(turn.pending.data)
    flow = FLOWS.get(saved.get("state", ""))
    conversations.ask(session, turn.resident, saved["state"], saved["data"], now=turn.now)
    turn.conversation = conversations.current(session, turn.resident, turn.now)
    if flow is None:
        conversations.finish(session, turn.resident)
        return Outbox()
    if not leave:
        return turn.reply(*flow.ask_again(session, turn))
    dropped = flow.cancel(session, turn) or Outbox()
    written = replace(turn.inbound, kind="text", text=saved["text"], data=None)
    return dropped.extend(dispatch(session, Turn(turn.resident, written, turn.now, turn.config, turn.channels)))
