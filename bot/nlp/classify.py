"""Decide intent and category from the vocabulary hits of one message."""

import re
import sys
from functools import lru_cache
from typing import Final

from bot.kinds import KEYS
from bot.nlp.emergency import mark_declined
from bot.nlp.english import tokenize_en
from bot.nlp.matcher import Hit, Message, find_hits, fuzzy_hits, prepare
from bot.nlp.normalise import japanese_ratio, normalise, to_hiragana
from bot.nlp.tagger import Token, tokenize
from bot.nlp.vocab import load_vocabulary

CATEGORIES: Final = KEYS  # the kinds of help, from bot/kinds.py
INTENTS: Final = (
    "help_request",
    "offer_help",
    "cancel",
    "done",
    "balance",
    "subscribe",
    "unsubscribe",
    "usage",
    "chitchat",
    "accept",
    "decline",
    "safe",
    "need_help",
)
CONTEXTS: Final = ("offer_pending", "safety_check")
CLEAR_CATEGORY: Final = 3.0
_LATIN: Final = re.compile("[A-Za-z]")
_KATAKANA_ONLY: Final = re.compile(r"[\u30a1-\u30fc\s、。，．！？!?,.]+")
KATAKANA_SENTENCE: Final = 8  # characters, spaces included
# A turn may read its text more than once (against each pending question, for skills, for a
# change to a request): the last messages' analyses are kept, so each is tagged and matched once.
ANALYSES_KEPT: Final = 32
_SIDE_CLAUSE: Final = 0.2
_ASKED_CLAUSE: Final = 1.5
_UNASKED_CLAUSE: Final = 0.5
# Verbs of a favour done (来てくれる, してもらう) and what sets them aside as a statement (けど, ので):
# 「買い物は娘が来てくれるけど、ゴミ出しが…」 tells who does the shopping; the ask is elsewhere.
_FAVOUR_KEYS: Final = frozenset({"クレル", "モラウ", "イタダク", "クダサル"})
_SET_ASIDE: Final = frozenset({"けど", "けれど", "けれども", "が", "のに", "ばってん", "ので", "から", "けん", "し"})
_WISH_KEYS: Final = frozenset({"タイ", "ホシイ"})


class Analysis:
    """A message read against its language's vocabulary (never changed: callers share it).

    A plain class, not a frozen dataclass: compiled (bot/compiled.py), its Final attributes cannot
    be set again either, and it is built in a tenth of the time (the dataclass' __init__ is Python)."""

    def __init__(
        self, text: str, language: str, message: Message, hits: tuple[Hit, ...], totals: dict[str, float]
    ) -> None:
        self.text: Final = text
        self.language: Final = language
        self.message: Final = message
        self.hits: Final = hits
        # weight per label, summed once when the hits are found (score is asked many times a message)
        self.totals: Final = totals

    def score(self, cue: str) -> float:
        """Total weight of the hits for one cue."""
        return self.totals.get(_CUE_LABELS[cue], 0.0)


class _CueLabels(dict[str, str]):
    """ "cue:<name>" by name, each written once."""

    def __missing__(self, cue: str) -> str:
        label = self[cue] = sys.intern(f"cue:{cue}")  # the hits' labels are interned (bot.nlp.vocab)
        return label


_CUE_LABELS: Final = _CueLabels()


def _totals(hits: list[Hit]) -> dict[str, float]:
    """Weight per label."""
    totals: dict[str, float] = {}  # (a plain dict: a defaultdict's missing keys call float() from C)
    for hit in hits:
        totals[hit.label] = totals.get(hit.label, 0.0) + hit.weight
    return totals


def detect_language(text: str) -> str:
    """ "ja" when kana/kanji dominate the letters, "en" for Latin-only text."""
    has_latin = _LATIN.search(text) is not None
    return "en" if has_latin and japanese_ratio(text) < 0.3 else "ja"


@lru_cache(maxsize=ANALYSES_KEPT)
def analyse(text: str) -> Analysis:
    """Normalise, detect language, tokenize and match the vocabulary (an Analysis is never changed:
    callers share it)."""
    clean = normalise(text)
    language = detect_language(clean)
    tokens = tokenize_en(clean) if language == "en" else tokenize(_taggable(clean))
    message = prepare(tokens, language)
    vocabulary = load_vocabulary(language)
    hits = find_hits(message, vocabulary)
    if any(h.label == "cue:emergency" for h in hits):  # 「119番はしなくていい」 tells of none
        hits = mark_declined(message, hits)
    if not any(h.label.startswith("category:") for h in hits) and _asks(hits):
        hits += fuzzy_hits(message, vocabulary)
    return Analysis(clean, language, message, tuple(hits), _totals(hits))


def _taggable(text: str) -> str:
    """A sentence written all in katakana (ﾀﾞｲｼﾞｮｳﾌﾞｼﾞｬﾅｲ ｱｼｶﾞｲﾀｲ, old phones) tagged as hiragana: the
    tagger reads katakana as one unknown noun and would lose its ない; a short word (スマホ) stays."""
    if len(text) >= KATAKANA_SENTENCE and _KATAKANA_ONLY.fullmatch(text):
        return to_hiragana(text)
    return text


def _asks(hits: list[Hit]) -> bool:
    """Whether a request cue is present (only then is a typo'd category worth looking for)."""
    return any(h.label in ("cue:ask", "cue:want") for h in hits)


def _side_clauses(analysis: Analysis) -> set[int]:
    """Clauses that say what is already handled (自分でできる, 終わりました), not the need."""
    side = {h.clause for h in analysis.hits if h.label == "cue:self_ok" and not h.negated}
    return side | {h.clause for h in _done_hits(analysis)}


def _after_what_is_handled(analysis: Analysis, hit: Hit) -> bool:
    """A kind named after 「自分で替えるので、」 "I'll fit them myself, so": the need comes after
    the reason (電球は自分で替えるので、買ってきて asks for shopping), in the same clause."""
    tokens = analysis.message.tokens
    for handled in analysis.hits:
        if handled.label == "cue:self_ok" and handled.clause == hit.clause and handled.end <= hit.start:
            if any(_gives_a_reason(tokens, i) for i in range(handled.end, hit.start)):
                return True
    return False


def _gives_a_reason(tokens: tuple[Token, ...], index: int) -> bool:
    """ので, から, けん, し or a comma after a clause (what follows is what the reason is for)."""
    token = tokens[index]
    if token.surface in ("、", ","):
        return True
    if token.pos2 == "接続助詞" and token.surface in ("から", "けん", "けえ", "し"):
        return True
    return token.key == "ダ" and token.surface == "で" and index > 0 and tokens[index - 1].surface == "の"


def stated(tokens: tuple[Token, ...], hit: Hit) -> bool:
    """An ask word that tells of a favour someone does, set aside by a けど or a reason
    (娘が来てくれるけど、…; 家族がしてもらっとるので): not what the sender asks for."""
    if hit.label != "cue:ask" or not hit.end or tokens[hit.end - 1].key not in _FAVOUR_KEYS:
        return False
    for token in tokens[hit.end : hit.end + 4]:
        if token.pos2 == "接続助詞":
            return token.surface in _SET_ASIDE
        if token.pos != "助動詞" and token.pos2 != "準体助詞" or token.key in _WISH_KEYS:
            return False
    return False


def category_scores(analysis: Analysis) -> dict[str, float]:
    """Points per category, counting the asked-for clause more and side clauses less."""
    side = _side_clauses(analysis)
    tokens = analysis.message.tokens
    asked = {h.clause for h in analysis.hits if h.label == "cue:ask" and not stated(tokens, h)}
    named = {h.clause for h in analysis.hits if h.label.startswith("category:")}
    other = _UNASKED_CLAUSE if asked & named else 1.0
    scores: dict[str, float] = {}
    for hit in analysis.hits:
        if hit.label.startswith("category:"):
            aside = hit.clause in side and not _after_what_is_handled(analysis, hit)
            factor = _SIDE_CLAUSE if aside else _ASKED_CLAUSE if hit.clause in asked else other
            if hit.negated and _denied(tokens, hit.end):
                factor = _SIDE_CLAUSE  # 「掃除じゃなくて、犬の散歩を」 asks for the other kind
            category = hit.label[9:]  # after "category:"
            scores[category] = scores.get(category, 0.0) + hit.weight * factor
    return scores


def _denied(tokens: tuple[Token, ...], end: int) -> bool:
    """A word said not to be it (掃除じゃなくて, 修理ではなく), not one that cannot be done
    (ゴミ出しができない asks for it)."""
    after = [t for t in tokens[end : end + 3] if t.key != "ハ"]
    return len(after) > 1 and (after[0].key == "ダ" or after[0].surface in ("で", "じゃ")) and after[1].negation


def best_category(analysis: Analysis) -> tuple[str, float]:
    """The strongest category and its points ("other", 0 when nothing matched)."""
    scores = category_scores(analysis)
    if not scores:
        return "other", 0.0
    # the first of the strongest, "other" last among equals (max() over (points, named) pairs, as a
    # loop that compares the two in turn: compiled, it builds no tuple and calls no function per kind)
    name = CATEGORIES[0]
    best, named = scores.get(name, 0.0), name != "other"
    for category in CATEGORIES[1:]:
        points = scores.get(category, 0.0)
        if points > best or (points == best and category != "other" and not named):
            name, best, named = category, points, category != "other"
    return name, scores[name]


def _done_hits(analysis: Analysis) -> list[Hit]:
    """Completion words said in the past tense (終わりました), or completion nouns."""
    tokens = analysis.message.tokens
    done = [h for h in analysis.hits if h.label == "cue:done_noun"]
    for hit in analysis.hits:
        if hit.label == "cue:done_verb" and not hit.negated:
            if any(t.past for t in tokens[hit.end - 1 : hit.end + 5]):
                done.append(hit)
    return done


def _asks_outside(analysis: Analysis, clauses: set[int]) -> bool:
    """Whether the sender asks for something in a clause other than the given ones."""
    return any(h.label == "cue:ask" and h.clause not in clauses for h in analysis.hits)


def _reply_to_offer(analysis: Analysis) -> str | None:
    """accept/decline for a helper who was just offered a task."""
    accept, decline = analysis.score("accept"), analysis.score("decline")
    if decline and decline >= accept:
        return "decline"
    return "accept" if accept else None


def _reply_to_safety_check(analysis: Analysis) -> str | None:
    """safe/need_help for a resident who was just asked whether they are safe, read in the last
    clause that answers (停電しとるけど、ケガはなかよ is safe; we're okay but the medicine is
    running out needs help)."""
    answers = [h for h in analysis.hits if h.label in ("cue:safe", "cue:need_help")]
    last = max((h.clause for h in answers), default=0)
    safe = sum(h.weight for h in answers if h.clause == last and h.label == "cue:safe")
    need = sum(h.weight for h in answers if h.clause == last and h.label == "cue:need_help")
    if need and need > safe:
        return "need_help"
    return "safe" if safe else None


def _service_intent(analysis: Analysis, category_points: float) -> str | None:
    """Intents about the service itself: cancel, news, usage, balance."""
    score = analysis.score
    if score("cancel"):
        return "cancel"
    if score("news") and score("news_stop"):
        return "unsubscribe"
    if score("news") and score("news") >= category_points:
        return "subscribe"
    if score("usage") and category_points < CLEAR_CATEGORY:
        return "usage"
    if score("balance") and category_points < CLEAR_CATEGORY:
        return "balance"
    return None


def _general_intent(analysis: Analysis, category_points: float) -> str:
    """The intent of a message read on its own."""
    score = analysis.score
    if score("offer") and not score("ask"):
        return "offer_help"
    done = _done_hits(analysis)
    if done and not _asks_outside(analysis, {h.clause for h in done}):
        return "done"
    if (score("thanks") or score("greeting")) and not _asks_now(analysis):
        return "chitchat"
    return "help_request" if score("ask") + score("want") or category_points else "chitchat"


def _asks_now(analysis: Analysis) -> bool:
    """An ask not told in the past (してもらって助かりました is thanks, not a request)."""
    tokens, clauses = analysis.message.tokens, analysis.message.clauses
    past = {clauses[i] for i, t in enumerate(tokens) if t.past}
    return any(h.label == "cue:ask" and h.clause not in past for h in analysis.hits)


def classify_analysis(analysis: Analysis, context: str | None) -> tuple[str, str | None]:
    """(intent, category) for an analysed message and the pending question."""
    category, points = best_category(analysis)
    real_points = points if category != "other" else 0.0
    intent = None
    if context == "safety_check":
        intent = _reply_to_safety_check(analysis)
    intent = intent or _service_intent(analysis, real_points)
    if intent is None and context == "offer_pending":
        intent = _reply_to_offer(analysis)
    intent = intent or _general_intent(analysis, real_points)
    return intent, (category if intent == "help_request" else None)
