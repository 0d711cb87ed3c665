"""A short summary of the need, in the sender's own words, for helpers to read."""

import re

from bot.nlp.classify import Analysis, best_category
from bot.nlp.private import hidden_spans, redact
from bot.nlp.summary_en import summarise_en
from bot.nlp.tagger import Token

MAX_LENGTH = 40
_PHRASE_END = re.compile(r"[。!?\n、,]|\.{3}|…")
# Conjunctions that close a reason or side clause (痛いので / 痛かけん ...): the need follows.
_REASONS = frozenset({"ので", "から", "けど", "けれど", "けれども", "のに", "けん", "けえ", "きに", "し"})
# Verbs that only ask or soften (手伝って, もらえますか, ほしい, 困っています): not the need itself.
_REQUEST_KEYS = frozenset(
    {
        "テツダウ",
        "タノム",
        "ネガウ",
        "モラウ",
        "クレル",
        "イタダク",
        "クダサル",
        "ホシイ",
        "スル",
        "クル",
        "イル",
        "オル",
        "デキル",
        "タスカル",
        "オモウ",
        "ヤル",
        "イタス",
        "オク",
        "コマル",
        "シマウ",
        "アゲル",
        "ナル",
        "カス",
        "サガス",
    }
)
_PERSON_KEYS = frozenset({"カタ", "ヒト", "ダレ", "ドナタ", "ダレカ"})
_TAIL_POS = frozenset({"助詞", "助動詞", "感動詞", "補助記号", "接尾辞"})
_NOUN_POS = frozenset({"名詞", "代名詞", "接頭辞", "接尾辞", "形状詞"})
_PREFIXES = "おご御"  # honorific prefixes are not tokens of their own (see tagger)
_OBJECT_MARKS = frozenset({"を", "ば", "も", "は"})
_GODAN_NEGATIVE = dict(zip("うくぐすつぬぶむる", "わかがさたなばまら"))
_NEGATIVE = "ない"
_VOICE_KEYS = frozenset({"レル", "ラレル", "セル", "サセル"})


def summarise(analysis: Analysis, category: str | None = None) -> str:
    """The need in the person's words, without times or addresses, at most 40 characters.

    `category` is the kind of help the message was read as (else the vocabulary's strongest)."""
    if analysis.language == "en":
        return _shorten(redact(summarise_en(analysis.text)))
    return _shorten(redact(_summary_ja(analysis, category or best_category(analysis)[0])))


def _summary_ja(analysis: Analysis, category: str) -> str:
    """The need's noun phrase, or its object and verb in dictionary form (病院に連れて行く)."""
    text, tokens = analysis.text, analysis.message.tokens
    offsets = _offsets(text, tokens)
    start, end = _phrase_bounds(text, _need_position(analysis, offsets, category))
    hidden = hidden_spans(text)
    words = [
        i
        for i, o in enumerate(offsets)
        if start <= o < end
        and tokens[i].pos not in ("補助記号", "空白")
        and not _covered(hidden, o, o + len(tokens[i].surface))
    ]
    while words and tokens[words[0]].pos == "助詞":  # left behind by a hidden time or address
        words.pop(0)
    rest = _after_last_reason(words, tokens)
    if _names_thing(rest, tokens):
        span = _predicate_span(rest, tokens, offsets) or _noun_span(rest, analysis, offsets)
    else:  # 電球が切れたので|替えて: what it is about was named before the reason ended
        span = (
            _noun_span(words, analysis, offsets, weighted=True)
            or _predicate_span(rest, tokens, offsets, True)
            or _noun_span(words, analysis, offsets)
        )
    if span is None:
        return _visible(text, start, end, hidden).strip(" 、,")
    first, last, suffix = span
    return _visible(text, _with_prefix(text, first, start), last, hidden).strip(" 、,") + suffix


def _with_prefix(text: str, first: int, phrase_start: int) -> int:
    """Step back over an honorific prefix the tokens leave out (お風呂)."""
    return first - 1 if first > phrase_start and text[first - 1] in _PREFIXES else first


def _offsets(text: str, tokens: tuple[Token, ...]) -> list[int]:
    """Character offset of every token in the normalised text."""
    offsets, cursor = [], 0
    for token in tokens:
        found = text.find(token.surface, cursor)
        offsets.append(found if found >= 0 else cursor)
        cursor = found + len(token.surface) if found >= 0 else cursor
    return offsets


def _phrase_bounds(text: str, position: int) -> tuple[int, int]:
    """Start and end of the phrase (between 、。…) around a character position."""
    starts = [m.end() for m in _PHRASE_END.finditer(text, 0, position)]
    end = _PHRASE_END.search(text, position)
    return (starts[-1] if starts else 0), (end.start() if end else len(text))


def _need_position(analysis: Analysis, offsets: list[int], category: str) -> int:
    """Where the strongest word of the chosen category stands (else where the text starts)."""
    label = f"category:{category}"
    hits = [h for h in analysis.hits if h.label == label] or [
        h for h in analysis.hits if h.label.startswith("category:")
    ]
    if not hits:
        return 0
    return offsets[max(hits, key=lambda h: (h.weight, h.start)).start]  # the ask comes last


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether the characters start..end lie inside one of the spans."""
    return any(a <= start and end <= b for a, b in spans)


def _visible(text: str, start: int, end: int, hidden: list[tuple[int, int]]) -> str:
    """text[start:end] without the hidden characters."""
    return "".join(c for i, c in enumerate(text[start:end], start) if not _covered(hidden, i, i + 1))


def _after_last_reason(words: list[int], tokens: tuple[Token, ...]) -> list[int]:
    """The words after the last reason clause (膝が痛いので|荷物を運んで)."""
    for position in range(len(words) - 1, -1, -1):
        if _ends_reason(tokens, words[position]):
            return words[position + 1 :]
    return words


def _ends_reason(tokens: tuple[Token, ...], index: int) -> bool:
    """A conjunction closing a reason (から, けど, けん), or の+で (痛いので)."""
    token = tokens[index]
    if token.pos2 == "接続助詞" and token.surface in _REASONS:
        return True
    return token.surface == "で" and index > 0 and tokens[index - 1].surface == "の" and token.pos == "助動詞"


def _predicate_span(
    words: list[int], tokens: tuple[Token, ...], offsets: list[int], bare: bool = False
) -> tuple[int, int, str] | None:
    """(start, end, ending) of object + meaningful verb (電球を替える, 水がない, 部屋を掃除), or a bare verb."""
    position = len(words) - 1
    while position >= 0 and _is_request_tail(tokens[words[position]]):
        position -= 1
    if position < 0 or not (bare or _names_thing(words[:position], tokens)):
        return None
    verb, start = tokens[words[position]], offsets[words[0]]
    if verb.pos in _NOUN_POS:  # 掃除(して): a noun that is the action
        after = words[position + 1] if position + 1 < len(words) else None
        if after is None or tokens[after].key != "スル":
            return None
        return start, offsets[words[position]] + len(verb.surface), ""
    if verb.pos != "動詞":
        return None
    negated = _negated_verb(tokens, words[position])
    if verb.key == "アル" and not negated:
        return None
    voice = _voice(tokens, words[position]) if negated else ""
    if voice:  # 替えられん -> 替えられない, not 替えない (can't is not won't)
        return start, offsets[words[position]], verb.surface + voice + _NEGATIVE
    return start, offsets[words[position]], _negative(verb) if negated else verb.base


def _voice(tokens: tuple[Token, ...], index: int) -> str:
    """The potential, passive or causative auxiliaries right after a verb (られ, せ), as written."""
    return "".join(token.surface for token in _voice_tokens(tokens, index)).removesuffix("ん")


def _voice_tokens(tokens: tuple[Token, ...], index: int) -> list[Token]:
    """The auxiliaries of voice (れる, られる, せる, させる) that follow a verb."""
    found = []
    for token in tokens[index + 1 : index + 3]:
        if token.pos != "助動詞" or token.key not in _VOICE_KEYS:
            break
        found.append(token)
    return found


def _negated_verb(tokens: tuple[Token, ...], index: int) -> bool:
    """A verb said in the negative: by itself (読めん), or by the words after (読めない, 読め|ん),
    also past a potential or causative auxiliary (替えられん, 行かせられん)."""
    voice = _voice_tokens(tokens, index)
    if voice and voice[-1].surface.endswith("ん"):
        return True  # られん, れん: the dialect negative fused into the auxiliary
    index += len(voice)
    verb, following = tokens[index], tokens[index + 1 : index + 3]
    if verb.negation or any(t.negation for t in following):
        return True
    # 読めんです is tagged 読め (imperative) + ん (nominaliser), 見えんと 見え + んと (filler):
    # dialect negatives all the same
    return (
        bool(following)
        and following[0].surface in ("ん", "んと")
        and verb.cform.startswith(("未然形", "命令形", "連用形-一般"))
    )


def _is_request_tail(token: Token) -> bool:
    """Particles, auxiliaries and asking verbs that close a request (手伝ってもらえませんか)."""
    if token.pos in _TAIL_POS or _asks_for_someone(token):
        return True
    return token.pos in ("動詞", "形容詞") and token.key in _REQUEST_KEYS


def _names_thing(words: list[int], tokens: tuple[Token, ...]) -> bool:
    """Whether the words hold a noun other than the person asked for (電球, not 人)."""
    return any(tokens[i].pos in _NOUN_POS and not _asks_for_someone(tokens[i]) for i in words)


def _asks_for_someone(token: Token) -> bool:
    """方 / 人 / 誰か in 直してくれる人(いますか): the person asked for, not the need."""
    return token.pos in ("名詞", "代名詞") and token.key in _PERSON_KEYS


def _negative(verb: Token) -> str:
    """Plain negative of a verb (ありません -> ない, 届きません -> 届かない, 動けません -> 動けない)."""
    base = verb.base
    if verb.key == "アル":
        return _NEGATIVE
    if verb.cform.startswith(("未然形", "命令形")) and not verb.negation:
        return verb.surface + _NEGATIVE  # 動か|ん, 読め|ん: the stem as written, then ない
    if verb.ctype.startswith("五段") and base[-1:] in _GODAN_NEGATIVE:
        return base[:-1] + _GODAN_NEGATIVE[base[-1]] + _NEGATIVE
    return base[:-1] + _NEGATIVE  # 一段: 動ける -> 動けない (する/来る only ask, never reach here)


def _noun_span(
    words: list[int], analysis: Analysis, offsets: list[int], weighted: bool = False
) -> tuple[int, int, str] | None:
    """(start, end, "") of the noun phrase that names the need (犬の散歩, 燃えるゴミ)."""
    tokens = analysis.message.tokens
    weights = {h.start: h.weight for h in analysis.hits if h.label.startswith("category:")}
    chains = [c for c in _noun_chains(words, tokens) if not weighted or any(i in weights for i in c)]
    if not chains:
        return None
    best = max(chains, key=lambda chain: _rank(chain, tokens, set(words), weights))
    return offsets[best[0]], offsets[best[-1]] + len(tokens[best[-1]].surface), ""


def _rank(chain: list[int], tokens: tuple[Token, ...], kept: set[int], weights: dict[int, float]) -> tuple:
    """Prefer chains with need words, then the object (犬の散歩を), then weight, then the later one."""
    weight = sum(weights.get(i, 0.0) for i in chain)
    after = chain[-1] + 1
    marked = after not in kept or tokens[after].surface in _OBJECT_MARKS
    return weight > 0, marked, weight, chain[0]


def _noun_chains(words: list[int], tokens: tuple[Token, ...]) -> list[list[int]]:
    """Runs of adjacent nouns joined by の or led by a modifying verb (燃えるゴミ, 母の家の庭)."""
    chains: list[list[int]] = []
    current: list[int] = []
    kept = set(words)
    for index in words:
        token = tokens[index]
        links = index + 1 in kept and tokens[index + 1].pos in _NOUN_POS
        possessor = index + 2 in kept and tokens[index + 1].surface == "の" and tokens[index + 2].pos in _NOUN_POS
        modifies = links and (token.surface == "の" or token.pos in ("動詞", "形容詞"))
        joins = token.pos in _NOUN_POS or possessor or modifies
        if current and (not joins or _asks_for_someone(token) or current[-1] != index - 1):
            chains.append(current)
            current = []
        if joins and not _asks_for_someone(token):
            current.append(index)
    chains = [c for c in chains + [current] if c]
    return [c for c in chains if any(tokens[i].pos in _NOUN_POS for i in c)]


def _shorten(text: str) -> str:
    """Cut to the maximum length with an ellipsis."""
    text = text.strip(" 、,")
    return text if len(text) <= MAX_LENGTH else text[: MAX_LENGTH - 1] + "…"
