"""Small talk gets a short warm answer, never a request; when unsure the bot asks first."""

import pytest
from sqlalchemy import select

from db.models import HelpRequest
from tests import factories
from tests.fakes import buttons, texts
from tests.handlers.talk import offers_to, press


@pytest.fixture
def midori(session):
    district = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=district)
    for kind in ("dog_walking", "childcare", "garden", "other", "garbage"):
        factories.helper(session, user_id=f"H-{kind}", district=district, skills=[kind])
    return district


def no_request_went_out(chat, session) -> bool:
    return session.scalar(select(HelpRequest).where(HelpRequest.status != "cancelled")) is None and all(
        offers_to(chat, f"H-{kind}") == [] for kind in ("dog_walking", "childcare", "garden", "other")
    )


@pytest.mark.parametrize(
    "text",
    [
        "こんにちは",
        "こんにちは。よろしくお願いします",
        "おはようございます！",
        "Hello, nice to meet you",
        "ｺﾝﾆﾁﾊ",
        "よろしくお願いします",
    ],
)
def test_a_greeting_is_greeted_back(text, chat, session, midori):
    got = chat.say("REQ", text)
    assert any(w in texts(got)[-1] for w in ("こんにちは", "Hello")) or "声をかけて" in texts(got)[-1]
    assert "ありがとうございます。困りごと" not in texts(got)[-1]
    assert no_request_went_out(chat, session)


@pytest.mark.parametrize(
    "text",
    [
        "うちの犬が最近元気でね",
        "孫が来週遊びに来るんです",
        "畑で大根がとれたとよ",
        "うちのいぬがね さいきん よくたべるんよ",
        "今日は病院に行ってきました",
    ],
)
def test_a_story_is_never_a_request(text, chat, session, midori):
    got = chat.say("REQ", text)
    assert "のお願いですね" not in " ".join(texts(got))
    if "お手伝いのお願いですか" in texts(got)[-1]:
        got = press(chat, "REQ", "いいえ", got)
        assert "お話ありがとう" in texts(got)[-1]
    assert no_request_went_out(chat, session)


def test_when_unsure_yes_drafts_the_request_from_what_was_written(chat, session, midori):
    got = chat.say("REQ", "明日の朝、犬の散歩")
    assert "お手伝いのお願いですか" in texts(got)[-1] and {"はい", "いいえ"} <= set(buttons(got))
    got = press(chat, "REQ", "はい", got)
    assert "犬の散歩" in texts(got)[0] and "住所" in texts(got)[-1]
    assert session.scalar(select(HelpRequest)).when is not None


@pytest.mark.parametrize(
    "text",
    [
        "ちょっと困ってることがあるんだけど",
        "困っています",
        "助けてほしい",
        # in dialect, read as small talk or as a story before
        "ちょっと困っとるんよ",
        "困ったことがあるっちゃけど",
        "こまっちょるんです",
    ],
)
def test_a_vague_trouble_is_asked_about_before_any_request(text, chat, session, midori):
    got = chat.say("REQ", text)
    assert "どんなことでお困りですか" in texts(got)[-1]
    assert session.scalar(select(HelpRequest)) is None
    got = chat.say("REQ", "庭の草取りをお願いしたいです")
    assert "庭の手入れ" in texts(got)[0]


def test_a_sigh_about_the_weather_is_not_asked_what_the_trouble_is(chat, session, midori):
    got = chat.say("REQ", "困ったなあ、雨ばっかりで")
    assert "どんなことでお困りですか" not in " ".join(texts(got)) and no_request_went_out(chat, session)


def test_an_answer_that_is_neither_yes_nor_no_asks_again_and_keeps_the_message(chat, session, midori):
    got = chat.say("REQ", "明日の朝、犬の散歩")
    assert "お手伝いのお願いですか" in texts(got)[-1]
    got = chat.say("REQ", "うーん")
    assert "お手伝いのお願いですか" in texts(got)[-1], texts(got)  # not 「どんなことでお困りですか」
    got = press(chat, "REQ", "はい", got)
    assert "犬の散歩" in texts(got)[0], texts(got)
    assert session.scalar(select(HelpRequest)).category == "dog_walking"


@pytest.mark.parametrize(
    ("answer", "district", "asked_next"),
    [
        ("緑ケ丘", "緑ケ丘", "住所"),  # the district: next the address
        ("緑ケ丘1-2-3です", "緑ケ丘", "目印"),  # district and address: next the landmark
        ("あさっての午後で", None, "地区"),  # a new time: the district is still asked
    ],
)
def test_a_detail_written_instead_of_yes_is_a_yes_and_is_kept(answer, district, asked_next, chat, session, midori):
    """Unsure, the bot asks 「お手伝いのお願いですか？」; the person answers with what a request's
    questions ask (a district, an address, a time), as if asked: that is a yes, and what they wrote
    is kept, never asked again."""
    factories.resident(session, user_id="NEW")  # no district known yet
    got = chat.say("NEW", "明日の朝、犬の散歩")
    assert "お手伝いのお願いですか" in texts(got)[-1]
    got = chat.say("NEW", answer)
    request = session.scalar(select(HelpRequest).where(HelpRequest.status == "draft"))
    assert request is not None and "犬の散歩" in texts(got)[0], texts(got)
    assert asked_next in texts(got)[-1] and "お手伝いのお願いですか" not in " ".join(texts(got)), texts(got)
    assert (request.district.name if request.district else None) == district
    assert request.when is not None and (request.time_of_day == "afternoon") == ("午後" in answer)


@pytest.mark.parametrize("text", ["ありがとうございました", "ありがとう！", "thanks"])
def test_thanks_are_answered_in_kind(text, chat, session, midori):
    got = chat.say("REQ", text)
    assert any(w in texts(got)[-1] for w in ("どういたしまして", "welcome"))


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("おはようございます", "おはようございます。"),
        ("おはよー", "おはようございます。"),
        ("ｵﾊﾖｳｺﾞｻﾞｲﾏｽ", "おはようございます。"),
        ("こんばんは", "こんばんは。"),
        ("おやすみなさい", "おやすみなさい。"),
        ("お疲れさまです", "お疲れさまです。"),
        ("good morning", "Good morning!"),
    ],
)
def test_a_greeting_is_answered_in_kind_through_line(text, back, line_chat, session):
    district = factories.district(session, "緑ケ丘")
    factories.resident(session, platform="line", user_id="Utome", district=district)
    session.commit()
    got = line_chat.say("Utome", text)
    assert texts(got)[-1].startswith(back) and "こんにちは" not in texts(got)[-1]
    assert session.scalar(select(HelpRequest)) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("すまほの使いかたわからん", "スマホ"),
        ("スマホの設定がよう分からんとです", "スマホ"),
        ("ゴミ出しが一人じゃできんとよ", "ごみ出し"),
    ],
)
def test_a_need_said_as_what_one_cannot_do_is_a_request(text, kind, chat, session, midori):
    """「…わからん」「…できん」 with the kind of help named is how many older people ask: drafted at once,
    not asked 「お手伝いのお願いですか？」 first."""
    got = chat.say("REQ", text)
    assert kind in texts(got)[0] and "のお願いですね" in texts(got)[0], texts(got)
    assert "お手伝いのお願いですか" not in " ".join(texts(got))


@pytest.mark.parametrize(
    "answer",
    [
        "いいえ、明日は息子が来るけん大丈夫です",
        "いや、明日の朝は自分でするけん",
        "お願いしません。緑ケ丘は近所の人がおるけん",
        "大丈夫です、明日自分でします",
        "もういいです。今日は娘が来るけん",
    ],
)
def test_a_no_with_a_day_or_a_district_in_it_drafts_no_request(answer, chat, session, midori):
    """「いいえ、明日は息子が来るけん」 at 「お手伝いのお願いですか？」 is a no, though it names a day:
    no request is drafted for someone who said they need none."""
    got = chat.say("REQ", "明日の朝、犬の散歩")
    assert "お手伝いのお願いですか" in texts(got)[-1]
    got = chat.say("REQ", answer)
    assert session.scalar(select(HelpRequest)) is None, texts(got)
    assert "犬の散歩" not in " ".join(texts(got)), texts(got)


def test_a_yes_with_kekko_desu_after_it_is_not_taken_as_a_no(chat, session, midori):
    """「はい、結構です」 at 「お手伝いのお願いですか？」 begins with a yes: never closed as a no
    (drafted, or the question asked again)."""
    got = chat.say("REQ", "明日の朝、犬の散歩")
    assert "お手伝いのお願いですか" in texts(got)[-1]
    got = chat.say("REQ", "はい、結構です")
    assert session.scalar(select(HelpRequest)) is not None or "お手伝いのお願いですか" in texts(got)[-1], texts(got)


@pytest.mark.parametrize(
    ("language", "text", "kind"),
    [
        ("en", "hi there, my back's been bad all week and the recycling is piling up by the door", "garbage"),
        ("en", "Good morning! Could someone help me set up video calls on my tablet?", "smartphone"),
        ("ja", "こんにちは。明日の朝、ゴミ出しをお願いできますか", "garbage"),
    ],
)
def test_what_follows_a_greeting_is_read_on_its_own(language, text, kind, chat, session):
    """ "hi there, my back's been bad ... the recycling is piling up" was answered with a greeting:
    the greeting outweighed the need."""
    from db.models import HelpRequest

    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="U1", district=midori, language=language)
    session.commit()
    got = chat.say("U1", text)
    request = session.scalar(select(HelpRequest))
    asked = any(b.data.startswith("request.is_request") for m in got for b in m.buttons)
    assert (request is not None and request.category == kind) or asked, texts(got)


@pytest.mark.parametrize("text", ["hi there, hope you're keeping well!", "Good morning, lovely weather today"])
def test_a_greeting_with_small_talk_after_it_is_small_talk(text, chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="U1", district=midori, language="en")
    session.commit()
    got = chat.say("U1", text)
    assert texts(got)[0].startswith(("Hello", "Good morning")) and "I need help" in buttons(got), texts(got)
