"""Match a helper's free-text experience to help categories and to requests."""

from rapidfuzz import fuzz

from bot.nlp.classify import CATEGORIES, Analysis, analyse
from bot.nlp.language import detect
from bot.nlp.lexical import LANGUAGES as LEXICAL_LANGUAGES
from bot.nlp.lexical_classify import skill_points
from bot.nlp.vocab import load_vocabulary

_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "word"})
_SKILL_POINTS = 3.0
_MIN_POINTS = 2.0


def _skill_scores(analysis: Analysis) -> dict[str, float]:
    """Category points from category words plus the [skill.*] words (大工, 看護師...). Every
    clause counts: "I can do rubbish" is what a helper offers, not a need they handle themselves."""
    scores: dict[str, float] = {}
    for hit in analysis.hits:
        if hit.label.startswith("category:") and not hit.negated:
            category = hit.label.split(":", 1)[1]
            scores[category] = scores.get(category, 0.0) + hit.weight
    vocabulary = load_vocabulary(analysis.language)
    lemmas = {t.lemma for t in analysis.message.tokens} | {t.key for t in analysis.message.tokens}
    for category, words in vocabulary.skills.items():
        for word in words:
            if word in analysis.text or word.lower() in lemmas:
                scores[category] = scores.get(category, 0.0) + _SKILL_POINTS
    return scores


def extract_skills(text: str) -> list[str]:
    """Categories a helper's experience covers, strongest first ("元大工" -> ["repair"])."""
    language = detect(text)
    if language in LEXICAL_LANGUAGES:  # Vietnamese, Chinese, Korean: by their vocabularies
        scores = skill_points(text, language)
    else:
        scores = _skill_scores(analyse(text))
    found = [c for c in CATEGORIES if c != "other" and scores.get(c, 0.0) >= _MIN_POINTS]
    return sorted(found, key=lambda c: -scores[c])


def _content_lemmas(analysis: Analysis) -> set[str]:
    """Lemmas of content words, for overlap between two texts."""
    return {t.lemma for t in analysis.message.tokens if t.pos in _CONTENT_POS and len(t.lemma) > 1}


def experience_terms(text: str) -> dict:
    """What experience_score reads of a text, as JSON data (kept with a master's profile)."""
    analysis = analyse(text)
    return {
        "source": text,
        "text": analysis.text,
        "skills": _skill_scores(analysis),
        "lemmas": sorted(_content_lemmas(analysis)),
    }


def terms_score(experience: dict, request: dict) -> float:
    """0..1: how well an experience fits a request, from the experience_terms of both."""
    skills, needs = experience["skills"], request["skills"]
    need_total = sum(needs.values()) or 1.0
    shared = sum(min(skills.get(c, 0.0), needs[c]) for c in needs if skills.get(c, 0.0) > 0)
    category_fit = min(1.0, shared / need_total * 1.5)
    lemmas_e, lemmas_r = set(experience["lemmas"]), set(request["lemmas"])
    overlap = len(lemmas_e & lemmas_r) / max(1, min(len(lemmas_e), len(lemmas_r)))
    text_fit = fuzz.token_set_ratio(experience["text"], request["text"]) / 100
    return round(min(1.0, 0.7 * category_fit + 0.2 * overlap + 0.1 * text_fit), 3)


def experience_score(experience_text: str, request_text: str) -> float:
    """0..1: how well an experience fits a request (shared categories, lemmas, fuzzy text)."""
    return terms_score(experience_terms(experience_text), experience_terms(request_text))
