"""The public API other modules code against."""

from datetime import datetime

import dataclasses

import pytest

from bot.nlp import Understanding, experience_score, extract_skills, find_district, understand

NOW = datetime(2026, 11, 30, 10, 0)  # a Monday morning (as in test_languages.py)


def test_understanding_is_frozen_with_the_agreed_fields() -> None:
    result = understand("明日の朝、燃えるゴミを集積所までお願いしたいです", now=NOW)
    assert [f.name for f in dataclasses.fields(Understanding)] == [
        "intent",
        "category",
        "when",
        "summary",
        "language",
        "time_of_day",
        "leaving",
        "switch_to",
        "confidence",
        "emergency",
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.intent = "x"  # type: ignore[misc]
    assert (result.intent, result.category, result.language) == ("help_request", "garbage", "ja")
    assert "ゴミ" in result.summary and len(result.summary) <= 40


def test_english_language_detected() -> None:
    assert understand("Could someone help me sort my trash?", now=NOW).language == "en"


def test_long_summary_is_cut() -> None:
    text = "入院中の母の家のゴミがそのままになっています。" * 5 + "お願いします"
    assert len(understand(text, now=NOW).summary) <= 40


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("40年大工をしていました", "repair"),
        ("元看護師", "transport"),
        ("パソコン教室の講師", "smartphone"),
        ("保育士をしていました", "childcare"),
        ("庭師でした", "garden"),
    ],
)
def test_extract_skills(text: str, skill: str) -> None:
    assert skill in extract_skills(text)


def test_extract_skills_carpenter_is_repair_first() -> None:
    assert extract_skills("40年大工をしていました")[0] == "repair"


@pytest.mark.parametrize("text", ["電気のことなら見てあげられる", "元電気屋やけん、電気のことなら見てあげらるるよ"])
def test_an_offer_by_trade_to_look_at_something_is_repair_not_lifting(text: str) -> None:
    # 見て|あげる (for you) was read as 上げる, a word of tidying
    assert extract_skills(text) == ["repair"]


def test_experience_score_prefers_the_matching_experience() -> None:
    carpenter = experience_score("40年大工をしていました", "棚を直してほしい")
    teacher = experience_score("パソコン教室の講師", "棚を直してほしい")
    assert 0.0 <= teacher < carpenter <= 1.0
    assert carpenter - teacher >= 0.3


@pytest.mark.parametrize("text", ["緑ケ丘の回覧板", "緑ヶ丘のお知らせ", "みどりがおかに住んでます", "緑が丘です"])
def test_find_district_spellings(text: str) -> None:
    assert find_district(text, ["八幡東区", "緑ケ丘", "若松区"]) == "緑ケ丘"


def test_find_district_none() -> None:
    assert find_district("東京の話です", ["八幡東区", "緑ケ丘"]) is None
    assert find_district("八幡東のお知らせ", ["八幡東区", "緑ケ丘"]) == "八幡東区"


def test_leaving_the_service_is_read_beside_the_intent() -> None:
    assert understand("退会したいです", now=NOW).leaving
    assert understand("please delete my account", now=NOW).leaving
    assert not understand("お知らせはもういりません", now=NOW).leaving
    assert not understand("犬の散歩をお願いしたい", now=NOW).leaving


@pytest.mark.parametrize("text", ["緑ケ丘3-2-110です", "黒崎1-119", "3丁目110番地", "緑ケ丘2-110-5"])
def test_a_110_or_119_inside_an_address_is_no_emergency(text) -> None:
    assert not understand(text, now=NOW).emergency


@pytest.mark.parametrize("text", ["119", "家が燃えとる、119番して", "110番してください", "すぐ119に電話して"])
def test_110_or_119_said_as_a_number_of_its_own_is_an_emergency(text) -> None:
    assert understand(text, now=NOW).emergency


@pytest.mark.parametrize(
    "text",
    ["please call 119", "Call 110, someone is breaking the window", "dial 119 for me please, quickly"],
)
def test_110_or_119_to_call_in_english_is_an_emergency(text) -> None:
    assert understand(text, now=NOW).emergency


@pytest.mark.parametrize(
    "text",
    [
        "119番はしなくていいです",
        "119番はしないでください",
        "119には電話せんでよかです",
        "119番は大丈夫です",
        "I live in room 119",
        "no need to call 119",
    ],
)
def test_an_emergency_number_declined_or_inside_a_room_number_is_no_emergency(text) -> None:
    assert not understand(text, now=NOW).emergency


@pytest.mark.parametrize(
    ("text", "declined"),
    [
        ("救急車は呼ばなくていいです", True),
        ("救急車はいらん", True),
        ("火事じゃないです", True),
        ("119番はしなくていいです", True),
        ("救急車を呼べない", False),  # cannot call one: still an emergency word
        ("台所から火が出ました、すぐ来てください", False),
        ("no need to call an ambulance", True),
        ("there is no fire", True),
        ("my husband collapsed, I don't know what to do", False),
    ],
)
def test_an_emergency_word_the_message_declines_is_read_as_negated(text, declined) -> None:
    from bot.nlp.classify import analyse

    hits = [hit for hit in analyse(text).hits if hit.label == "cue:emergency"]
    assert hits and all(hit.negated == declined for hit in hits)


@pytest.mark.parametrize(
    "text",
    [
        "息子がけいれんを起こして止まらんとです",  # a fit
        "じいちゃんが餅ば詰まらせて息ができとらん",  # choking
        "裏の倉庫が燃えとる、早う来て",  # burning, in Kyushu words
        "母を呼んでも目を開けんし返事もせん",  # not answering (開けんし was tagged as the old んす)
        "地震で本棚の下に挟まれて",  # pinned
    ],
)
def test_an_emergency_told_in_other_words_than_fire_or_collapse_is_an_emergency(text) -> None:
    assert understand(text, now=NOW).emergency


@pytest.mark.parametrize("text", ["燃えるゴミを明日の朝に出してほしい", "去年の大雨では床下まで水が来て大変やった"])
def test_burnable_rubbish_or_a_flood_told_of_the_past_is_no_emergency(text) -> None:
    assert not understand(text, now=NOW).emergency


def test_points_asked_as_mochiten_in_dialect_are_a_balance_question() -> None:
    assert understand("わしの持ち点、あとどんくらいあるね", now=NOW).intent == "balance"
