"""Understanding in Vietnamese, Chinese, Korean and English: intents, kinds of help, times."""

from datetime import datetime

import pytest

from bot.nlp import understand
from bot.nlp.evaluate_languages import LANGUAGES, evaluate

NOW = datetime(2026, 11, 30, 10, 0)  # a Monday morning


@pytest.mark.parametrize(
    ("text", "moment", "part"),
    [
        ("Sáng mai có ai giúp tôi đổ rác không?", datetime(2026, 12, 1, 9, 0), "morning"),
        ("sang mai co ai do rac giup toi khong", datetime(2026, 12, 1, 9, 0), "morning"),
        ("3 giờ chiều thứ sáu đưa tôi đi bệnh viện", datetime(2026, 12, 4, 15, 0), "afternoon"),
        ("明天上午能帮我扔垃圾吗", datetime(2026, 12, 1, 9, 0), "morning"),
        ("下周一下午三点半陪我去医院", datetime(2026, 12, 7, 15, 30), "afternoon"),
        ("내일 아침 쓰레기 좀 버려 주세요", datetime(2026, 12, 1, 9, 0), "morning"),
        ("다음 주 월요일 오후 세 시에 병원에 같이 가 주세요", datetime(2026, 12, 7, 15, 0), "afternoon"),
        ("12월 5일 저녁에 아이 좀 봐 주세요", datetime(2026, 12, 5, 17, 0), "evening"),
    ],
)
def test_days_and_times_are_read_in_each_language(text, moment, part):
    got = understand(text, now=NOW)
    assert (got.intent, got.when, got.time_of_day) == ("help_request", moment, part)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Không phải dọn dẹp mà là dắt chó đi dạo", "dog_walking"),
        ("不是打扫，是想请人遛狗", "dog_walking"),
        ("청소 말고 강아지 산책을 부탁하고 싶어요", "dog_walking"),
        ("쓰레기는 아들이 버려 주지만 장보기가 힘들어요", "shopping"),
        ("Tôi phải đưa con lớn đi bệnh viện, cần người trông đứa nhỏ ở nhà", "childcare"),
    ],
)
def test_the_need_is_the_one_asked_for_not_the_one_denied_or_given_as_reason(text, category):
    assert (understand(text, now=NOW).intent, understand(text, now=NOW).category) == ("help_request", category)


@pytest.mark.parametrize(
    ("text", "context", "intent"),
    [
        ("Tôi bị thương ở chân, không đi được", "safety_check", "need_help"),
        ("Không bị thương, mọi người đều ổn", "safety_check", "safe"),
        ("我没受伤", "safety_check", "safe"),
        ("我受伤了", "safety_check", "need_help"),
        ("다치지 않았어요", "safety_check", "safe"),
        ("Tôi không đi được", "offer_pending", "decline"),
        ("我去不了", "offer_pending", "decline"),
        ("회람은 이제 필요 없어요", None, "unsubscribe"),
        ("Nothing happened here", "safety_check", "safe"),
    ],
)
def test_negation_turns_an_answer_around(text, context, intent):
    assert understand(text, context, now=NOW).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Chúng tôi ổn nhưng thuốc của bà sắp hết rồi", "need_help"),
        ("Sân bị ngập một chút nhưng cả nhà đều an toàn", "safe"),
        ("我们都没事，不过家里停水了，也没有吃的了", "need_help"),
        ("停电了，不过大家都平安", "safe"),
        ("저는 괜찮은데 아버지 약이 다 떨어졌어요", "need_help"),
        ("정전이 됐지만 가족 모두 무사해요", "safe"),
        # fine, but a worry that no need word names: the turn itself says it (was read safe)
        ("Cả nhà ổn nhưng bà ngoại đi chợ từ sáng chưa về", "need_help"),
        ("我们都好，但是奶奶早上去菜市场到现在还没回来", "need_help"),
        ("We're fine, but the roof is leaking and I can't fix it", "need_help"),
        ("The power went out but everyone is safe", "safe"),
        ("停电了，但是家里备了蜡烛", "safe"),  # what is ready after the but (was need_help)
    ],
)
def test_a_safety_answer_is_read_in_the_clause_after_but(text, intent):
    assert understand(text, "safety_check", now=NOW).intent == intent


@pytest.mark.parametrize(
    ("text", "context", "intent"),
    [
        ("我不会开车，送不了", "offer_pending", "decline"),
        ("这次就算了吧", "offer_pending", "decline"),
        ("휠체어라서 혼자 나갈 수가 없어요", "safety_check", "need_help"),
        ("Unfortunately I have work then", "offer_pending", "decline"),
        ("没事，我去", "offer_pending", "accept"),  # the 没 of 没事 does not reach over the comma
    ],
)
def test_a_reply_that_only_says_what_cannot_be_done_is_a_no_or_a_need(text, context, intent):
    assert understand(text, context, now=NOW).intent == intent


@pytest.mark.parametrize(
    "text",
    [
        "Mẹ tôi ngất xỉu rồi, không tỉnh",
        "我父亲晕过去了，叫不醒",
        "할머니가 쓰러져서 의식이 없어요",
        "My wife fainted and is unresponsive",
    ],
)
def test_someone_fainting_is_an_emergency_in_each_language(text):
    got = understand(text, now=NOW)
    assert got.emergency and got.intent == "help_request"


def test_a_fire_that_has_started_is_an_emergency_in_chinese():
    got = understand("客厅起火了，我一个人扑不灭", now=NOW)
    assert got.emergency and got.intent == "help_request"


@pytest.mark.parametrize(
    "text",
    [
        "Con mèo của tôi kẹt trên mái nhà hàng xóm, ai giúp với",
        "我的猫在屋顶上下不来了，谁能帮帮我",
        "우리 고양이가 지붕에서 못 내려와요 도와주실 분",
    ],
)
def test_a_pet_stuck_up_high_is_help_with_a_pet_not_an_emergency(text):
    got = understand(text, now=NOW)
    assert (got.intent, got.category, got.emergency) == ("help_request", "dog_walking", False)


@pytest.mark.parametrize(
    "text",
    [
        "Nước lên đến ngang thắt lưng rồi, cứu chúng tôi",
        "水已经淹到大腿了，救命",
        "물이 허리까지 차올랐어요 도와주세요",
        "The water is up to my chest now, help",
    ],
)
def test_water_risen_to_the_body_at_a_safety_check_is_an_emergency_in_each_language(text):
    got = understand(text, "safety_check", now=NOW)
    assert got.emergency and got.intent == "need_help"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_languages_corpus_is_understood_tuned_and_held_out(language):
    # Held-out messages were written before any tuning and are never tuned on: their figure
    # (printed by `python -m bot.nlp languages`) is the honest one; this guards it from falling.
    assert evaluate(language, "tuned").accuracy("all") >= 0.97
    assert evaluate(language, "held_out").accuracy("all") >= 0.90


@pytest.mark.parametrize(
    ("experience", "kind"),
    [
        ("Tôi từng làm thợ mộc 40 năm", "repair"),
        ("我以前是护士", "transport"),
        ("목수로 40년 일했어요", "repair"),
        ("보육교사였어요", "childcare"),
    ],
)
def test_a_helpers_trade_in_their_language_names_the_help_they_fit(experience, kind):
    from bot.nlp import extract_skills

    assert extract_skills(experience)[:1] == [kind]


@pytest.mark.parametrize(
    ("language", "text", "day", "part"),
    [
        ("vi", "sang ngay kia", 2, "morning"),  # sáng ngày kia typed without marks: sang is also "over to"
        ("vi", "toi thu bay", 5, "evening"),  # tối thứ bảy: toi is also "I"
        ("zh-Hans", "礼拜五", 4, None),
        ("zh-Hans", "明儿下午", 1, "afternoon"),
        ("ko", "낼 오후", 1, "afternoon"),
        ("ko", "토욜 오전", 5, "morning"),
        ("en", "tmrw evening", 1, "evening"),
        ("en", "2moro arvo", 1, "afternoon"),  # Australian afternoon
        ("en", "this arvo", 0, "afternoon"),
    ],
)
def test_a_time_answered_in_everyday_writing_is_read(language, text, day, part):
    """The answer to "when?" by someone whose language the bot knows."""
    got = understand(text, "request_when", now=NOW, language=language)
    assert ((got.when.date() - NOW.date()).days, got.time_of_day) == (day, part)


@pytest.mark.parametrize(
    ("text", "intent", "category"),
    [
        ("fed Mrs Abe's cat and cleaned the litter tray", "done", None),  # fed, not feed: help given
        ("swept the leaves outside number 4 for her", "done", None),
        (
            "the new sofa was dropped at the bottom of the stairs and I live on the 2nd floor, any strong helpers?",
            "help_request",
            "other",  # a delivery carried in, not furniture moved about the home
        ),
    ],
)
def test_an_english_report_of_help_given_and_a_delivery_are_read_as_such(text, intent, category):
    """Sentences in no corpus file: readings the English model got wrong before session 11."""
    got = understand(text, now=NOW, language="en")
    assert (got.intent, got.category) == (intent, category)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("현관 자물쇠가 고장 나서 문이 안 잠겨요 봐 주실 분", "repair"),
        ("보일러에서 이상한 소리가 나요 한번 봐 주세요", "repair"),
        ("감나무 가지가 전선에 닿을 것 같아요 좀 잘라 주세요", "garden"),
        ("철물점에서 못이랑 나사 좀 사다 주실 분", "shopping"),
        ("입원해 있는 동안 고양이 밥 좀 부탁드려요", "dog_walking"),
        ("아버지 돌아가시고 집을 비워야 하는데 혼자서는 엄두가 안 나요", "tidying"),
        ("우체국에서 소포 보내는 양식 쓰는 것 좀 도와주세요", "other"),  # the post office is the place, not a ride
        ("휠체어 실을 수 있는 차 있으신 분 병원까지 부탁해요", "transport"),
    ],
)
def test_a_korean_request_is_read_as_its_kind(text, category):
    """Sentences in no corpus file: kinds the Korean model confused before session 8."""
    got = understand(text, now=NOW, language="ko")
    assert (got.intent, got.category) == ("help_request", category)


@pytest.mark.parametrize(
    ("text", "context", "intent"),
    [
        ("去不了，sorry", "offer_pending", "decline"),
        ("我ok", "safety_check", "safe"),
        ("ok的", "safety_check", "safe"),
    ],
)
def test_chinese_with_an_english_word_is_read_as_chinese(text, context, intent):
    """Read before as Japanese (small talk): the Latin letters outnumbered the Chinese characters."""
    assert understand(text, context, now=NOW, language="zh-Hans").intent == intent


def test_a_korean_word_of_one_syllable_is_not_read_inside_a_longer_word():
    from bot.nlp.lexical import find_hits

    def labels(text: str) -> set[str]:
        return {hit.label for hit in find_hits(text, "ko")}

    assert "cue:accept" not in labels("예약이 있어요")  # 예 (yes) in 예약 (a booking)
    assert "cue:accept" not in labels("좋네요")  # 네 (yes) ending a word
    assert "cue:accept" in labels("네, 갈게요") and "cue:accept" in labels("예")
    assert "category:dog_walking" not in labels("새로 산 냉장고")  # 새 (bird) in 새로 (newly)
    assert "category:dog_walking" in labels("우리 개가 아파요")  # 개 (dog) with its particle
    assert "category:tidying" in labels("이삿짐이 많아요")  # 짐 ending a longer word: still luggage


@pytest.mark.parametrize(
    ("text", "context", "intent", "category"),
    [
        ("幫我修一下門鎖好嗎", None, "help_request", "repair"),
        ("能幫我買點菜嗎", None, "help_request", "shopping"),
        ("好，我來幫忙", "offer_pending", "accept", None),
        ("我們都沒事，謝謝關心", "safety_check", "safe", None),
    ],
)
def test_chinese_typed_in_traditional_characters_is_read_as_chinese(text, context, intent, category):
    """Read before as Japanese (買, 門 and 沒 are kanji too): small talk, and 好，我來幫忙 a no."""
    got = understand(text, context, now=NOW, language="zh-Hans")
    assert (got.language, got.intent, got.category) == ("zh-Hans", intent, category)


def test_korean_shorthand_in_initial_consonants_is_read():
    """ㅇㅋ, ㄴㄴ and ㄱㅊ are typed in compatibility letters that NFKC turns into others: the
    vocabulary's own were never found."""
    from bot.nlp.lexical import find_hits

    def labels(text: str) -> set[str]:
        return {hit.label for hit in find_hits(text, "ko")}

    assert "cue:accept" in labels("ㅇㅋ")
    assert "cue:decline" in labels("ㄴㄴ")
    assert "cue:safe" in labels("ㄱㅊ")
