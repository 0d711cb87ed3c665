"""Plain answers that used to end a conversation other than the person meant, through LINE: a
casual "go on then" at the summary (頼む, ya), a bare ask at 「お手伝いのお願いですか？」, a thing the
person cannot do told without an ask, thanks for help already given."""

import pytest
from sqlalchemy import select

from db.models import HelperProfile, HelpRequest, Resident
from tests import factories
from tests.conversations.world import READINGS
from tests.fakes import texts
from tests.handlers.talk import offers_to


@pytest.fixture
def town(session):
    midori = factories.district(session, "緑ケ丘", reading=READINGS["緑ケ丘"])
    factories.resident(session, platform="line", user_id="Ureq", district=midori, display_name="山田")
    factories.helper(session, platform="line", user_id="Uh1", district=midori, skills=["repair"], display_name="佐藤")
    factories.helper(session, platform="line", user_id="Uh2", district=midori, skills=["other"], display_name="井上")
    session.commit()
    return midori


def someone(session, town, language: str) -> str:
    factories.resident(session, platform="line", user_id="Uone", district=town, language=language)
    session.commit()
    return "Uone"


@pytest.mark.parametrize(
    "text", ["頼む", "頼むわ", "頼んだよ", "じゃあ頼むけん", "たのむ！", "出しといて", "それで出してください"]
)
def test_a_casual_go_on_at_the_summary_sends_the_request(text, line_chat, session, town):
    line_chat.say("Ureq", "明日の朝、棚を直してもらいたいのですが")
    line_chat.say("Ureq", "緑ケ丘3-2-1")
    line_chat.say("Ureq", "集会所の裏")
    got = line_chat.say("Ureq", text)
    assert "お願いを出しました" in texts(got)[0], texts(got)
    assert len(offers_to(line_chat, "Uh1")) == 1


@pytest.mark.parametrize(
    ("language", "text", "sent"),
    [
        ("en", "ya", "is out"),
        ("en", "yea", "is out"),
        ("en", "yes pls", "is out"),
        ("en", "k", "is out"),
        ("zh-Hans", "好嘞", "已发出"),
        ("ko", "ㅇㅋ", "보냈어요"),
        ("vi", "ừa", "đã được gửi"),
    ],
)
def test_an_informal_yes_at_the_summary_sends_the_request(language, text, sent, line_chat, session, town):
    user = someone(session, town, language)
    line_chat.press(user, "menu.need_help")
    got = line_chat.press(user, "request.new:repair")
    line_chat.press(user, next(b.data for m in got for b in m.buttons if b.data.endswith(":tomorrow")))
    line_chat.say(user, "緑ケ丘3-2-1")
    line_chat.say(user, "公民館の近く")
    got = line_chat.say(user, text)
    assert sent in texts(got)[0], texts(got)
    assert len(offers_to(line_chat, "Uh1")) == 1


@pytest.mark.parametrize("text", ["頼む", "頼みます", "お願いできますか", "たのんます"])
def test_a_bare_ask_at_is_it_a_request_drafts_the_need_written_before(text, line_chat, session, town):
    got = line_chat.say("Ureq", "明日の朝、雨戸が閉まらんとよ")
    assert "お手伝いのお願いですか" in texts(got)[-1], texts(got)
    line_chat.say("Ureq", text)
    assert session.scalar(select(HelpRequest.category)) == "repair"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ja", "指を怪我して、あさっての朝、年金の申請書が書けないんです"),
        ("ja", "老眼で、明日の午後、市役所の書類が読めんとです"),
        ("ja", "手が震えて、明後日、郵便局の用紙が書けんのよ"),
        ("en", "I can't fill in the city hall forms tomorrow afternoon, my eyes are bad"),
    ],
)
def test_something_the_person_cannot_do_is_asked_about_not_answered_as_small_talk(
    language, text, line_chat, session, town
):
    user = someone(session, town, language)
    got = line_chat.say(user, text)
    asked = {"ja": "お手伝いのお願いですか", "en": "help"}[language]
    assert asked in texts(got)[-1], texts(got)
    got = line_chat.say(user, {"ja": "はい", "en": "yes"}[language])
    assert session.scalar(select(HelpRequest.category)) == "other"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I can't believe how cold it is today!"),
        ("en", "Can't wait for spring"),
        ("ja", "孫の顔が見れないのが寂しいわ"),
    ],
)
def test_a_feeling_said_with_cannot_is_small_talk_not_a_need(language, text, line_chat, session, town):
    user = someone(session, town, language)
    got = line_chat.say(user, text)
    assert session.scalar(select(HelpRequest)) is None
    assert not texts(got)[-1].endswith(("?", "？")), texts(got)  # answered, not asked whether it is a request


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ja", "いらない家具を運ぶのを手伝ってほしいです。連絡ください"),
        ("ja", "ゴミをまとめて出すのを手伝ってほしいので連絡ください"),
        ("en", "Could someone help me carry boxes to the bus stop tomorrow? Send me messages"),
    ],
)
def test_a_helpers_request_holding_words_of_stopping_is_a_request_not_a_pause(language, text, line_chat, session, town):
    helper_speaks(session, language)
    line_chat.say("Uh1", text)
    assert not paused(session, "Uh1")
    assert session.scalar(select(HelpRequest)) is not None


@pytest.mark.parametrize(
    "text",
    [
        "押し入れの片付けを手伝っていただきたいのですが",
        "庭の草取りを助けていただきたいです",
        "買い物をお手伝いしていただけますか",
    ],
)
def test_a_polite_ask_for_help_is_not_taken_for_thanks_for_help_given(text, line_chat, session, town):
    user = someone(session, town, "ja")
    line_chat.say(user, text)
    assert session.scalar(select(HelpRequest)) is not None


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Cheers for the help with the gutters on Saturday, they're spotless"),
        ("en", "Much appreciated help with the hedge, looks tidy now"),
        ("ja", "この前は棚の修理を手伝っていただいて、ありがとうございました"),
        ("zh-Hans", "上周谢谢你帮忙修门"),
        ("ko", "지난주에 정원 손질 도와주셔서 고마워요"),
    ],
)
def test_thanks_for_help_already_given_is_no_request(language, text, line_chat, session, town):
    user = someone(session, town, language)
    got = line_chat.say(user, text)
    assert session.scalar(select(HelpRequest)) is None, texts(got)
    assert len(got) == 1 and not texts(got)[0].endswith(("?", "？")), texts(got)  # a warm word, no question


def helper_speaks(session, language: str) -> None:
    """The helper Uh1 writes in `language` from now on."""
    session.scalar(select(Resident).where(Resident.platform_user_id == "Uh1")).language = language
    session.commit()


def paused(session, user: str) -> bool:
    person = session.scalar(select(Resident).where(Resident.platform_user_id == user))
    return session.scalar(select(HelperProfile).where(HelperProfile.resident_id == person.id)).paused


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ja", "今月は仕事が忙しかけん、依頼は送らんでください"),
        ("ja", "しばらく連絡はいらんです、孫の世話があるけん"),
        ("ja", "年末まではお願いを送らないでもらえますか"),
        ("en", "Please don't send me any requests this month, I'm swamped"),
        ("zh-Hans", "这个月太忙了，别给我发请求"),
    ],
)
def test_a_helper_asking_not_to_be_sent_requests_gets_none(language, text, line_chat, session, town):
    helper_speaks(session, language)
    got = line_chat.say("Uh1", text)
    assert paused(session, "Uh1"), texts(got)
    assert session.scalar(select(HelpRequest)) is None
    line_chat.say("Ureq", "明日の朝、棚を直してもらいたいのですが")
    line_chat.say("Ureq", "緑ケ丘3-2-1")
    line_chat.say("Ureq", "集会所の裏")
    line_chat.say("Ureq", "はい")
    assert offers_to(line_chat, "Uh1") == []


def test_nobody_of_the_kind_free_the_admin_is_shown_helpers_of_a_near_kind_among_the_choices(line_chat, session, town):
    factories.admin(session, town, platform="line", user_id="Uadmin", display_name="担当")
    for i, kind in enumerate(("dog_walking", "smartphone", "childcare", "shopping", "dog_walking", "smartphone")):
        factories.helper(
            session, platform="line", user_id=f"Uo{i}", district=town, skills=[kind], display_name=f"他{i}"
        )
    factories.helper(session, platform="line", user_id="Ucarp", district=town, skills=["repair"], display_name="木下")
    session.commit()  # nobody tidies; 佐藤 and 木下 repair, and registered first and last
    line_chat.say("Ureq", "明日の朝、押し入れの片付けを手伝ってほしい")
    line_chat.say("Ureq", "緑ケ丘3-2-1")
    line_chat.say("Ureq", "集会所の裏")
    line_chat.say("Ureq", "はい")
    alert = next(m for m in line_chat.channel.to("Uadmin") if "引き受け手なし" in texts([m])[0])
    assert [b.label for b in alert.buttons][:2] == ["佐藤", "木下"], [b.label for b in alert.buttons]
