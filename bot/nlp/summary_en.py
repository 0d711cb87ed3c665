"""The need in an English message: its first sentence without asking words and times."""

import re

_CLAUSE = re.compile(r"[.!?;,]")
_EMPTY = frozenset({"", "me", "us", "it", "please", "help"})
_ASKING = re.compile(
    r"^(hi|hello|hey|excuse me|sorry)\b[,!]?\s*"
    r"|^(could|can|would|will)\s+(someone|anyone|somebody|you)\s+(please\s+)?(help(\s+me)?\b\s*(to\s+|with\s+)?)?"
    r"|^(i|we)(\s+|')(really\s+)?(need|want|would like|d like)\s+(someone|somebody|help|a hand)?\s*(to\s+|with\s+)?"
    r"|^(is there\s+)?(anyone|someone|somebody)\s+(who\s+)?(can|could)\s+(help(\s+me)?\b\s*(to\s+|with\s+)?)?"
    r"|^(i'm\s+|i\s+am\s+)?looking\s+for\s+(someone|somebody|anyone|help)\s+(to\s+|with\s+|who\s+can\s+)?"
    r"|^please\s+(help(\s+me)?\b\s*(to\s+|with\s+)?)?|^help(\s+me)?\b\s*(to\s+|with\s+)?",
    re.IGNORECASE,
)
_TIMES = re.compile(
    r"\b(on\s+)?(next\s+|this\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(\s+(morning|afternoon|evening|night))?\b"
    r"|\b(at\s+|around\s+|by\s+)?\d{1,2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.|o'clock)"
    r"|\b(the\s+day\s+after\s+)?tomorrow(\s+(morning|afternoon|evening|night))?\b"
    r"|\b(today|tonight|this\s+(morning|afternoon|evening|weekend)|next\s+(week|weekend)|at\s+noon)\b"
    r"|\b(in\s+the\s+)?(morning|afternoon|evening)\b",
    re.IGNORECASE,
)
_TAIL = re.compile(r"[\s,]*(please|for me|thanks|thank you)?[\s,?!.]*$", re.IGNORECASE)


def summarise_en(text: str) -> str:
    """The asking clause (else the first that says something) without 'could someone', times, 'please'."""
    found = []
    for clause in _CLAUSE.split(text):
        clause = _without_times(clause)
        words = _TAIL.sub("", _ASKING.sub("", clause))
        if words.lower() not in _EMPTY:
            found.append((_ASKING.match(clause) is None, words))
    return min(found, key=lambda item: item[0])[1] if found else _without_times(text)


def _without_times(text: str) -> str:
    """The text without day and time expressions (they are shown apart)."""
    return re.sub(r"\s+(?=[?!.,])|(?<=\s)\s+", "", _TIMES.sub("", text)).strip(" ,")
