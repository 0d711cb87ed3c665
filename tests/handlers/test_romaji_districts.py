"""A district written in Latin letters is found by the reading its admin gave it: 小倉 is read
オグラ by the dictionary, but the city calls it コクラ, so "Kokura" is 小倉."""

import pytest
from sqlalchemy import select

from db.models import HelpRequest, Resident
from tests import factories
from tests.fakes import texts


@pytest.fixture
def kokura(session):
    factories.district(session, "八幡")
    district = factories.district(session, "小倉", reading="コクラ", city="北九州市")
    factories.helper(session, user_id="H1", district=district, skills=["garbage"])
    return district


@pytest.mark.parametrize("text", ["I live in Kokura", "kokura", "KOKURA please", "my home is in Kokura."])
def test_a_newcomer_writing_kokura_is_registered_in_kokura(text, chat, session, kokura):
    chat.event("U1", "follow")
    got = chat.say("U1", text)
    resident = session.scalar(select(Resident).where(Resident.platform_user_id == "U1"))
    assert resident.district_id == kokura.id, texts(got)


def test_kokura_at_the_district_question_of_a_request(chat, session, kokura):
    chat.event("U2", "follow")
    chat.say("U2", "Kokura")
    chat.say("U2", "Could someone take out my garbage tomorrow morning?")
    request = session.scalar(select(HelpRequest))
    assert request is not None and request.district_id == kokura.id


def test_a_district_without_a_reading_is_still_found_by_its_name(chat, session):
    factories.district(session, "緑ケ丘")
    chat.event("U3", "follow")
    chat.say("U3", "緑ケ丘です")
    resident = session.scalar(select(Resident).where(Resident.platform_user_id == "U3"))
    assert resident.district_id is not None


@pytest.mark.parametrize(("language", "label"), [("en", "小倉 Kokura"), ("vi", "小倉 Kokura"), ("ja", "小倉")])
def test_the_district_buttons_carry_the_reading_for_a_person_who_reads_no_kanji(language, label, chat, session, kokura):
    factories.resident(session, user_id="U4", language=language)
    session.commit()
    got = chat.say(
        "U4",
        {
            "en": "Could someone take out my garbage tomorrow morning?",
            "vi": "nhờ đổ rác sáng mai",
            "ja": "明日の朝ゴミ出しをお願いしたい",
        }[language],
    )
    labels = [b.label for m in got for b in m.buttons]
    assert label in labels and "八幡" in labels, texts(got)  # 八幡 has no reading: its name alone
    chat.press("U4", next(b.data for m in got for b in m.buttons if b.label == label))
    assert session.scalar(select(HelpRequest)).district_id == kokura.id


@pytest.mark.parametrize(
    ("language", "text"),
    [("ko", "고쿠라예요"), ("ko", "고쿠라에 살아요"), ("zh-Hans", "小仓"), ("zh-Hans", "我住在小仓北区")],
)
def test_a_district_written_in_hangul_or_in_simplified_chinese_is_found(language, text, chat, session, kokura):
    factories.resident(session, user_id="U5", language=language)
    session.commit()
    chat.say("U5", {"ko": "내일 아침 쓰레기 버리는 것 좀 도와주세요", "zh-Hans": "明天早上能帮我扔垃圾吗？"}[language])
    got = chat.say("U5", text)
    request = session.scalar(select(HelpRequest))
    assert request is not None and request.district_id == kokura.id, texts(got)


@pytest.mark.parametrize(
    "text", ["마당 잔디가 너무 길어요", "괜찮지만 물탱크가 비어서 물이 필요해요", "할머니가 넘어지셨는데"]
)
def test_a_korean_sentence_naming_no_district_is_not_read_as_one(text, session):
    from bot.residents import district_in

    districts = [
        factories.district(session, name, reading=reading)
        for name, reading in [("万田", "マンダ"), ("八幡", "ハチマン"), ("門司", "モジ"), ("荒尾", "アラオ")]
    ]
    assert district_in(text, districts) is None


@pytest.mark.parametrize("text", ["기타", "기타 지역 회람판도 받고 싶어요", "딸이 병원에 가라고 하라고 했어요"])
def test_a_common_korean_word_that_spells_a_short_reading_names_no_district(text, session):
    """기타 ("other") spells Kita (北), 하라고 ("told to do") starts with Hara (原): a district whose
    reading is that short is found in Hangul only by its button."""
    from bot.residents import district_in

    districts = [
        factories.district(session, name, reading=reading) for name, reading in [("北", "きた"), ("原", "はら")]
    ]
    assert district_in(text, districts) is None
