"""Features of an analysed Japanese message for the learned layer (bot/nlp/learned.py).

Words (lemma readings), the vocabulary's hits, the rules' own reading, how the message ends
(a question, a past tense, て+あげる or て+くれる), and where in the clause structure the words
stand: which segment carries the ask, what a じゃなくて negates, what a けど or a reason
(ので, けん) sets aside.
"""

from typing import Final, cast

from bot.nlp.classify import Analysis, classify_analysis, stated
from bot.nlp.learned import feature_name, feature_names, feature_number, numbers_clear, numbers_full
from bot.nlp.matcher import Hit
from bot.nlp.tagger import Token

_CONTENT_POS: Final = frozenset({"名詞", "動詞", "形容詞", "副詞", "形状詞", "代名詞", "感動詞"})
_REASONS: Final = frozenset({"ので", "から", "けん", "けえ", "きに", "し", "て", "で"})
_CONTRASTS: Final = frozenset({"けど", "けれど", "けれども", "が", "のに", "ですが", "ばってん"})
# Verbs that only carry an ask (買って|きて|ほしい): the need is the word before them.
_LIGHT_VERBS: Final = frozenset(
    {
        "スル",
        "クル",
        "イク",
        "オク",
        "ミル",
        "イル",
        "オル",
        "シマウ",
        "アゲル",
        "クレル",
        "モラウ",
        "ヤル",
        "イタダク",
        "クダサル",
        "トル",
        "チャウ",
    }
)
_ASKS: Final = frozenset({"cue:ask", "cue:want"})
_ROLE_PREFIX: Final = {"neg": "n:", "reason": "y:", "contrast": "k:", "end": "s:"}


class Segment:
    """A stretch of tokens and how it ends: neg (じゃなくて), reason, contrast, end (a plain class
    with Final attributes, as bot.nlp.matcher.Hit)."""

    def __init__(self, start: int, end: int, role: str) -> None:
        self.start: Final = start
        self.end: Final = end
        self.role: Final = role


def _negates_before(tokens: tuple[Token, ...], index: int) -> bool:
    """A ない that follows じゃ/では (掃除じゃなくて, 庭ではなく): it negates the words before."""
    if not tokens[index].negation or tokens[index].pos == "動詞":
        return False
    before = [t for t in tokens[max(0, index - 2) : index] if t.key != "ハ"]
    # (買い物じゃなか: before the dialect's なか the tagger reads じゃ as a particle)
    return bool(before) and (before[-1].key == "ダ" and before[-1].pos == "助動詞" or before[-1].surface == "じゃ")


def _ending(tokens: tuple[Token, ...], index: int) -> str | None:
    """How a segment ends at this token, or None when it goes on."""
    token = tokens[index]
    if _negates_before(tokens, index):
        return "neg"
    if token.pos2 == "接続助詞" and token.surface in _CONTRASTS:
        return "contrast"
    if token.pos2 == "接続助詞" and token.surface in _REASONS and token.surface not in ("て", "で"):
        return "reason"
    if token.surface == "で" and index and tokens[index - 1].surface == "の" and token.pos == "助動詞":
        return "reason"  # 痛いので
    return "end" if token.boundary else None


def segments(tokens: tuple[Token, ...]) -> tuple[list[Segment], list[int]]:
    """The message cut after sentence ends, contrasts, reasons and じゃなくて; each token's segment."""
    cuts: list[Segment] = []
    numbers: list[int] = []
    start = 0
    for index, token in enumerate(tokens):
        numbers.append(len(cuts))
        # only these can end a segment (checked first: _ending is slower and most words go on)
        if token.boundary or token.negation or token.pos2 == "接続助詞" or token.surface == "で":
            role = _ending(tokens, index)
            if role:
                cuts.append(Segment(start, index + 1, role))
                start = index + 1
    if start < len(tokens) or not cuts:
        cuts.append(Segment(start, len(tokens), "end"))
    return cuts, numbers


def _told(tokens: tuple[Token, ...], hit: Hit) -> bool:
    """Whether a cue is told in the past (作ってくれた, 助かった): said of what happened."""
    for token in tokens[hit.end : hit.end + 3]:
        if token.past:
            return True
    return False


def _asked_word(tokens: tuple[Token, ...], index: int) -> Token | None:
    """The word an ask is about (買ってきてほしい -> 買う; 散歩をお願い -> 散歩)."""
    position = index - 1
    while position >= 0 and (
        tokens[position].pos in ("助詞", "助動詞", "補助記号") or tokens[position].key in _LIGHT_VERBS
    ):
        position -= 1
    return tokens[position] if position >= 0 and tokens[position].pos in _CONTENT_POS else None


# A feature's number as the int object given (bot.nlp.learned.feature_number): compiled
# (bot/compiled.py), an int read out of a dict into a list[int] is unboxed and boxed again, a new
# int object for each feature of each message; read as an object it is only counted once more.
Number = object


class _Names(dict[str, Number]):
    """Features by the word (or label) they name, as numbers (bot.nlp.learned.feature_number): each
    name is built once with its prefix, and the model finds the row of a number without a lookup."""

    def __init__(self, prefix: str, suffix: str = "") -> None:
        super().__init__()
        self.prefix, self.suffix = prefix, suffix

    def __missing__(self, word: str) -> Number:
        if len(self) >= NAMES_KEPT:
            self.clear()
        number = self[word] = feature_number(self.prefix + word + self.suffix)
        return number


class _InContext(dict[Number, Number | None]):
    """The feature paired with a pending question, by the feature's number, for the features that
    are (words, hits, the rules' reading: names starting with h, w or r); None for the others."""

    def __init__(self, context: str) -> None:
        super().__init__()
        self.prefix = f"{context}|"

    def __missing__(self, number: Number) -> Number | None:
        if len(self) >= NAMES_KEPT:
            self.clear()
        name = feature_name(cast(int, number))
        paired = self[number] = feature_number(self.prefix + name) if name[0] in "hwr" else None
        return paired


# words, readings and labels met in messages: a bound like the tagger's word cache
NAMES_KEPT: Final = 50_000
# (one a line, each Final: compiled, bot/compiled.py, a Final global is read without a dict lookup)
_WORD: Final = _Names("w:")
_AFTER_TE: Final = _Names("tx:")
_MAIN: Final = _Names("m:")
_ASKED: Final = _Names("a:")
_TRIGRAM: Final = _Names("g:")
_PAST_VERB: Final = _Names("pv:")
_ROLE: Final = {role: _Names(prefix) for role, prefix in _ROLE_PREFIX.items()}
_LAST: Final = _Names("e1:")
_BEFORE_LAST: Final = _Names("e2:")
_RULE_INTENT: Final = _Names("ri:")
_RULE_CATEGORY: Final = _Names("rc:")
_CATEGORY: Final = _Names("c:")
# The rules' kind named in each clause, by how the clause ends (cmain:, cneg:, creason:...).
CATEGORY_BY_ROLE_PREFIXES: Final = tuple(f"c{role}:" for role in ("main", *_ROLE_PREFIX))
_CATEGORY_BY_ROLE: Final = {role: _Names(f"c{role}:") for role in ("main", *_ROLE_PREFIX)}
_CUE: Final = _Names("h:")
_CUE_PAST: Final = _Names("h:", "@past")
_CUE_BY_ROLE: Final = {role: _Names(f"h{role}:") for role in ("main", *_ROLE_PREFIX)}
_IN_CONTEXT: Final[dict[str, _InContext]] = {}
_CONTEXT: Final = _Names("ctx:")
_FIXED: Final = _Names("")  # names without a word: bias, ask:True...
_ALL_NAMES: Final = [
    *(_WORD, _AFTER_TE, _MAIN, _ASKED, _TRIGRAM, _PAST_VERB, _LAST, _BEFORE_LAST, _RULE_INTENT, _RULE_CATEGORY),
    *(_CATEGORY, _CUE, _CUE_PAST, _CONTEXT, _FIXED, *_ROLE.values(), *_CATEGORY_BY_ROLE.values()),
    *_CUE_BY_ROLE.values(),
]


def names_clear() -> None:
    """Forget the features built and their numbers (benchmarks measure a cold first pass with it)."""
    for names in _ALL_NAMES:
        names.clear()
    _IN_CONTEXT.clear()
    numbers_clear()


_SHAPES: Final = {
    (asks, past, question): [f"ask:{asks}", f"past:{past}|{asks}", f"q:{question}|{asks}"]
    for asks in (False, True)
    for past in (False, True)
    for question in (False, True)
}


def features(analysis: Analysis, context: str | None, rules: tuple[str, str | None] | None = None) -> list[str]:
    """Feature names of one message given the pending question (and the rules' reading of it,
    when the caller has it already)."""
    return feature_names(feature_numbers(analysis, context, rules))


def feature_numbers(analysis: Analysis, context: str | None, rules: tuple[str, str | None] | None = None) -> list[int]:
    """The same features as numbers (bot.nlp.learned.feature_number), as the model reads them."""
    if numbers_full():
        names_clear()  # between two messages: no number of this one is held anywhere yet
    tokens = analysis.message.tokens
    cuts, numbers = segments(tokens)
    asks = [h for h in analysis.hits if h.label in _ASKS and not _told(tokens, h) and not stated(tokens, h)]
    main = numbers[max(h.start for h in asks)] if asks else len(cuts) - 1
    # (appended to one list in their order, which is the order the model sums their rows in: compiled,
    # a list built and concatenated per kind, or a map or filter calling back per item, cost more)
    made: list[Number] = [_FIXED["bias"]]
    _shape_features(made, analysis, cuts, main, bool(asks))
    _word_features(made, tokens, cuts, main)
    _hit_features(made, analysis, cuts, numbers, main)
    for hit in asks:
        word = _asked_word(tokens, hit.start)
        if word is not None:
            made.append(_ASKED[word.key])
    trigram = _TRIGRAM
    for piece in analysis.message.grams:  # readings: any script, typos
        made.append(trigram[piece])
    rule_intent, rule_category = rules or classify_analysis(analysis, context)
    made.append(_RULE_INTENT[rule_intent])
    made.append(_RULE_CATEGORY[str(rule_category)])
    if context:
        paired = _IN_CONTEXT.get(context) or _IN_CONTEXT.setdefault(context, _InContext(context))
        for index in range(len(made)):  # each feature made so far that pairs with the question
            number = paired[made[index]]
            if number is not None:
                made.append(number)
        made.append(_CONTEXT[context])
    return cast(list[int], made)


def _word_features(names: list[Number], tokens: tuple[Token, ...], cuts: list[Segment], main: int) -> None:
    """Every word, pairs of words, and content words of the main and of negated segments (appended)."""
    previous, word, after_te = "^", _WORD, _AFTER_TE
    for number, cut in enumerate(cuts):
        # a word of a side clause: negated (n:), a reason (reason:), set aside (contrast:)
        content = _MAIN if number == main else _ROLE[cut.role]
        for token in tokens[cut.start : cut.end]:
            if token.mark:  # punctuation, spaces
                continue
            pos = token.pos
            key = token.key
            names.append(word[key])
            if previous == "テ" and pos in ("動詞", "形容詞"):
                names.append(after_te[key])  # て+あげる offers, て+くれる asks, て+おく reports
            previous = key
            if pos in _CONTENT_POS:
                names.append(content[key])


def _hit_features(names: list[Number], analysis: Analysis, cuts: list[Segment], numbers: list[int], main: int) -> None:
    """Vocabulary hits, categories by the role of the segment they stand in (appended)."""
    tokens = analysis.message.tokens
    for hit in analysis.hits:
        number = numbers[hit.start]  # fuzzy hits stand at 0
        role = "main" if number == main else cuts[number].role
        label = hit.label
        if not label.startswith("category:"):
            cue = label + "~" if hit.negated else label
            # where a cue stands: 行きたいけど (set aside by けど) is no accept, 無事やけど no safe answer
            told = _CUE_PAST[cue] if _told(tokens, hit) else _CUE[cue]  # くれた: thanks, not an ask
            names.append(told)
            names.append(_CUE_BY_ROLE[role][cue])
            continue
        category = label[9:]
        names.append(_CATEGORY[category])
        names.append(_CATEGORY_BY_ROLE[role][category])


def _shape_features(names: list[Number], analysis: Analysis, cuts: list[Segment], main: int, asks: bool) -> None:
    """How the message ends, whether it asks, questions, or tells the past (appended)."""
    tokens = [t for t in analysis.message.tokens if not t.mark]
    cut = cuts[main]
    past = any(t.past for t in analysis.message.tokens[cut.start : cut.end])
    question = "?" in analysis.text or (bool(tokens) and tokens[-1].pos2 == "終助詞" and tokens[-1].key in ("カ", "ノ"))
    names.append(_LAST[tokens[-1].key if tokens else ""])
    names.append(_BEFORE_LAST[tokens[-2].key if len(tokens) > 1 else ""])
    for name in _SHAPES[asks, past, question]:
        names.append(_FIXED[name])
    for index in range(1, len(tokens)):
        if tokens[index].past:  # 替えといた, 行ってきた, 済ませた: the verb told in the past
            names.append(_PAST_VERB[tokens[index - 1].key])
