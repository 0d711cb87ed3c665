"""The fast paths of understanding read every message exactly as their plain counterparts do."""

import random

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from bot.nlp.classify import analyse
from bot.nlp.evaluate import CORPUS_DIR, read_rows
from bot.nlp.learned import LEARNED_LANGUAGES, model, sums_exact
from bot.nlp.matcher import FUZZY_THRESHOLD, Message, fewest_pairs, fuzzy_hits
from bot.nlp.normalise import normalise
from bot.nlp.tagger import node_lines, tagged_lines
from bot.nlp.vocab import Vocabulary, character_pairs, load_vocabulary

ODD_TEXTS = ["", "ですます", '「"引用",符号」と、カンマ', "ｱｼﾀ ｺﾞﾐ 🙂", "x\ry\x0cz\u2028w\x85", "a\x7fb\u3000c"]


def _messages() -> list[str]:
    """Every Japanese training message, normalised as understanding does, and some odd texts."""
    return [normalise(row["text"]) for row in read_rows(CORPUS_DIR / "train_ja.jsonl")] + ODD_TEXTS


def test_the_tagger_output_read_in_one_piece_gives_the_same_words_as_node_by_node() -> None:
    for text in _messages():
        assert tagged_lines(text) == node_lines(text), text


def _every_spelling_scored(message: Message, vocabulary: Vocabulary) -> list[str]:
    """The fuzzy hits' terms found by scoring every fuzzy spelling of the vocabulary."""
    if message.language == "en":
        query, scorer = [t.kana for t in message.tokens if len(t.kana) >= 5], fuzz.ratio
    else:
        query, scorer = [message.stream], fuzz.partial_ratio
    every = dict(enumerate(vocabulary.fuzzy_kanas))
    numbers = {
        vocabulary.fuzzy_terms[index]
        for text in query
        for _, _, index in process.extract(text, every, scorer=scorer, score_cutoff=FUZZY_THRESHOLD, limit=None)
    }
    return sorted(vocabulary.terms[number].text for number in numbers)


def test_typos_are_found_scoring_only_the_spellings_that_share_enough_pairs_with_the_message() -> None:
    texts = [row["text"] for name in ("train_ja.jsonl", "en-train.jsonl") for row in read_rows(CORPUS_DIR / name)]
    for text in texts + ["すまほのせっていおしえて", "ごみだしおねがいしまう", "Can someone wlak my dgo?"]:
        analysis = analyse(text)
        vocabulary = load_vocabulary(analysis.language)
        found = sorted(hit.term for hit in fuzzy_hits(analysis.message, vocabulary))
        assert found == _every_spelling_scored(analysis.message, vocabulary), text


def test_a_spelling_scoring_the_threshold_has_at_least_the_fewest_pairs_in_the_text() -> None:
    draw = random.Random(9)
    for _ in range(20_000):
        spelling = "".join(draw.choices("あいうえおかきく", k=draw.randint(4, 12)))
        text = list(spelling)
        for _ in range(draw.randint(0, 3)):  # a typo or three: a letter changed, dropped or added
            place = draw.randrange(len(text))
            text[place : place + 1] = draw.choice([[draw.choice("あいかさ")], [], [text[place], "た"]])
        text = "".join(draw.choices("あいさ", k=draw.randint(0, 6))) + "".join(text)
        pairs = character_pairs(text)
        shared = sum(spelling[i : i + 2] in pairs for i in range(len(spelling) - 1))
        for partial, scorer in ((True, fuzz.partial_ratio), (False, fuzz.ratio)):
            if scorer(text, spelling) >= FUZZY_THRESHOLD:
                assert shared >= fewest_pairs(len(spelling), len(text), partial), (text, spelling)


def test_the_compiled_row_sums_give_numpys_float32_sums_bit_for_bit() -> None:
    pytest.importorskip("librt.vecs")  # (installed with mypyc, which compiles bot/nlp)
    from bot.nlp.sums import Doubles

    draw = np.random.default_rng(11)
    shipped = [m.weights for m in map(model, LEARNED_LANGUAGES) if m is not None]
    # and weights of every scale, half of them sums that fall exactly halfway between two float32s
    scales = 2.0 ** draw.integers(-30, 8, (2000, 1))
    wide = (draw.standard_normal((2000, 25)) * scales).astype(np.float32)
    halves = (np.spacing(wide[:1000]) / 2 * draw.integers(-3, 4, (1000, 25))).astype(np.float32)
    for weights in [*shipped, np.vstack([wide, halves])]:
        assert sums_exact(weights)
        doubles = Doubles(weights)
        for _ in range(300):
            rows = [int(row) for row in draw.integers(0, len(weights), draw.integers(1, 120))]
            assert doubles.summed(list(rows)) == np.add.reduce(weights[rows], 0).tolist(), rows
