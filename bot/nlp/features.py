"""Features of an analysed Japanese message for the learned layer (bot/nlp/learned.py).

Words (lemma readings), the vocabulary's hits, the rules' own reading, how the message ends
(a question, a past tense, て+あげる or て+くれる), and where in the clause structure the words
stand: which segment carries the ask, what a じゃなくて negates, what a けど or a reason
(ので, けん) sets aside.
"""

from typing import NamedTuple

from bot.nlp.classify import Analysis, classify_analysis
from bot.nlp.matcher import Hit
from bot.nlp.tagger import Token

_SKIPPED_POS = frozenset({"補助記号", "空白"})
_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "副詞", "形状詞", "代名詞", "感動詞"})
_REASONS = frozenset({"ので", "から", "けん", "けえ", "きに", "し", "て", "で"})
_CONTRASTS = frozenset({"けど", "けれど", "けれども", "が", "のに", "ですが", "ばってん"})
# Verbs that only carry an ask (買って|きて|ほしい): the need is the word before them.
_LIGHT_VERBS = frozenset(
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
_ASKS = frozenset({"cue:ask", "cue:want"})
_ROLE_PREFIX = {"neg": "n:", "reason": "y:", "contrast": "k:", "end": "s:"}


class Segment(NamedTuple):
    """A stretch of tokens and how it ends: neg (じゃなくて), reason, contrast, end."""

    start: int
    end: int
    role: str


def _negates_before(tokens: tuple[Token, ...], index: int) -> bool:
    """A ない that follows じゃ/では (掃除じゃなくて, 庭ではなく): it negates the words before."""
    if not tokens[index].negation or tokens[index].pos == "動詞":
        return False
    before = [t for t in tokens[max(0, index - 2) : index] if t.key != "ハ"]
    return bool(before) and before[-1].key == "ダ" and before[-1].pos == "助動詞"


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


def features(analysis: Analysis, context: str | None, rules: tuple[str, str | None] | None = None) -> list[str]:
    """Feature names of one message given the pending question (and the rules' reading of it,
    when the caller has it already)."""
    cuts, numbers = segments(analysis.message.tokens)
    asks = [h for h in analysis.hits if h.label in _ASKS and not _told(analysis.message.tokens, h)]
    main = numbers[max(h.start for h in asks)] if asks else len(cuts) - 1
    names = ["bias"] + _shape_features(analysis, cuts, main, bool(asks))
    names += _word_features(analysis.message.tokens, cuts, main)
    names += _hit_features(analysis, cuts, numbers, main)
    names += [f"a:{word.key}" for word in filter(None, (_asked_word(analysis.message.tokens, h.start) for h in asks))]
    stream = analysis.message.stream
    names += [f"g:{stream[i : i + 3]}" for i in range(len(stream) - 2)]  # readings: any script, typos
    rule_intent, rule_category = rules or classify_analysis(analysis, context)
    names += [f"ri:{rule_intent}", f"rc:{rule_category}"]
    if context:
        names += [f"{context}|{name}" for name in names if name[0] in "hwr"] + [f"ctx:{context}"]
    return names


def _word_features(tokens: tuple[Token, ...], cuts: list[Segment], main: int) -> list[str]:
    """Every word, pairs of words, and content words of the main and of negated segments."""
    names, previous = [], "^"
    for number, cut in enumerate(cuts):
        for token in tokens[cut.start : cut.end]:
            if token.pos in _SKIPPED_POS:
                continue
            names.append(f"w:{token.key}")
            if previous == "テ" and token.pos in ("動詞", "形容詞"):
                names.append(f"tx:{token.key}")  # て+あげる offers, て+くれる asks, て+おく reports
            previous = token.key
            if token.pos in _CONTENT_POS:
                if number == main:
                    names.append(f"m:{token.key}")
                else:  # a word of a side clause: negated (n:), a reason (reason:), set aside (contrast:)
                    names.append(f"{_ROLE_PREFIX[cut.role]}{token.key}")
    return names


def _hit_features(analysis: Analysis, cuts: list[Segment], numbers: list[int], main: int) -> list[str]:
    """Vocabulary hits, categories by the role of the segment they stand in."""
    names, tokens = [], analysis.message.tokens
    for hit in analysis.hits:
        number = numbers[hit.start]  # fuzzy hits stand at 0
        role = "main" if number == main else cuts[number].role
        if not hit.label.startswith("category:"):
            told = "@past" if _told(tokens, hit) else ""
            cue = f"{hit.label}{'~' if hit.negated else ''}"
            # where a cue stands: 行きたいけど (set aside by けど) is no accept, 無事やけど no safe answer
            names += [f"h:{cue}{told}", f"h{role}:{cue}"]  # くれた: thanks, not an ask
            continue
        category = hit.label[9:]
        names += [f"c:{category}", f"c{role}:{category}"]
    return names


def _shape_features(analysis: Analysis, cuts: list[Segment], main: int, asks: bool) -> list[str]:
    """How the message ends, whether it asks, questions, or tells the past."""
    tokens = [t for t in analysis.message.tokens if t.pos not in _SKIPPED_POS]
    cut = cuts[main]
    past = any(t.past for t in analysis.message.tokens[cut.start : cut.end])
    question = "?" in analysis.text or (bool(tokens) and tokens[-1].pos2 == "終助詞" and tokens[-1].key in ("カ", "ノ"))
    names = [f"e1:{tokens[-1].key}" if tokens else "e1:", f"e2:{tokens[-2].key}" if len(tokens) > 1 else "e2:"]
    names += [f"ask:{asks}", f"past:{past}|{asks}", f"q:{question}|{asks}"]
    for before, token in zip(tokens, tokens[1:]):
        if token.past:  # 替えといた, 行ってきた, 済ませた: the verb told in the past
            names.append(f"pv:{before.key}")
    return names
