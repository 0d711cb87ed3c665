"""Several kinds of help asked for in one message (「明日ゴミ出しと買い物をお願いしたい」): each kind
named, with the time said next to it when it has one of its own (「朝ごみ出しと、午後に買い物」)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.nlp.classify import CLEAR_CATEGORY, Analysis, analyse
from bot.nlp.matcher import Hit
from bot.nlp.summary import summarise
from bot.nlp.tagger import Token
from bot.nlp.when import names_day, resolve

# Words that join two kinds of help named one after the other: 「AとB」「AやB」, "A and B".
_JOINS = frozenset({"と", "や", "、", ",", "，", "and", "&", "＆"})
# A comma joins only when one of these follows (「ゴミ出し、それと買い物」): else it closes a side
# clause as often (「生け垣の剪定、脚立に登るのが怖い」).
_AFTER_COMMA = ("それと", "それから", "それに", "あと", "あとは", "and", "also")
# After a person, と is "with" (「息子と買い物に」「孫と散歩」): the person is no kind of help asked.
_PEOPLE = frozenset(
    "息子 娘 孫 子 子供 子ども 主人 夫 妻 家内 母 父 家族 友達 友人 嫁 婿"
    " son daughter grandson granddaughter grandchild kids child children wife husband mother father friend".split()
)


# At most this many words of time between a kind and the join ("trash tomorrow morning and ...").
_TIME_WORDS = 5
# English verbs that take a list of things (the tagger gives English words no part of speech).
_EN_VERBS = frozenset({"buy", "buy me", "purchase", "fetch", "pick up", "get me"})


@dataclass(frozen=True)
class Named:
    """One kind of help the message asks for, and its own time (None: the message's)."""

    category: str
    when: datetime | None
    time_of_day: str | None
    summary: str


def kinds_named(text: str, now: datetime) -> list[Named]:
    """The kinds of help a message asks for, in the order written, when it names two or more kinds
    one after the other (「ゴミ出しと買い物」) (else an empty list: one request, as before).
    Things named together as what a verb of help acts on (「洗剤とスポンジを買ってきて」) are one
    request, of the verb's kind."""
    analysis = analyse(text)
    pieces = _pieces(analysis, now)
    if len(pieces) < 2 or _objects_of_a_verb(analysis, pieces[0] if analysis.language == "en" else pieces[-1]):
        return []
    heads = [(_head(analysis, start, end), start, end) for start, end in pieces]
    for number in range(1, len(heads)):
        if _leftovers_of(analysis, heads[number - 1][0], *heads[number][1:]):
            heads[number] = (heads[number - 1][0], *heads[number][1:])
    kinds = [(kind, start, end) for kind, start, end in heads if kind not in (None, "other")]
    if len({kind for kind, _, _ in kinds}) < 2:
        return []
    shared = resolve(analysis.text, now)
    found: list[Named] = []
    for kind, start, end in kinds:
        if kind is None or any(n.category == kind for n in found):
            continue
        words = _words(analysis.message.tokens[start:end], analysis.language)
        when, part = _own_time(words, shared.moment, shared.time_of_day, now)
        found.append(Named(kind, when, part, summarise(analyse(words), kind)))
    return found


def _category_hits(analysis: Analysis, start: int, end: int) -> list[Hit]:
    return [
        hit
        for hit in analysis.hits
        if hit.label.startswith("category:") and not hit.negated and start <= hit.start < end
    ]


def _pieces(analysis: Analysis, now: datetime) -> list[tuple[int, int]]:
    """The message cut where two kinds are joined, right after the first or after its time
    ("trash tomorrow morning and also groceries"): (start, end) token spans."""
    tokens = analysis.message.tokens
    hits = _category_hits(analysis, 0, len(tokens))
    starts_kind = {hit.start for hit in hits}
    cuts = []
    for i in range(len(tokens)):
        before = max((hit.end for hit in hits if hit.end <= i), default=None)
        if before is None or not _joins(tokens, i, i + 1 in starts_kind):
            continue
        if before == i or _only_a_time(tokens[before:i], analysis.language, now):
            cuts.append(i)
    return list(zip([0, *(c + 1 for c in cuts)], [*cuts, len(tokens)]))


def _only_a_time(tokens: tuple[Token, ...], language: str, now: datetime) -> bool:
    """A few words that say when (tomorrow morning, 明日の朝), between a kind and a join."""
    said = resolve(_words(tokens, language), now)
    return len(tokens) <= _TIME_WORDS and (said.moment is not None or said.time_of_day is not None)


def _leftovers_of(analysis: Analysis, kind: str | None, start: int, end: int) -> bool:
    """A piece that names what the kind before it leaves behind (「剪定と、切った枝の片付け」: the
    branches cut, told in the past, are the pruning's): the same job, not a kind of its own."""
    tokens = analysis.message.tokens
    for hit in _category_hits(analysis, start, end):
        if hit.label == f"category:{kind}" and tokens[hit.start].pos != "動詞":
            return any(token.past for token in tokens[start : hit.start])
    return False


def _joins(tokens: tuple[Token, ...], i: int, kind_follows: bool) -> bool:
    """と and や as particles (not 「ちょっと」's, 「洗剤とか」's or 「息子と」's "with"), "and", a
    comma followed by 「それと」."""
    token = tokens[i]
    after = "".join(t.surface for t in tokens[i + 1 : i + 3]).lower()
    if token.surface in ("、", ",", "，"):
        return after.startswith(_AFTER_COMMA)
    if token.surface not in ("と", "や"):
        person = i > 0 and tokens[i - 1].surface.lower() in _PEOPLE  # "my son and I"
        return token.surface.lower() in _JOINS and not person
    such_as = after.startswith("か") and not kind_follows  # 「ごみだしとかいもの」 is と + かいもの
    person = token.surface == "と" and i > 0 and tokens[i - 1].surface in _PEOPLE
    return token.pos == "助詞" and not such_as and not person


def _head(analysis: Analysis, start: int, end: int) -> str | None:
    """The kind a piece names: its last noun of a kind, when it names it clearly (「網戸の掃除」 is
    掃除's; 「子どものオムツ」 names no kind of help clearly)."""
    tokens = analysis.message.tokens
    nouns = [hit for hit in _category_hits(analysis, start, end) if tokens[hit.start].pos != "動詞"]
    last = max(nouns, key=lambda hit: (hit.start, hit.weight), default=None)
    return last.label.removeprefix("category:") if last and last.weight >= CLEAR_CATEGORY else None


def _objects_of_a_verb(analysis: Analysis, piece: tuple[int, int]) -> bool:
    """「XとYを買ってきて」, "buy X and Y": the verb names a kind itself (in Japanese, after the
    things joined; in English, before them), the things joined are its objects."""
    tokens = analysis.message.tokens
    return any(
        (tokens[hit.start].pos == "動詞" or hit.term in _EN_VERBS) and hit.weight >= CLEAR_CATEGORY
        for hit in _category_hits(analysis, *piece)
    )


def _words(tokens: tuple[Token, ...], language: str) -> str:
    return (" " if language == "en" else "").join(token.surface for token in tokens)


def _own_time(words: str, when: datetime | None, part: str | None, now: datetime) -> tuple[datetime | None, str | None]:
    """The time said in this piece of the message, on the message's day when it names no day of
    its own; None when it says no time (the request's time is then the message's)."""
    own = resolve(words, now)
    if own.moment is None and own.time_of_day is None:
        return None, None
    if own.moment is not None and (names_day(words, now.date()) or when is None):
        return own.moment, own.time_of_day
    if own.moment is not None and when is not None:
        return when.replace(hour=own.moment.hour, minute=own.moment.minute), own.time_of_day
    return when, own.time_of_day or part
