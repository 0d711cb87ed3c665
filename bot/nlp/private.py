"""What a summary must never show (addresses, phone numbers) and what is shown apart (times)."""

import re

# Said separately as `when` / `time_of_day`, so left out of the summary.
_TIME_WORDS = re.compile(
    r"(今日|本日|明日|明後日|あした|あす|あさって|今朝|今夜|今晩|今夕|今週末|来週末|再来週|今週|来週|週末|今度"
    r"|毎週|毎日|今月|来月|土日|平日)(ごろ|頃)?(から|まで)?[にはのも]?"
    r"|(再来週|来週|今週)?の?[月火水木金土日]曜日?の?"
    r"|(\d{1,2}月)?\d{1,2}日の?"
    r"|(午前中|午前|午後|お昼|昼|夕方|朝|夜|晩)?の?\d{1,2}(時(?!間)(半|\d{1,2}分)?|:\d{2})"
    r"(ごろ|頃|くらい|ぐらい)?(から|まで)?に?"
    r"|(午前中|午前|午後|お昼|昼間|昼|夕方|朝|夜|晩)(ごろ|頃)?(から|まで)?[にはの]?"
)
# Addresses (3丁目5番地, 緑ケ丘町1-2-3, 〒123-4567, 302号室) and phone numbers.
_PRIVATE = re.compile(
    r"(\bat\s+)?\+?\d{2,4}[-(]\d{1,4}[-)]\d{3,4}|0\d{9,10}"
    r"|〒?\d{3}-\d{4}"
    r"|[^\s、。,.!?\d]{0,8}?\d+丁目(\d+番地?)?(\d+号)?(\d+(-\d+)*)?"
    r"|[^\s、。,.!?\d]{0,8}?\d+番地?(\d+号)?(\d+(-\d+)*)?"
    r"|[^\s、。,.!?\d]{0,8}?[町村区]\d+(-\d+)+"
    r"|\d+(-\d+){1,3}(号室?)?|\d+号室?"
    r"|\b\d+\s+[A-Z][a-z]+\s+(Street|St|Avenue|Ave|Road|Rd)\b\.?"
)


def hidden_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of time words and private details in a (normalised) message."""
    return [m.span() for m in _TIME_WORDS.finditer(text) if m.group()] + [
        m.span() for m in _PRIVATE.finditer(text) if m.group()
    ]


def redact(text: str) -> str:
    """The text with any address-like part or phone number taken out."""
    return re.sub(r"\s{2,}", " ", _PRIVATE.sub("", text)).strip()
