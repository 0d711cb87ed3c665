# ruff: noqa: E402 (the compiled modules are chosen before the package imports any of them)
"""Japanese (and English) understanding of chat messages: intent, category, when, summary."""

from bot.compiled import use_compiled

use_compiled()  # before any module of the package is imported: the compiled ones when they match the source

from bot.nlp.classify import CATEGORIES, INTENTS
from bot.nlp.reading import classify
from bot.nlp.district import find_district
from bot.nlp.skills import experience_score, experience_terms, extract_skills, terms_score
from bot.nlp.understanding import Understanding, understand

__all__ = [
    "CATEGORIES",
    "INTENTS",
    "Understanding",
    "classify",
    "experience_score",
    "experience_terms",
    "extract_skills",
    "find_district",
    "terms_score",
    "understand",
]
