"""Japanese (and English) understanding of chat messages: intent, category, when, summary."""

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
