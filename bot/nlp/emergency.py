"""An emergency word that the message declines (「119番はしなくていいです」「救急車は要らん」
"no need to call an ambulance"): the person says there is no emergency, so the word is read as
negated, as 「火事ではない」 is. Not a word the person cannot act on: 「救急車を呼べない」 (cannot
call) and "I can't get out" stay emergencies."""

from typing import Final

from bot.nlp.matcher import Hit, Message
from bot.nlp.tagger import Token

_EMERGENCY: Final = "cue:emergency"
# What follows a negated verb when it is not needed (しなくて|いい, 呼ばんで|よか, しないで|ください).
_NOT_NEEDED: Final = ("いい", "良い", "よい", "よか", "大丈夫", "結構", "ください", "下さい", "ほしい", "欲しい")
# A predicate that says, of the word before it, that it is not needed (119番は大丈夫, 救急車は結構).
_NEEDLESS_KEYS: Final = frozenset({"ダイジョウブ", "ケッコウ", "フヨウ", "ヨイ", "イラナイ"})
_SKIPPED_POS: Final = frozenset({"名詞", "接尾辞", "助詞", "接頭辞"})
_WINDOW: Final = 8
# English: a "no", "never" or "do not" standing before the word with only these between
# ("no need to call an ambulance", "don't send the ambulance").
_EN_BETWEEN: Final = frozenset(
    {"need", "to", "call", "an", "a", "the", "for", "send", "get", "phone", "dial", "ring", "necessary", "any"}
)
_EN_CALLING: Final = frozenset({"call", "dial", "phone", "ring"})
_EN_DECLINING: Final = frozenset({"no", "never"})
_EN_AUXILIARIES: Final = frozenset({"do", "does", "did", "is", "are", "was"})


def mark_declined(message: Message, hits: list[Hit]) -> list[Hit]:
    """The hits, an emergency word the message declines read as negated; in English a number
    (119, 110) not said as the number to call ("call 119"; not "room 119") left out."""
    declined = _declined_en if message.language == "en" else _declined_ja
    kept = []
    for hit in hits:
        if hit.label == _EMERGENCY and message.language == "en" and hit.term.isdigit() and not _called(message, hit):
            continue
        if hit.label == _EMERGENCY and not hit.negated and declined(message.tokens, hit):
            hit = hit.as_negated()
        kept.append(hit)
    return kept


def _called(message: Message, hit: Hit) -> bool:
    """Said after call, dial, phone or ring (the matcher already leaves out Japanese numbers
    inside an address)."""
    return any(token.key in _EN_CALLING for token in message.tokens[max(0, hit.start - 3) : hit.start])


def _declined_ja(tokens: tuple[Token, ...], hit: Hit) -> bool:
    """The first predicate after the word says it is not needed or not so."""
    index = hit.end
    while index < min(len(tokens), hit.end + _WINDOW) and tokens[index].pos in _SKIPPED_POS:
        if tokens[index].boundary or tokens[index].pos2 == "接続助詞":
            return False
        index += 1
    if index >= len(tokens) or tokens[index].boundary:
        return False
    predicate, between = tokens[index], {token.surface for token in tokens[hit.end : index]}
    if predicate.key in _NEEDLESS_KEYS or predicate.lemma == "不要":
        return bool(between & {"は", "も"})  # 119番は大丈夫 (not 119番で大丈夫？)
    chain = tokens[index + 1 : index + 4]
    negation = next((n for n, token in enumerate(chain) if token.negation), None)
    if predicate.key == "ダ" or predicate.negation:  # 火事じゃない, 救急車じゃなくて
        return predicate.negation or negation is not None
    if predicate.key == "アル" and "で" in between:  # 火事ではありません
        return negation is not None
    if predicate.pos != "動詞" or negation is None:
        return False
    if predicate.lemma == "要る":  # 救急車は要らん
        return True
    after = "".join(token.surface for token in tokens[index + negation + 2 : index + negation + 6])
    if not after.startswith(("て", "で")):
        return False
    rest = after[1:].removeprefix("も")
    return rest == "" or rest.startswith(_NOT_NEEDED)  # しないで / しなくてもいい / せんでよか


def _declined_en(tokens: tuple[Token, ...], hit: Hit) -> bool:
    """A "no", "never" or "do not" before the word, with only calling words between."""
    index = hit.start - 1
    while index >= 0 and tokens[index].key in _EN_BETWEEN:
        index -= 1
    if index < 0:
        return False
    word = tokens[index].surface
    if word in _EN_DECLINING:
        return True
    return word == "not" and index > 0 and tokens[index - 1].surface in _EN_AUXILIARIES
