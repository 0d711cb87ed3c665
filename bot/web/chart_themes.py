"""What residents ask for that fits no kind of help, grouped by the word they share most."""

from __future__ import annotations

from collections import Counter, defaultdict

from bot.nlp.tagger import tokenize

# Words every request has: they name no theme.
COMMON = frozenset(
    {
        "お願い",
        "願い",
        "手伝い",
        "助け",
        "こと",
        "もの",
        "方",
        "人",
        "時",
        "時間",
        "今日",
        "明日",
        "今度",
        "誰",
        "ところ",
        "よう",
        "ため",
        "ちょっと",
        "自分",
        "相談",
        "件",
    }
)
NOUNS = ("普通名詞", "固有名詞")


def words(text: str) -> list[str]:
    """The nouns of a text that could name a theme, in order, each once."""
    found = [
        t.surface
        for t in tokenize(text)
        if t.pos == "名詞" and t.pos2 in NOUNS and t.surface not in COMMON and len(t.surface) > 1
    ]
    return list(dict.fromkeys(found))


def themes(texts: list[str], limit: int = 8) -> list[tuple[str | None, int, list[str]]]:
    """(theme word or None for the rest, how many asked, up to three of their words), largest first.

    Each text joins the theme of its word that most texts share, so the council sees what
    keeps coming back (空き家, 電球, 病院...) rather than a list of single messages.
    """
    per_text = [words(text) for text in texts]
    shared = Counter(word for found in per_text for word in found)
    groups: dict[str | None, list[str]] = defaultdict(list)
    for text, found in zip(texts, per_text):
        best = max(found, key=lambda word: shared[word], default=None)
        groups[best if best and shared[best] > 1 else None].append(text)
    ranked = sorted(
        ((word, len(items), items[:3]) for word, items in groups.items() if word), key=lambda theme: -theme[1]
    )[:limit]
    rest = [text for word, items in groups.items() if word not in {w for w, _, _ in ranked} for text in items]
    return ranked + ([(None, len(rest), rest[:3])] if rest else [])
