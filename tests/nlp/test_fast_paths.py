"""The fast paths of understanding read every message exactly as their plain counterparts do."""

from bot.nlp.evaluate import CORPUS_DIR, read_rows
from bot.nlp.normalise import normalise
from bot.nlp.tagger import node_lines, tagged_lines

ODD_TEXTS = ["", "ですます", '「"引用",符号」と、カンマ', "ｱｼﾀ ｺﾞﾐ 🙂", "x\ry\x0cz\u2028w\x85", "a\x7fb\u3000c"]


def _messages() -> list[str]:
    """Every Japanese training message, normalised as understanding does, and some odd texts."""
    return [normalise(row["text"]) for row in read_rows(CORPUS_DIR / "train_ja.jsonl")] + ODD_TEXTS


def test_the_tagger_output_read_in_one_piece_gives_the_same_words_as_node_by_node() -> None:
    for text in _messages():
        assert tagged_lines(text) == node_lines(text), text
