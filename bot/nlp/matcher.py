"""Find vocabulary terms in a tokenized message: lemmas, readings, then fuzzy readings."""

from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.nlp.tagger import Token
from bot.nlp.vocab import MIN_SUBSTRING, Term, Vocabulary

FUZZY_THRESHOLD = 86.0
FUZZY_MIN_LENGTH = 4
FUZZY_DISCOUNT = 0.7
_EN_SKIPPABLE = frozenset({"not", "the", "a", "an", "my", "me", "to", "up", "some", "any", "it", "out"})
_CHAIN_POS = frozenset({"助詞", "助動詞"})
_CHAIN_KEYS = frozenset({"スル", "デキル", "イル", "アル", "ナル", "レル", "ラレル", "セル", "オル", "ヤル"})


@dataclass(frozen=True, slots=True)
class Hit:
    """A term found in the message: what it is evidence for, where, and whether negated."""

    label: str
    weight: float
    term: str
    clause: int
    negated: bool

    @property
    def effective_label(self) -> str | None:
        """The label this hit counts for once negation is applied (None: ignored)."""
        return self.label


@dataclass(frozen=True)
class Message:
    """A tokenized message with clause numbers and its reading as one string."""

    tokens: tuple[Token, ...]
    language: str
    clauses: tuple[int, ...]
    stream: str
    offsets: tuple[int, ...]


def prepare(tokens: tuple[Token, ...], language: str) -> Message:
    """Number clauses and build the reading stream with a char->token map."""
    clauses, offsets, parts, clause = [], [], [], 0
    for index, token in enumerate(tokens):
        clauses.append(clause)
        clause += token.boundary
        if token.pos in ("補助記号", "空白") or (language == "en" and token.boundary):
            continue
        piece = token.kana + (" " if language == "en" else "")
        parts.append(piece)
        offsets.extend([index] * len(piece))
    return Message(tokens, language, tuple(clauses), "".join(parts), tuple(offsets))


def _skippable(token: Token, language: str) -> bool:
    """Words that may stand between the words of a term (particles, articles, not)."""
    return token.pos == "助詞" if language != "en" else token.key in _EN_SKIPPABLE


def _match_at(message: Message, start: int, keys: tuple[str, ...]) -> int | None:
    """End index of the term starting at `start`, allowing one skippable word between."""
    tokens, position = message.tokens, start + 1
    for key in keys[1:]:
        if position < len(tokens) and tokens[position].key == key:
            position += 1
        elif (position + 1 < len(tokens) and _skippable(tokens[position], message.language)
              and tokens[position + 1].key == key):
            position += 2
        else:
            return None
    return position


def _negated(message: Message, start: int, end: int) -> bool:
    """Japanese: a negation in the verb chain after the term; English: just before or inside."""
    tokens = message.tokens
    if message.language == "en":
        window = tokens[max(0, start - 3):end]
        return any(t.negation for t in window if message.clauses[tokens.index(t)] == message.clauses[start])
    if any(t.negation for t in tokens[start:end]):
        return True
    for token in tokens[end:end + 5]:
        if token.negation:
            return True
        if token.boundary or not (token.pos in _CHAIN_POS or token.key in _CHAIN_KEYS):
            return False
    return False


def _hit(term: Term, message: Message, start: int, end: int, weight: float) -> Hit:
    """Build a hit for a term spanning tokens start..end."""
    negated = _negated(message, start, end)
    label = term.negated_label if negated and term.negated_label else term.label
    return Hit(label, weight, term.text, message.clauses[start], negated)


def _token_hits(message: Message, vocabulary: Vocabulary) -> dict[Term, Hit]:
    """Terms whose lemma keys occur in order in the message."""
    found: dict[Term, Hit] = {}
    for start, token in enumerate(message.tokens):
        for term in vocabulary.by_first_key.get(token.key, ()):
            end = _match_at(message, start, term.keys)
            if end is not None and term not in found:
                found[term] = _hit(term, message, start, end, term.weight)
    return found


def _kana_hit(term: Term, message: Message) -> Hit | None:
    """A term found in the reading stream (kana-only messages tokenize badly)."""
    stream = message.stream
    for kana in term.kanas:
        if kana == stream.strip() or (len(kana) >= MIN_SUBSTRING and kana in stream):
            index = stream.find(kana)
            start = message.offsets[index]
            end = message.offsets[min(index + len(kana), len(stream)) - 1] + 1
            return _hit(term, message, start, end, term.weight)
    return None


def find_hits(message: Message, vocabulary: Vocabulary) -> list[Hit]:
    """All terms of the vocabulary present in the message, by lemma or by reading."""
    found = _token_hits(message, vocabulary)
    if message.language != "en" and message.stream:
        for term in vocabulary.terms:
            if term not in found and (hit := _kana_hit(term, message)):
                found[term] = hit
    return list(found.values())


def fuzzy_hits(message: Message, vocabulary: Vocabulary, prefix: str) -> list[Hit]:
    """Near spellings (typos) of terms whose label starts with `prefix`, discounted."""
    hits = []
    for term in vocabulary.terms:
        if not term.label.startswith(prefix):
            continue
        score = max((_fuzzy_score(kana, message) for kana in term.kanas), default=0.0)
        if score >= FUZZY_THRESHOLD:
            hits.append(Hit(term.label, term.weight * FUZZY_DISCOUNT, term.text, 0, False))
    return hits


def _fuzzy_score(kana: str, message: Message) -> float:
    """Best partial similarity of a term's reading to the message reading."""
    if len(kana.replace(" ", "")) < FUZZY_MIN_LENGTH:
        return 0.0
    if message.language == "en":
        return max((fuzz.ratio(kana, t.kana) for t in message.tokens if len(t.kana) >= 5), default=0.0) \
            if " " not in kana else fuzz.partial_ratio(kana, message.stream)
    return fuzz.partial_ratio(kana, message.stream, score_cutoff=FUZZY_THRESHOLD)
