"""Before a request is drafted: is it one? Small talk (greetings, thanks) gets a warm word, a
vague trouble is asked about, and when unsure the bot asks 「お手伝いのお願いですか？」 rather
than guess."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.events import Outbox, Text
from bot.handlers import Turn, button, catalog_words, main_menu, on_intent, on_postback
from bot.handlers.onboarding import ask_district, helps_somewhere, settle_district, small_talk
from bot.handlers import conversation as flows
from bot.handlers.requests import details_in, help_request, kind_buttons
from db.models import District

# Below this calibrated confidence the bot asks instead of drafting a request.
SURE = 0.6
_KANA = re.compile(r"^[\u3040-\u309f\s、。！？!?.,ー]*$")
_WORD = re.compile(r"[\w']+")
_HANGUL = re.compile("[\uac00-\ud7a3]")
_SPACED = ("vi", "ko", "en")  # written in words between spaces (Japanese and Chinese: see vague())


def without_greetings(turn: Turn) -> str:
    """The text with 「よろしくお願いします」 and the like taken out (they ask for nothing), and help
    already given (「手伝ってくれて」 "thanks for the help": its 手伝 or "help" asks for nothing)."""
    text = flows.normal(turn.text)
    phrases = catalog_words(turn.locale, "request.greeting_words") + catalog_words(turn.locale, "request.helped_words")
    for phrase in sorted(phrases, key=len, reverse=True):
        text = text.replace(flows.normal(phrase), " ")
    return text


def asks(turn: Turn) -> bool:
    """A request needs an ask (お願い, ほしい, 頼む, can someone...), not just a topic word."""
    text = without_greetings(turn)
    # a word in Latin letters as a whole word: "someone to" is not in "someone told"
    return any(flows.holds(text, flows.normal(w)) for w in catalog_words(turn.locale, "request.ask_words"))


def vague(turn: Turn) -> bool:
    """「ちょっと困ってることがあるんだけど」 "I have a favour to ask": an ask with no need named yet."""
    if turn.understood.category not in (None, "other"):
        return False
    listed = sorted(flows.words(turn, "request.vague_words"), key=len, reverse=True)
    rest = flows.normal(turn.understood.summary or "")
    for word in listed:
        rest = rest.replace(word, "")
    spaced = turn.understood.language in _SPACED
    return bool(_KANA.match(rest)) or (spaced and _only_vague_words(flows.normal(turn.text), listed))


def _only_vague_words(text: str, listed: list[str]) -> bool:
    """Every word of a text written in spaced words is one of the list's (a Korean word may go on
    with its ending: 부탁드려도 is 부탁; a Vietnamese syllable may not: đói "hungry" is not đó):
    nothing names the need (Tôi muốn nhờ một việc)."""
    words = _WORD.findall(text)
    return bool(words) and all(
        any(word == each or (len(each) > 1 and _HANGUL.match(each) and word.startswith(each)) for each in listed)
        for word in words
    )


def troubled(turn: Turn) -> bool:
    """「ちょっと困ってることがあるんだけど」: in trouble, the need not named yet (whatever it was read as)."""
    text = flows.normal(turn.text or "")
    return any(flows.normal(w) in text for w in catalog_words(turn.locale, "request.trouble_words")) and vague(turn)


@on_intent("help_request")
def maybe_request(session: Session, turn: Turn) -> Outbox:
    """A need in free text, if it is one: drafted; else asked about, or answered warmly."""
    confidence = getattr(turn.understanding, "confidence", 1.0)
    if (asks(turn) and vague(turn)) or troubled(turn):
        return ask_what_trouble(session, turn)  # unsure or not, the need is what to ask for
    if asks(turn) and confidence >= SURE:
        return help_request(session, turn)
    # unsure of an ask (ズボンの裾上げをしてくれる人はおらんやろか) with no kind named: asked, not
    # answered as small talk (in cross-validation a third of such readings were needs)
    if tells_of_a_kindness(turn) or (
        turn.understood.category in (None, "other") and not asks(turn) and not unable(turn)
    ):
        rest = after_greeting(turn)  # "hi there, my back's bad and the recycling is piling up"
        answered = _the_rest(session, turn, rest) if rest is not None else None
        return answered if answered is not None else small_talk(turn)
    return ask_is_request(session, turn)


def unable(turn: Turn) -> bool:
    """「役所の書類が書けんのです」 "I can't fill in the forms": something the person cannot do, told
    without an ask, is a need to ask about (the Japanese summary has it as 書けない)."""
    text = flows.normal(turn.text) + " " + flows.normal(turn.understood.summary or "")
    if any(flows.holds(text, flows.normal(w)) for w in catalog_words(turn.locale, "request.feeling_words")):
        return False  # "I can't believe how cold it is", 「孫の顔が見れないのが寂しいわ」
    return any(flows.holds(text, flows.normal(w)) for w in catalog_words(turn.locale, "request.unable_words"))


@on_intent("chitchat")
def chitchat(session: Session, turn: Turn) -> Outbox:
    """Greetings and thanks: a short friendly answer; a trouble told before its need is asked
    about; what follows a greeting, read on its own when it says more. Someone whose district is
    not known yet is asked it (once), and a district named in passing (「緑ケ丘に住んでます」) is
    taken."""
    from bot.residents import district_in

    if troubled(turn):  # 「ちょっと困っとるんよ」: what the trouble is, before anything else
        return ask_what_trouble(session, turn)
    if (rest := after_greeting(turn)) is not None:
        answered = _the_rest(session, turn, rest)
        if answered is not None:
            return answered
    if turn.resident.district_id is not None or helps_somewhere(turn):
        return small_talk(turn)  # a helper chose where they help: not asked where they live at every hello
    named = district_in(turn.text, list(session.scalars(select(District))))
    if named is not None:
        return settle_district(session, turn, named)
    asked = turn.conversation is not None and turn.conversation.state == "choose_district"
    return small_talk(turn) if asked else small_talk(turn).to(turn.resident.id, ask_district(session, turn))


# What ends a greeting written in kana, kanji or hangul: a mark or a space, not more words
_AFTER_GREETING = set(flows.PUNCTUATION + "-~")
# What a greeting leaves must be this long to be read on its own ("hi there, thanks" is thanks)
REST_CHARS = 8


def after_greeting(turn: Turn) -> str | None:
    """What a message says after the greeting it opens with ("hi there, my back's been bad all week
    and the recycling is piling up"), when it says more; None without a greeting or more."""
    text = unicodedata.normalize("NFKC", turn.text).strip()
    lowered = text.lower()
    for word in sorted(flows.words(turn, "onboarding.greeting_words"), key=len, reverse=True):
        after = lowered[len(word) : len(word) + 1]
        # a greeting as a whole word: "hi", not "hike"; 「よろしく」 not the one in 「よろしくお願いします」
        if not lowered.startswith(word) or (after.isalpha() if flows.latin(word) else after not in _AFTER_GREETING):
            continue
        rest = text[len(word) :].lstrip(flows.PUNCTUATION + "-~")
        return rest if len(rest) >= REST_CHARS else None
    return None


def _the_rest(session: Session, turn: Turn, rest: str) -> Outbox | None:
    """What follows a greeting, answered as if written alone, when it reads as more than small talk
    (a need, an offer, a question); None for small talk ("hi, hope you're well")."""
    from bot.handlers import dispatch, understand

    alone = Turn(turn.resident, replace(turn.inbound, text=rest), turn.now, turn.config, turn.channels)
    alone.conversation, alone.afterwards = turn.conversation, turn.afterwards
    if understand(alone).intent == "chitchat":
        return None
    return dispatch(session, alone)


def tells_of_a_kindness(turn: Turn) -> bool:
    """「孫が来てくれてね」 "thanks for the help last week": someone did something for the sender,
    and nothing is asked; a story or thanks (whatever kind of help its words name), never a request."""
    text = flows.normal(turn.text)
    done = catalog_words(turn.locale, "request.kindness_words") + catalog_words(turn.locale, "request.helped_words")
    return not asks(turn) and any(flows.holds(text, flows.normal(w)) for w in done)


def ask_what_trouble(session: Session, turn: Turn) -> Outbox:
    """Ask what the trouble is (the answer is read as the need)."""
    flows.ask(session, turn, "request_what", {})
    return turn.reply(Text(turn.t("request.ask_what_trouble"), kind_buttons(turn.locale, "request.new")))


def ask_is_request(session: Session, turn: Turn) -> Outbox:
    """「お手伝いのお願いですか？」 with はい / いいえ; the text is kept for はい."""
    flows.ask(session, turn, "request_is_request", {"text": turn.text})
    return turn.reply(is_request_question(turn))


def is_request_question(turn: Turn) -> Text:
    return Text(
        turn.t("request.ask_is_request"),
        (
            button(turn.t("common.yes"), "request.is_request", "yes"),
            button(turn.t("common.no"), "request.is_request", "no"),
        ),
    )


def answered_is_request(session: Session, turn: Turn, yes: bool, details: Turn | None = None) -> Outbox:
    """はい: the kept text is drafted as a request (with the district, time or address written
    instead of はい, if any); いいえ: a warm word and nothing else."""
    kept = (turn.conversation.data or {}).get("text", "") if turn.conversation else ""
    conversations.finish(session, turn.resident)
    if not yes:
        return turn.reply(Text(turn.t("onboarding.chitchat"), main_menu(turn.locale)))
    if not kept:
        return ask_what_trouble(session, turn)
    from bot.nlp import understand

    said = Turn(
        turn.resident,
        replace(turn.inbound, kind="text", text=kept, data=None),
        turn.now,
        turn.config,
        turn.channels,
        understanding=understand(kept, None, now=turn.now),
    )
    return help_request(session, said, details)


@on_postback("request.is_request")
def pressed_is_request(session: Session, turn: Turn) -> Outbox:
    """はい / いいえ pressed under 「お手伝いのお願いですか？」."""
    turn.conversation = conversations.current(session, turn.resident, turn.now)
    if turn.conversation is None or turn.conversation.state != "request_is_request":
        return turn.reply(Text(turn.t("common.stale_button")))
    return answered_is_request(session, turn, turn.args[:1] == ["yes"])


def typed_is_request(session: Session, turn: Turn) -> Outbox | None:
    """はい / いいえ typed; a request written instead is read as the need itself."""
    said = flows.yes_or_no(turn)
    if said is not None:
        return answered_is_request(session, turn, said)
    if declines(turn):  # 「いいえ、明日は息子が来るけん」: a no, though it names a day
        return answered_is_request(session, turn, False)
    if asks(turn) and vague(turn):  # 「頼む」「お願いできますか」, whatever read as: a yes to the need kept
        return answered_is_request(session, turn, True)
    if turn.understood.intent == "help_request" and asks(turn):
        conversations.finish(session, turn.resident)
        return help_request(session, turn)
    if details_in(session, turn):  # 「黒崎」「明日の朝」: answered as if it was one, so it is one
        return answered_is_request(session, turn, True, details=turn)
    return None


def declines(turn: Turn) -> bool:
    """A no with more words after it (「いや、自分でするけん」「大丈夫です、明日自分でします」) or a
    refusal anywhere in it (お願いしません)."""
    clause = re.split(r"[、。,.!！?？]", flows.normal(turn.text), maxsplit=1)[0].strip()
    if clause.split(" ")[0] in flows.words(turn, "conversation.yes_words"):
        return False  # 「はい、結構です」: a yes first (結構です is then "that's fine")
    return (
        clause.split(" ")[0] in flows.words(turn, "conversation.no_words")
        or clause in flows.words(turn, "request.declined_words")
        or flows.has_word(turn, "request.not_yes_words")
    )
