"""A person's language: from what they write, from asking for one, kept on the resident."""

import pytest

from bot.i18n import t
from bot.nlp.language import detect, requested_language
from db.models import Resident
from tests import factories
from tests.fakes import buttons, texts


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("明日の朝ゴミ出しをお願いできますか", "ja"),
        ("無事です", "ja"),
        ("了解", "ja"),
        ("明天上午能帮我扔垃圾吗", "zh-Hans"),
        ("我很安全", "zh-Hans"),
        ("谢谢", "zh-Hans"),
        ("내일 아침 쓰레기 좀 버려 주세요", "ko"),
        ("괜찮아요", "ko"),
        ("Sáng mai có ai giúp tôi đổ rác không?", "vi"),
        ("toi can nguoi giup do", "vi"),
        ("Xin chào", "vi"),
        ("Could someone walk my dog tomorrow?", "en"),
        ("I am safe", "en"),
    ],
)
def test_short_messages_are_told_apart_by_script_and_marks(text, language):
    assert detect(text) == language


def test_kanji_shared_by_chinese_and_japanese_are_read_in_the_senders_usual_language():
    assert detect("明日", "ja") == "ja"
    assert detect("明日", "zh-Hans") == "zh-Hans"
    assert detect("安全", "ja-easy") == "ja"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("English please", "en"),
        ("Can you speak English?", "en"),
        ("英語でお願いします", "en"),
        ("日本語で", "ja"),
        ("日本語でお願いします", "ja"),
        ("Tiếng Việt", "vi"),
        ("nói tiếng Việt đi", "vi"),
        ("中文", "zh-Hans"),
        ("请用中文", "zh-Hans"),
        ("한국어", "ko"),
        ("한국어로 해 주세요", "ko"),
        ("やさしい日本語で", "ja-easy"),
        ("やさしい にほんごで おねがいします", "ja-easy"),  # words spaced, as learners write
        ("にほんごで おねがい", "ja"),
        ("日本語でお願いしたいことがあります", None),  # a request to come, in Japanese
        ("日本語がわからない", None),
        ("I speak English but need a ride", None),
        ("我不会说中文", None),
        ("ok", None),
        ("かんじが よめません", "ja-easy"),
        ("漢字が読めないです", "ja-easy"),
        ("にほんご すこし わかります", "ja-easy"),
        ("漢字が読めんけん手紙を読んでほしい", None),  # a request, read as one
        ("いぬの さんぽ おねがい", None),  # hiragana alone is how many older people write: no switch
    ],
)
def test_asking_for_a_language_is_told_from_mentioning_one(text, language):
    assert requested_language(text) == language


def _language(session, user_id: str) -> str:
    session.expire_all()
    return session.query(Resident).filter_by(platform_user_id=user_id).one().language


def test_english_please_switches_the_answers_to_english_and_nihongo_de_back(chat, session):
    factories.district(session, "緑ケ丘")
    chat.event("U1", "follow")
    got = chat.say("U1", "English please")
    assert texts(got) == [t("common.language_set", "en")]
    assert "I need help" in buttons(got)
    assert _language(session, "U1") == "en"
    got = chat.say("U1", "日本語で")
    assert texts(got) == ["これからは日本語でお話しします。"]
    assert _language(session, "U1") == "ja"


def test_asking_for_vietnamese_is_confirmed_in_vietnamese(chat, session):
    factories.district(session, "緑ケ丘")
    chat.event("U1", "follow")
    got = chat.say("U1", "Tiếng Việt")
    assert texts(got) == ["Từ bây giờ tôi sẽ nhắn cho bạn bằng tiếng Việt."]
    assert "Tôi cần giúp" in buttons(got)
    assert _language(session, "U1") == "vi"


@pytest.mark.parametrize(
    ("first", "switch", "asked_again"),
    [
        ("明日の朝ゴミ出しをお願いしたい", "English please", "address"),  # the request's address question
        ("手伝いたいです", "Tiếng Việt", "Xong"),  # the helper's kinds, with its Done button
    ],
)
def test_a_language_asked_for_mid_question_asks_that_question_again_in_it(first, switch, asked_again, chat, session):
    district = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="U1", district=district)
    chat.say("U1", first)
    got = chat.say("U1", switch)
    assert texts(got)[0] == t("common.language_set", _language(session, "U1"))
    assert asked_again in texts(got)[-1] or asked_again in buttons(got)  # not left waiting in silence


def _living_in_a_district(chat, session, user_id: str) -> None:
    district = factories.district(session, "緑ケ丘")
    chat.event(user_id, "follow")
    chat.press(user_id, f"district.choose:{district.id}")


def test_a_vietnamese_resident_who_asks_for_help_is_asked_on_in_vietnamese(chat, session):
    _living_in_a_district(chat, session, "U1")
    got = chat.say("U1", "Sáng mai có ai giúp tôi đổ rác được không?")
    assert texts(got)[0] == "Bạn cần giúp việc: đổ rác."
    assert _language(session, "U1") == "vi"
    assert all(not any("\u3040" <= c <= "\u30ff" for c in text) for text in texts(got))


def test_a_chinese_resident_who_asks_for_help_is_asked_on_in_chinese(chat, session):
    _living_in_a_district(chat, session, "U2")
    got = chat.say("U2", "明天上午能帮我扔垃圾吗？")
    assert texts(got)[0] == "您需要的帮助是：扔垃圾。"
    assert _language(session, "U2") == "zh-Hans"


def test_a_korean_resident_is_answered_in_korean_and_a_kanji_word_keeps_a_japanese_one_japanese(chat, session):
    _living_in_a_district(chat, session, "U3")
    got = chat.say("U3", "사용법을 알려 주세요")
    assert texts(got)[0].startswith("사용법은 간단해요")
    assert _language(session, "U3") == "ko"
    chat.event("U4", "follow")
    chat.say("U4", "了解")
    assert _language(session, "U4") == "ja"


def test_yasashii_nihongo_is_kept_when_the_person_writes_japanese(chat, session):
    factories.district(session, "緑ケ丘")
    chat.event("U5", "follow")
    got = chat.say("U5", "やさしい日本語で")
    assert texts(got) == ["これから やさしい 日本語で はなします。"]
    got = chat.say("U5", "使い方を教えてください")
    assert texts(got)[0].startswith("つかいかたは かんたんです")
    assert _language(session, "U5") == "ja-easy"


def test_a_name_in_latin_letters_keeps_a_vietnamese_writer_in_vietnamese():
    assert detect("1-2-3 Midorigaoka", "vi") == "vi"
    assert detect("Midorigaoka koen", "vi") == "vi"
    assert detect("I need help please", "vi") == "en"  # English words: English


def test_vietnamese_typed_bare_with_syllables_that_are_english_words_stays_vietnamese():
    # đổ rác, mẹ tôi ốm: "do" and "me" are English words too, but not from this writer
    assert detect("do rac", "vi") == "vi"
    assert detect("me toi om", "vi") == "vi"
    assert detect("do the garbage please", "vi") == "en"


@pytest.mark.parametrize(
    ("text", "usual"),
    [
        ("去不了，sorry", "zh-Hans"),
        ("我ok", "zh-Hans"),
        ("ok的", "zh-Hans"),
        ("我的iPhone坏了", None),
        ("OK 谢谢", None),
    ],
)
def test_chinese_with_a_latin_word_or_two_is_chinese(text, usual):
    assert detect(text, usual) == "zh-Hans"


def test_a_japanese_word_in_a_chinese_writers_message_keeps_it_chinese():
    assert detect("ゴミ分类太复杂了，谁能帮我扔一下", "zh-Hans") == "zh-Hans"
    assert detect("ゴミ分类太复杂了，谁能帮我扔一下") == "ja"  # nothing says the writer is Chinese
    assert detect("明日の朝ゴミ出しをお願いします", "zh-Hans") == "ja"


def test_kanji_beside_english_words_stay_with_the_writers_language():
    assert detect("OK 了解", None) == "ja"
    assert detect("I live in 八幡西区", "en") == "en"
    assert detect("Yahata 八幡", "en") == "en"


@pytest.mark.parametrize(
    ("opening", "language"),
    [
        ("Sáng mai có ai giúp tôi đổ rác được không?", "vi"),
        ("明日の朝ゴミ出しをお願いしたい", "ja"),
    ],
)
def test_an_address_in_latin_letters_is_stored_without_changing_the_language(opening, language, chat, session):
    _living_in_a_district(chat, session, "U1")
    chat.say("U1", opening)
    got = chat.say("U1", "Midorigaoka 1-2-3, Yahata Higashi")  # the address question
    assert _language(session, "U1") == language
    got = chat.say("U1", "Midorigaoka park")  # the landmark question
    assert _language(session, "U1") == language
    assert t("request.landmark_has_address", "en") not in texts(got)


def test_traditional_characters_from_a_chinese_writer_are_chinese():
    assert detect("幫我買菜", "zh-Hans") == "zh-Hans"  # 買 is a kanji as well
    assert detect("大丈夫", "zh-Hans") == "ja"  # everyday Japanese stays Japanese
