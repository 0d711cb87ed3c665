"""One table of kinds of help: every kind has words to be understood by and a name in every locale."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot import kinds
from bot.i18n import catalog, locales
from bot.nlp import CATEGORIES
from bot.nlp.evaluate import CORPUS_DIR, read_rows
from bot.timebank.ledger import default_minutes

VOCABULARIES = sorted((Path(kinds.__file__).parent / "nlp" / "vocab").glob("*.toml"))


def test_kinds_have_unique_keys_and_other_comes_last():
    assert len(set(kinds.KEYS)) == len(kinds.KEYS)
    assert kinds.KEYS[-1] == "other"
    assert all(kind.minutes > 0 and kind.icon for kind in kinds.KINDS)


@pytest.mark.parametrize("locale", locales())
def test_every_kind_has_a_name_in_every_locale(locale):
    texts = catalog(locale)
    assert [k for k in kinds.KEYS if not texts.get(f"request.kind.{k}")] == []


@pytest.mark.parametrize("path", VOCABULARIES, ids=lambda p: p.stem)
def test_every_kind_has_words_in_every_vocabulary(path):
    categories = tomllib.loads(path.read_text(encoding="utf-8")).get("category", {})
    have_words = {
        key for key, lists in categories.items() if any(isinstance(words, list) and words for words in lists.values())
    }
    # "other" is what is left when no kind's words are found, so it needs none.
    assert [k for k in kinds.KEYS if k != "other" and k not in have_words] == []
    assert set(categories) <= set(kinds.KEYS), "a vocabulary names a kind the table does not have"


def test_understanding_and_the_time_bank_read_the_table():
    assert CATEGORIES == kinds.KEYS
    assert [default_minutes(k) for k in kinds.KEYS] == [kind.minutes for kind in kinds.KINDS]


def test_every_kind_is_taught_to_the_japanese_learned_layer():
    # The learned layer picks a kind only if its training corpus has requests of that kind.
    taught = {row.get("category") for row in read_rows(CORPUS_DIR / "train_ja.jsonl")}
    assert [k for k in kinds.KEYS if k not in taught] == [], "add requests of the kind to train_ja.jsonl and retrain"
