"""Find vocabulary terms in a tokenized message: lemmas, readings, then fuzzy readings."""

import math
from bisect import bisect_right
from typing import Final, cast

from rapidfuzz import fuzz, process

from bot.kinds import KEYS
from bot.nlp.tagger import Token, is_kana
from bot.nlp.vocab import (
    MIN_SUBSTRING,
    MIN_SUBSTRING_KANA_ONLY,
    Term,
    Vocabulary,
    character_pairs,
)

FUZZY_THRESHOLD: Final = 86.0
FUZZY_DISCOUNT: Final = 0.7
_EN_SKIPPABLE: Final = frozenset({"not", "the", "a", "an", "my", "me", "to", "up", "some", "any", "it", "out"})
_CHAIN_POS: Final = frozenset({"助詞", "助動詞"})
_CHAIN_KEYS: Final = frozenset({"スル", "デキル", "イル", "アル", "ナル", "レル", "ラレル", "セル", "オル", "ヤル"})
# Kinds of help: あげる after て (見て|あげる: for you) is not the 上げる of a kind.
_KINDS: Final = frozenset(f"category:{kind}" for kind in KEYS)
GRAM: Final = 3  # the width of Message.grams (the learned model's reading features are these pieces)
# A number term (110, 119) inside an address or a number is not said as that word: 3-2-110,
# 3丁目110番地, 1-119号 (keys: what is joined to the number before it and after it).
_JOINED_BEFORE: Final = frozenset({"-", "−", "‐", "－", "ー", "チョウメ"})
_JOINED_AFTER: Final = frozenset({"-", "−", "‐", "－", "ー", "バンチ", "ゴウ"})
# The terms a word starts: (number, term, its other words) each, the number as an object (compiled,
# bot/compiled.py, an int is boxed again, a new int object, each time it is looked up among the found).
Starting = tuple[tuple[object, Term, tuple[Token, ...]], ...]


class Hit:
    """A term found in the message: what it is evidence for, where, and whether negated.

    A plain class with Final attributes, as bot.nlp.classify.Analysis (never changed: a hit read
    otherwise is a new one): compiled (bot/compiled.py), it is built in a fifth of the instructions
    a NamedTuple takes through tuple.__new__ (~240 against ~1,150), and several are made a message."""

    def __init__(
        self, label: str, weight: float, term: str, clause: int, negated: bool, start: int = 0, end: int = 0
    ) -> None:
        self.label: Final = label
        self.weight: Final = weight
        self.term: Final = term
        self.clause: Final = clause
        self.negated: Final = negated
        self.start: Final = start
        self.end: Final = end

    def as_negated(self) -> "Hit":
        """The same hit, read as negated."""
        return Hit(self.label, self.weight, self.term, self.clause, True, self.start, self.end)

    def _fields(self) -> tuple[str, float, str, int, bool, int, int]:
        return self.label, self.weight, self.term, self.clause, self.negated, self.start, self.end

    def __eq__(self, other: object) -> bool:
        return self._fields() == other._fields() if isinstance(other, Hit) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return "Hit({!r}, {!r}, {!r}, {!r}, {!r}, {!r}, {!r})".format(*self._fields())


class Message:
    """A tokenized message with clause numbers and its reading as one string (a plain class with
    Final attributes, as Hit: built once a message, never changed)."""

    def __init__(
        self,
        tokens: tuple[Token, ...],
        language: str,
        clauses: tuple[int, ...],
        stream: str,
        words: tuple[int, ...],
        kana_only: bool,
        edges: tuple[int, ...],
        grams: tuple[str, ...],
    ) -> None:
        self.tokens: Final = tokens
        self.language: Final = language
        self.clauses: Final = clauses
        self.stream: Final = stream
        self.words: Final = words  # the tokens read into the stream, by number (punctuation is not read)
        self.kana_only: Final = kana_only
        # where each word read starts in the stream, and where the last ends: every word read has a
        # reading (its kana, else its surface), so a character's token is found by bisection
        self.edges: Final = edges
        self.grams: Final = grams  # the reading's pieces of GRAM characters, one starting at each character


def prepare(tokens: tuple[Token, ...], language: str) -> Message:
    """Number clauses and build the reading stream with its words and their edges."""
    clauses, words, parts, edges, clause, length = [], [], [], [0], 0, 0
    spaced = language == "en"
    for index, token in enumerate(tokens):
        clauses.append(clause)
        if token.boundary:
            clause += 1
            if spaced:
                continue
        if token.mark:  # punctuation is not read
            continue
        piece = token.kana + " " if spaced else token.kana
        parts.append(piece)
        words.append(index)
        length += len(piece)
        edges.append(length)
    kana_only = not any(token.kanji for token in tokens)
    stream = "".join(parts)
    grams = tuple([stream[i : i + GRAM] for i in range(len(stream) - GRAM + 1)])
    return Message(tokens, language, tuple(clauses), stream, tuple(words), kana_only, tuple(edges), grams)


def _skippable(token: Token, language: str) -> bool:
    """Words that may stand between the words of a term (particles, articles, not)."""
    return token.pos == "助詞" if language != "en" else token.key in _EN_SKIPPABLE


def _same_word(token: Token, wanted: Token) -> bool:
    """Same lemma; or same reading when either side is written in kana (ごみ/塵, すてる/捨てる)."""
    if token.key != wanted.key:
        return False
    if wanted.pos == "word" and wanted.past and not token.past:
        return False  # English: "took out the" (done) is not "take out the" (a request)
    if token.pos == "動詞" and wanted.pos == "動詞" and token.ctype[:2] != wanted.ctype[:2]:
        return False  # 手伝える (can help) is not 手伝う (help me)
    if token.lemma == wanted.lemma or token.written_in_kana or wanted.written_in_kana:
        return token.pos not in _CHAIN_POS or wanted.pos in _CHAIN_POS
    return False


def _first_words(vocabulary: Vocabulary, token: Token) -> Starting:
    """Terms whose first word is this token, as (number, term, its other words), worked out once
    per token and kept on it (tokens are cached words)."""
    kept = token.starts
    if kept and kept[0][0] is vocabulary:
        return cast(Starting, kept[0][1])
    # (another vocabulary's terms are replaced: a word is met in messages of one language)
    terms = vocabulary.terms
    starting = tuple(
        (n, terms[n], terms[n].tokens[1:])
        for n in vocabulary.by_first_key.get(token.key, ())
        if _same_word(token, terms[n].tokens[0])
    )
    kept[:] = [(vocabulary, starting)]
    return starting


def _match_rest(message: Message, start: int, rest: tuple[Token, ...]) -> int | None:
    """End index of a term whose first word is at `start` and whose other words are `rest`,
    allowing one skippable word between."""
    tokens = message.tokens
    position = start + 1
    for wanted in rest:
        if position < len(tokens) and _same_word(tokens[position], wanted):
            position += 1
        elif (
            position + 1 < len(tokens)
            and _skippable(tokens[position], message.language)
            and _same_word(tokens[position + 1], wanted)
        ):
            position += 2
        else:
            return None
    return position


def _negated(message: Message, start: int, end: int) -> bool:
    """Japanese: a negation in the verb chain after the term; English: just before or inside."""
    tokens = message.tokens
    if message.language == "en":
        clause = message.clauses[start]
        return any(tokens[i].negation and message.clauses[i] == clause for i in range(max(0, start - 3), end))
    if tokens[end - 1].negation:
        return True
    for index in range(end, min(end + 5, len(tokens))):  # (no slice of the tokens built per hit)
        token = tokens[index]
        if token.negation:
            return True
        if token.boundary or not (token.pos in _CHAIN_POS or token.key in _CHAIN_KEYS):
            return False
    return False


def _hit(term: Term, message: Message, start: int, end: int, weight: float) -> Hit:
    """Build a hit for a term spanning tokens start..end (a term that says ない is not negated)."""
    negated = not term.says_negation and _negated(message, start, end)
    label = term.negated_label if negated and term.negated_label else term.label
    return Hit(label, weight, term.text, message.clauses[start], negated, start, end)


def _token_hits(message: Message, vocabulary: Vocabulary) -> dict[object, Hit]:
    """Terms whose lemma keys occur in order in the message, by term number (an int object)."""
    found: dict[object, Hit] = {}
    tokens = message.tokens
    # the keys of the next two words: a term's second word is one of them (one word may be skipped)
    keys = [t.key for t in tokens] + ["", ""]
    for start, token in enumerate(tokens):
        # _first_words, inlined: it runs for every word of every message (an attribute read, where
        # a dict of words by id() boxed an int and hashed it for each)
        kept = token.starts
        entry = kept[0] if kept else None
        starting = (
            cast(Starting, entry[1])
            if entry is not None and entry[0] is vocabulary
            else _first_words(vocabulary, token)
        )
        for number, term, rest in starting:
            if number in found:
                continue
            if not rest:
                if token.key.isdigit() and _inside_a_number(keys, start):
                    continue
                if token.key == "アゲル" and start and keys[start - 1] == "テ" and term.label in _KINDS:
                    continue  # 見て|あげる (I'll look at it for you) lifts nothing: not 上げる (tidying)
                end: int | None = start + 1
            elif rest[0].key in (keys[start + 1], keys[start + 2]):
                end = _match_rest(message, start, rest)
            else:
                continue
            if end is not None:
                found[number] = _hit(term, message, start, end, term.weight)
    return found


def _inside_a_number(keys: list[str], index: int) -> bool:
    """Whether the number at `index` is part of an address or a longer number (see _JOINED_BEFORE)."""
    before = keys[index - 1] if index else ""
    after = keys[index + 1]
    return before in _JOINED_BEFORE or before.isdigit() or after in _JOINED_AFTER or after.isdigit()


def _kana_hits(message: Message, vocabulary: Vocabulary, found: dict[object, Hit]) -> None:
    """Add terms found in the reading stream (kana-written words tokenize badly)."""
    stream, by_kana_start, width = message.stream, vocabulary.by_kana_start, MIN_SUBSTRING_KANA_ONLY
    for number in vocabulary.by_short_kana.get(stream, ()):
        _add_kana_hit(message, vocabulary, found, 0, len(stream), number)
    # Only the few places where a reading can start are visited.
    pieces = message.grams if width == GRAM else [stream[i : i + width] for i in range(len(stream) - width + 1)]
    for index, piece in enumerate(pieces):
        candidates = by_kana_start.get(piece)
        if candidates is None:
            continue
        for kana, number in candidates:
            # the piece is the reading's first `width` characters: only a longer one is compared
            # (a slice and ==: compiled, startswith with a position is a method looked up by name)
            length = len(kana)
            if number not in found and (length == width or stream[index : index + length] == kana):
                _add_kana_hit(message, vocabulary, found, index, length, number)


def _add_kana_hit(
    message: Message, vocabulary: Vocabulary, found: dict[object, Hit], index: int, length: int, number: int
) -> None:
    """Record a term seen in the reading at index, unless found already or not on fitting edges."""
    term = vocabulary.terms[number]
    if number not in found and _substring_counts(message, index, length, term.written_in_kana):
        start, end = _token_at(message, index), _token_at(message, index + length - 1) + 1
        found[number] = _hit(term, message, start, end, term.weight)


def _token_at(message: Message, position: int) -> int:
    """The number of the token a character of the reading comes from."""
    return message.words[bisect_right(message.edges, position) - 1]


def _substring_counts(message: Message, index: int, length: int, kana_term: bool) -> bool:
    """Inside kana-written words anywhere; elsewhere only long and on word edges."""
    if message.kana_only or ((kana_term or length >= MIN_SUBSTRING) and _in_kana_words(message, index, length)):
        return True
    return length >= MIN_SUBSTRING and index in message.edges and index + length in message.edges


def _in_kana_words(message: Message, index: int, length: int) -> bool:
    """Whether a stretch of the reading comes from words written in kana (すまほ, でんきゅう)."""
    first, last = bisect_right(message.edges, index) - 1, bisect_right(message.edges, index + length - 1)
    return all(is_kana(message.tokens[i].surface) for i in message.words[first:last])


def find_hits(message: Message, vocabulary: Vocabulary) -> list[Hit]:
    """All terms of the vocabulary present in the message, by lemma or by reading."""
    found = _token_hits(message, vocabulary)
    if message.language != "en" and message.stream:
        _kana_hits(message, vocabulary, found)
    return _outermost(list(found.values()))


def _family(hit: Hit) -> str:
    """ "cue" or "category": a longer phrase only hides shorter ones of its own family."""
    return hit.label.split(":", 1)[0]


def _outermost(hits: list[Hit]) -> list[Hit]:
    """Drop hits inside a longer hit (できる inside 自分でできる) and same-label repeats."""
    if len(hits) < 2:
        return hits
    kept: list[Hit] = []
    for hit in _longest_first(hits):
        start, end = hit.start, hit.end
        for other in kept:  # (only a hit around this one can hide it: checked here, it is quicker)
            if other.start <= start and end <= other.end and _hides(other, hit):
                break
        else:
            kept.append(hit)
    return kept


def _longest_first(hits: list[Hit]) -> list[Hit]:
    """The hits, longer spans first, equal spans in their order (as a stable sort by length)."""
    # an insertion sort: a message has a handful of hits, and compiled it compares two ints where
    # sorted() called a key function back through Python for each hit (~500 instructions a hit)
    ordered: list[Hit] = []
    for hit in hits:
        span = hit.end - hit.start
        place = len(ordered)
        while place and ordered[place - 1].end - ordered[place - 1].start < span:
            place -= 1
        ordered.insert(place, hit)
    return ordered


def _hides(kept: Hit, hit: Hit) -> bool:
    """A longer hit of the same family around it, or the same label on the same words."""
    if kept.start > hit.start or hit.end > kept.end:
        return False
    if kept.end - kept.start > hit.end - hit.start:
        return _family(kept) == _family(hit)
    return kept.label == hit.label and (kept.start, kept.end) == (hit.start, hit.end)


def fuzzy_hits(message: Message, vocabulary: Vocabulary) -> list[Hit]:
    """Near spellings (typos) of category words, on readings, discounted."""
    if message.language == "en":
        query = [t.kana for t in message.tokens if len(t.kana) >= 5]
        scorer = fuzz.ratio
    else:
        query, scorer = [message.stream], fuzz.partial_ratio
    best: dict[int, float] = {}
    for text in query:
        choices = _fuzzy_choices(text, vocabulary, scorer is fuzz.partial_ratio)
        if not choices:
            continue
        for _, score, index in process.extract(text, choices, scorer=scorer, score_cutoff=FUZZY_THRESHOLD, limit=None):
            number = vocabulary.fuzzy_terms[index]
            best[number] = max(score, best.get(number, 0.0))
    terms = [vocabulary.terms[number] for number in best]
    return [Hit(t.label, t.weight * FUZZY_DISCOUNT, t.text, 0, False, 0, 0) for t in terms]


def _fuzzy_choices(text: str, vocabulary: Vocabulary, partial: bool) -> dict[int, str]:
    """Fuzzy spellings (by number) with enough of their character pairs in the text to score
    FUZZY_THRESHOLD against it (fewest_pairs): the only ones worth scoring."""
    kanas = vocabulary.fuzzy_kanas
    if len(text) < 2:
        return dict(enumerate(kanas))
    numbers: set[int] = set()
    shared = [0] * len(kanas)
    for pair in character_pairs(text):
        numbers.update(vocabulary.fuzzy_by_pair.get(pair, ()))
        for number in vocabulary.fuzzy_pair_places.get(pair, ()):
            shared[number] += 1
    fewest = _FEWEST[len(text), partial]
    longest = len(fewest) - 1
    # (in the set's order: equal scores come out in the order of the choices, and so do the hits)
    choices = {}
    for number in numbers:
        kana = kanas[number]
        if (partial or len(kana) <= longest) and shared[number] >= fewest[min(len(kana), longest)]:
            choices[number] = kana  # (a ratio cannot reach the threshold with a longer spelling)
    return choices


class _FewestPairs(dict[tuple[int, bool], tuple[int, ...]]):
    """fewest_pairs by spelling length, up to twice the text's and one, for a text's length and
    scorer, worked out once (partial_ratio: a longer spelling needs what one of the text's length
    does; ratio: a longer one cannot score)."""

    def __missing__(self, key: tuple[int, bool]) -> tuple[int, ...]:
        text, partial = key
        fewest = self[key] = tuple(fewest_pairs(length, text, partial) for length in range(2 * text + 2))
        return fewest


def fewest_pairs(spelling: int, text: int, partial: bool) -> int:
    """How many of its neighbouring character pairs a spelling (of this length) must have in a text
    (of this length) to score FUZZY_THRESHOLD against it (more than it has: it cannot).

    rapidfuzz's ratio of strings of lengths L and W is 2C / (L + W), C their longest common
    subsequence; partial_ratio is the best ratio of the shorter (L) with a stretch of the other
    (W <= L). Of the C - 1 pairs of neighbours in that subsequence, at most L - C have a gap in one
    string and W - C in the other: at least 3C - 1 - L - W stand side by side in both, each at its
    own place in the spelling."""
    share = FUZZY_THRESHOLD / 100 - 1e-9  # (a margin for rapidfuzz's rounding lets more through)
    if partial:  # the shorter string, and stretches of the other up to its length
        length = min(spelling, text)
        widths = range(length + 1)
    else:
        length, widths = spelling, range(text, text + 1)
    fewest = spelling
    for width in widths:
        common = math.ceil(share * (length + width) / 2)
        if common <= min(length, width):
            fewest = min(fewest, 3 * common - 1 - length - width)
    return fewest


_FEWEST: Final = _FewestPairs()
