"""A favour asked with no need named yet is told by its words alone (request_intake.vague)."""

from bot.handlers.request_intake import _only_vague_words

VIETNAMESE = ["tôi", "cần", "giúp", "đó", "khó", "việc"]
KOREAN = ["부탁", "도와", "좀"]


def test_a_vietnamese_syllable_is_a_vague_word_only_whole():
    assert _only_vague_words("tôi cần giúp việc", VIETNAMESE)
    assert not _only_vague_words("tôi đói", VIETNAMESE)  # đói (hungry) is not đó (that)
    assert not _only_vague_words("giúp khóa", VIETNAMESE)  # khóa (a lock) is not khó (hard)


def test_a_korean_word_may_go_on_with_its_ending():
    assert _only_vague_words("부탁드려도 좀", KOREAN)
