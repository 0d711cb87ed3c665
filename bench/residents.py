"""The simulated residents of bench.city and bench.replay: what each writes, and how each answers.

Every resident writes a request of their own, as people do: one of the kinds of help, said one of
several ways, with a time or without (then the bot asks), in Japanese mostly and in English,
Chinese, Korean or Vietnamese for some (their LINE profile's language), from one of several
districts. No two residents write the same request text, so that the worker's cache of whole-message
analyses does not read the messages of the many for them. They answer the bot as a person would,
whatever language it speaks to them in: by the buttons it shows (the postback data, not the labels)
and, where it asks for a text, by what its catalog asks (the address, the landmark).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache

DISTRICTS = ("緑ケ丘", "桜町", "本町", "東区", "西原", "川端")
# (language, share of residents); the rest write Japanese.
LANGUAGES = (("en", 0.05), ("zh-Hans", 0.03), ("ko", 0.03), ("vi", 0.03))

# What each kind of help is called in a request, by language: (kind, phrases).
NEEDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "ja": (
        ("garbage", ("ゴミ出し", "ごみ捨て", "粗大ごみを出すの")),
        ("dog_walking", ("犬の散歩", "うちの犬の散歩")),
        ("garden", ("庭の草取り", "庭の手入れ", "庭木の剪定")),
        ("shopping", ("買い物", "スーパーでの買い物", "日用品の買い出し")),
        ("smartphone", ("スマホの使い方", "スマホの設定", "LINEの使い方")),
        ("tidying", ("部屋の片付け", "押し入れの整理", "家の片付け")),
        ("transport", ("病院までの送り迎え", "通院の付き添い")),
        ("repair", ("網戸の修理", "棚の修理", "電球の交換")),
    ),
    "en": (
        ("garbage", ("taking out the rubbish", "taking out my garbage")),
        ("dog_walking", ("walking my dog",)),
        ("garden", ("weeding my garden", "some work in the garden")),
        ("shopping", ("grocery shopping", "the shopping")),
        ("smartphone", ("setting up my smartphone",)),
        ("tidying", ("tidying my room",)),
    ),
    "zh-Hans": (
        ("garbage", ("倒垃圾",)),
        ("dog_walking", ("遛狗",)),
        ("shopping", ("买东西",)),
    ),
    "ko": (
        ("garbage", ("쓰레기 버리기",)),
        ("dog_walking", ("강아지 산책",)),
        ("shopping", ("장보기",)),
    ),
    "vi": (
        ("garbage", ("đổ rác",)),
        ("dog_walking", ("dắt chó đi dạo",)),
        ("shopping", ("đi chợ",)),
    ),
}
# When, by language ("" : not said, the bot asks).
WHENS = {
    "ja": ("明日の朝", "あさっての午後", "今日の夕方", "土曜日の10時ごろ", "来週の月曜日に", ""),
    "en": ("tomorrow morning", "on Saturday afternoon", "the day after tomorrow", ""),
    "zh-Hans": ("明天上午", "后天下午", ""),
    "ko": ("내일 아침에", "모레 오후에", ""),
    "vi": ("sáng mai", "chiều ngày kia", ""),
}
# How a request is put, by language: {need} and {when} filled in.
ASKING = {
    "ja": (
        "{when}{need}をお願いできますか",
        "{when}{need}を手伝ってほしいです",
        "すみません、{when}{need}をお願いしたいのですが",
        "足が悪くて、{when}{need}を頼めますか",
        "こんにちは。{when}{need}を手伝ってくれる方はいませんか",
    ),
    "en": ("Could someone help me with {need} {when}?", "I need help with {need} {when}, please."),
    "zh-Hans": ("{when}能帮我{need}吗？", "我需要有人{when}帮我{need}"),
    "ko": ("{when} {need} 좀 도와주실 수 있나요?", "{when} {need} 도움이 필요해요"),
    "vi": ("Ai có thể giúp tôi {need} {when} không?", "Tôi cần người giúp {need} {when}"),
}
# What only this resident would add, so that no two requests are the same text.
DETAILS = {
    "ja": "（{floor}階の{room}号室です）",
    "en": " (floor {floor}, flat {room})",
    "zh-Hans": "（{floor}楼{room}号房）",
    "ko": " ({floor}층 {room}호)",
    "vi": " (tầng {floor}, phòng {room})",
}
LANDMARKS = {
    "ja": ("公園の近く", "郵便局の裏", "小学校の前の通り", "神社の隣", "駅の北側"),
    "en": ("near the park", "behind the post office"),
    "zh-Hans": ("公园附近",),
    "ko": ("공원 근처",),
    "vi": ("gần công viên",),
}


@dataclass(frozen=True)
class Resident:
    """One simulated resident: their LINE user id, language, district, first message and address."""

    user_id: str
    language: str
    kind: str
    district: str
    request: str
    address: str
    landmark: str


def simulated(count: int, seed: int = 11) -> list[Resident]:
    """`count` residents, the same ones for the same seed."""
    chance = random.Random(seed)
    return [resident(n, chance) for n in range(count)]


def resident(n: int, chance: random.Random) -> Resident:
    language, roll = "ja", chance.random()
    for candidate, share in LANGUAGES:
        if roll < share:
            language = candidate
            break
        roll -= share
    kind, phrases = chance.choice(NEEDS[language])
    when = chance.choice(WHENS[language])
    text = chance.choice(ASKING[language]).format(need=chance.choice(phrases), when=when)
    text = " ".join(text.split()).replace(" ?", "?").replace(" ,", ",").replace(" .", ".")
    district = DISTRICTS[n % len(DISTRICTS)]
    # Numbers of at most two digits (here and in the detail): the bot reads 110 or 119 in a
    # message (「3-2-110」) as an emergency call, which is not what the benches measure.
    address = f"{district}{n // 40 % 99 + 1}-{n % 40 + 1}-5"
    return Resident(
        user_id=f"Ucity{n:028x}",
        language=language,
        kind=kind,
        district=district,
        request=text + DETAILS[language].format(floor=n // 99 % 8 + 2, room=n % 99 + 1),
        address=address,
        landmark=chance.choice(LANDMARKS[language]),
    )


def walk_buttons(node) -> list[tuple[str, str]]:
    """(label, postback data) of every postback action anywhere in a LINE message."""
    found = []
    if isinstance(node, dict):
        if node.get("type") == "postback" and "data" in node:
            found.append((node.get("label", ""), node["data"]))
        for value in node.values():
            found += walk_buttons(value)
    elif isinstance(node, list):
        for value in node:
            found += walk_buttons(value)
    return found


def texts_of(messages: list) -> str:
    return "\n".join(str(m.get("text") or m.get("altText") or "") for m in messages)


@cache
def _said(key: str) -> re.Pattern:
    """A catalog text in any of its languages, its fields matching anything."""
    from bot.i18n import catalog, locales

    return re.compile(
        "|".join(
            re.escape(catalog(locale)[key]).replace(r"\{", "{").replace(r"\}", "}") for locale in locales()
        ).replace("{kind}", ".*")
    )


def confirmed(messages: list) -> bool:
    """Whether the bot told the resident their request is out."""
    return _said("request.sent").search(texts_of(messages)) is not None


def text_event(text: str) -> dict:
    return {"type": "message", "message": {"type": "text", "text": text}}


def press(data: str) -> dict:
    return {"type": "postback", "postback": {"data": data}}


def next_move(resident: Resident, messages: list) -> tuple[str, dict] | None:
    """What a resident does on reading the bot, (step, event), or nothing: the button that moves
    their request on (their district, tomorrow, their kind, send), else the text asked for."""
    text, buttons = texts_of(messages), walk_buttons(messages)
    if confirmed(messages):
        return None
    data = [d for _label, d in buttons]
    for label, found in buttons:
        if found.startswith("request.district:") and label == resident.district:
            return "district", press(found)
    for wanted, step in (
        (("request.send:", ""), "confirm"),
        (("request.when:", ":tomorrow"), "when"),
        (("request.is_request:yes", ""), "is request"),
        (("request.new:", f":{resident.kind}"), "kind"),
    ):
        pressed = next((d for d in data if d.startswith(wanted[0]) and d.endswith(wanted[1])), None)
        if pressed is not None:
            return step, press(pressed)
    no_landmark = next((d for d in data if d.startswith("request.landmark:")), None)
    if no_landmark is not None:
        if _said("request.landmark_has_address").search(text):
            return "landmark", press(no_landmark)
        return "landmark", text_event(resident.landmark)
    if _said("request.ask_place").search(text):
        return "address", text_event(resident.address)
    return None
