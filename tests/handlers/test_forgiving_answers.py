"""Answers that used to end a conversation other than the person meant, through LINE: a dialect's
"that's right" at the summary, an address corrected at a later question, a short "ok" that named no
district, a helper asking for the offers to stop in words that read as a cancel."""

import pytest
from sqlalchemy import select

from db.models import HelperProfile, HelpRequest, Resident
from tests import factories
from tests.conversations.world import READINGS
from tests.fakes import texts
from tests.handlers.talk import offers_to, press


@pytest.fixture
def town(session):
    midori = factories.district(session, "緑ケ丘", reading=READINGS["緑ケ丘"])
    kurosaki = factories.district(session, "黒崎", reading=READINGS["黒崎"])
    factories.resident(session, platform="line", user_id="Ureq", district=midori, display_name="山田")
    factories.helper(session, platform="line", user_id="Uh1", district=midori, skills=["repair"], display_name="佐藤")
    factories.helper(session, platform="line", user_id="Uh2", district=kurosaki, skills=["dog_walking"])
    factories.helper(session, platform="line", user_id="Uh3", district=midori, skills=["dog_walking"])
    session.commit()
    return midori


def to_the_summary(chat, address: str = "緑ケ丘3-2-1") -> list:
    got = chat.say("Ureq", "明日の朝、棚を直してもらいたいのですが")
    assert "住所" in texts(got)[-1]
    chat.say("Ureq", address)
    return chat.say("Ureq", "集会所の裏")


@pytest.mark.parametrize("text", ["そぎゃんです", "そげんです", "そうです", "そがんです、お願いします", "そうたい"])
def test_a_dialects_thats_right_at_the_summary_sends_the_request(text, line_chat, session, town):
    to_the_summary(line_chat)
    got = line_chat.say("Ureq", text)
    assert "お願いを出しました" in texts(got)[0], texts(got)
    assert len(offers_to(line_chat, "Uh1")) == 1


@pytest.mark.parametrize("text", ["よし", "よし！", "了解です", "オッケー", "おう", "おう！"])
def test_a_short_yes_standing_alone_at_the_summary_sends_the_request(text, line_chat, session, town):
    to_the_summary(line_chat)
    got = line_chat.say("Ureq", text)
    assert "お願いを出しました" in texts(got)[0], texts(got)
    assert len(offers_to(line_chat, "Uh1")) == 1


@pytest.mark.parametrize(
    "text", ["それで結構です", "これでけっこうです", "はい、その内容で結構です", "はい、結構です", "ええ、けっこうです"]
)
def test_fine_as_it_is_at_the_summary_sends_the_request(text, line_chat, session, town):
    to_the_summary(line_chat)
    got = line_chat.say("Ureq", text)
    assert "お願いを出しました" in texts(got)[0], texts(got)
    assert len(offers_to(line_chat, "Uh1")) == 1


@pytest.mark.parametrize("text", ["結構です", "いいえ、結構です", "それで結構、やっぱりやめます"])
def test_no_thanks_at_the_summary_sends_nothing(text, line_chat, session, town):
    to_the_summary(line_chat)
    line_chat.say("Ureq", text)
    assert offers_to(line_chat, "Uh1") == []


@pytest.mark.parametrize("text", ["やっぱりよします", "よしてください"])
def test_yoshi_inside_a_giving_up_at_the_summary_sends_nothing(text, line_chat, session, town):
    to_the_summary(line_chat)
    line_chat.say("Ureq", text)
    assert offers_to(line_chat, "Uh1") == []


@pytest.mark.parametrize(
    "text",
    [
        "すみません、住所をまちがえました。9-3-1です",
        "住所は緑ケ丘9-3-1でした",
        "番地ば間違えとりました、9-3-1です",
        "ごめんなさい住所まちがえました9-3-1です",
    ],
)
def test_an_address_corrected_at_the_landmark_question_changes_the_address_only(text, line_chat, session, town):
    line_chat.say("Ureq", "明日の朝、棚を直してもらいたいのですが")
    line_chat.say("Ureq", "緑ケ丘9-3-7")
    got = line_chat.say("Ureq", text)
    assert "変更しました" in texts(got)[0] and "目印" in texts(got)[-1], texts(got)
    request = session.scalar(select(HelpRequest))
    assert request.meeting_point == "緑ケ丘9-3-1" and request.landmark is None
    got = line_chat.say("Ureq", "集会所の裏")
    press(line_chat, "Ureq", "お願いする", got)
    card = offers_to(line_chat, "Uh1")[-1]
    assert "9-3" not in card.body  # the address is not in the offer
    press(line_chat, "Uh1", "引き受ける", [card])
    helper_got = " ".join(texts(line_chat.channel.to("Uh1")))
    assert "緑ケ丘9-3-1" in helper_got and "9-3-7" not in helper_got


def test_an_address_corrected_at_the_summary_is_shown_again(line_chat, session, town):
    to_the_summary(line_chat, "緑ケ丘9-3-7")
    got = line_chat.say("Ureq", "住所をまちがえました。9-3-1です")
    assert "緑ケ丘9-3-1" in texts(got)[-1] and "お願いする" in [b.label for m in got for b in m.buttons]


@pytest.mark.parametrize("text", ["ok", "OK", "okay", "yes", "sure"])
def test_a_short_yes_at_the_summary_changes_no_district(text, line_chat, session, town):
    factories.resident(session, platform="line", user_id="Uanh", display_name="Anh", language="en")
    session.commit()
    line_chat.say("Uanh", "can someone walk my dog tomorrow evening")
    line_chat.say("Uanh", "I live in Kurosaki")
    line_chat.say("Uanh", "黒崎5-5-2")
    summary = line_chat.say("Uanh", "near the community hall")
    assert "黒崎 Kurosaki" in texts(summary)[-1], texts(summary)  # the district as the buttons named it
    got = line_chat.say("Uanh", text)
    assert "is out" in texts(got)[0], texts(got)
    assert session.scalar(select(HelpRequest)).district.name == "黒崎"
    assert len(offers_to(line_chat, "Uh2")) == 1 and offers_to(line_chat, "Uh3") == []


def paused(session, user: str) -> bool:
    person = session.scalar(select(Resident).where(Resident.platform_user_id == user))
    return session.scalar(select(HelperProfile).where(HelperProfile.resident_id == person.id)).paused


@pytest.mark.parametrize(
    "text",
    [
        "今月いっぱい出張やけん、依頼は止めといて",
        "来週は出張なので依頼を止めてください",
        "しばらく連絡は止めといてください",
        "今月いっぱいは依頼をキャンセルしといて",
    ],
)
def test_a_helper_asking_the_offers_to_stop_is_paused(text, line_chat, session, town):
    got = line_chat.say("Uh1", text)
    assert paused(session, "Uh1"), texts(got)
    line_chat.say("Ureq", "明日の朝、棚を直してもらいたいのですが")
    line_chat.say("Ureq", "緑ケ丘3-2-1")
    press(line_chat, "Ureq", "お願いする", line_chat.say("Ureq", "集会所の裏"))
    assert offers_to(line_chat, "Uh1") == []


def test_a_helper_who_asked_for_help_cancels_their_request_instead(line_chat, session, town):
    line_chat.say("Uh1", "明日の朝、犬の散歩をお願いしたいです")
    line_chat.say("Uh1", "緑ケ丘5-5-5")
    press(line_chat, "Uh1", "お願いする", line_chat.say("Uh1", "公園の近く"))
    line_chat.say("Uh1", "犬の散歩の依頼は取り消してください")
    assert not paused(session, "Uh1")
    assert session.scalar(select(HelpRequest)).status == "cancelled"


@pytest.mark.parametrize(
    "text",
    [
        "ちょっと待って、住所は娘に聞いてから",
        "あとで書きます",
        "ちょっとまってください",
        "let me check and write later",
    ],
)
def test_a_wait_at_the_address_question_stores_nothing_and_waits(text, line_chat, session, town):
    line_chat.say("Ureq", "明日の朝、棚を直してもらいたいのですが")
    got = line_chat.say("Ureq", text)
    assert "お待ちします" in texts(got)[0] or "wait" in texts(got)[0], texts(got)
    assert session.scalar(select(HelpRequest)).meeting_point is None
    got = line_chat.say("Ureq", "緑ケ丘3-2-1")  # the answer, when they have it
    assert "目印" in texts(got)[-1]
    assert session.scalar(select(HelpRequest)).meeting_point == "緑ケ丘3-2-1"


@pytest.mark.parametrize("text", ["とくにないです", "特にありません", "ないです", "わかりません", "ﾄｸﾆﾅｲﾃﾞｽ"])
def test_no_landmark_said_politely_is_no_landmark(text, line_chat, session, town):
    line_chat.say("Ureq", "明日の朝、棚を直してもらいたいのですが")
    line_chat.say("Ureq", "緑ケ丘3-2-1")
    got = line_chat.say("Ureq", text)
    assert "お願いする" in [b.label for m in got for b in m.buttons]
    assert session.scalar(select(HelpRequest)).landmark == ""


@pytest.mark.parametrize(
    "text", ["こんにちは。よろしくお願いします", "はじめまして", "ｺﾝﾆﾁﾊ", "hello, nice to meet you"]
)
def test_a_newcomers_greeting_is_answered_warmly_and_asks_the_district_once(text, line_chat, session, town):
    factories.resident(session, platform="line", user_id="Unew", display_name="新人")
    session.commit()
    got = line_chat.say("Unew", text)
    assert any(b.label.startswith("黒崎") for b in got[-1].buttons), texts(got)  # the district question
    assert session.scalar(select(HelpRequest)) is None
    got = line_chat.say("Unew", "いい天気ですね")
    assert not [b.label for m in got for b in m.buttons if b.data.startswith("district")]


@pytest.mark.parametrize(
    "text", ["黒崎です", "黒崎に住んどります", "はじめまして、黒崎に住んでいる田中です", "I live in Kurosaki"]
)
def test_a_district_named_in_passing_by_a_newcomer_is_taken(text, line_chat, session, town):
    newcomer = factories.resident(session, platform="line", user_id="Unew", display_name="新人")
    session.commit()
    line_chat.say("Unew", "こんにちは")
    line_chat.say("Unew", text)
    session.refresh(newcomer)
    assert newcomer.district is not None and newcomer.district.name == "黒崎"


@pytest.mark.parametrize("text", ["いいよ", "いいですよ", "ええよ", "よかばい"])
def test_a_plain_all_right_at_the_summary_sends_the_request(text, line_chat, session, town):
    to_the_summary(line_chat)
    got = line_chat.say("Ureq", text)
    assert "お願いを出しました" in texts(got)[0], texts(got)


@pytest.mark.parametrize("text", ["病院の名前は言わなきゃだめ？", "目印って何を書けばいいですか?", "公民館でいいの？"])
def test_a_question_back_at_the_landmark_question_is_never_the_landmark(text, line_chat, session, town):
    line_chat.say("Ureq", "明日の朝、棚を直してもらいたいのですが")
    line_chat.say("Ureq", "緑ケ丘3-2-1")
    got = line_chat.say("Ureq", text)
    assert "目印" in texts(got)[-1] and session.scalar(select(HelpRequest)).landmark is None, texts(got)


@pytest.mark.parametrize("text", ["ありがとうございます、よろしくお願いします", "ありがとね、よろしく"])
def test_thanks_with_a_greeting_are_answered_as_thanks(text, line_chat, session, town):
    got = line_chat.say("Ureq", text)
    assert "どういたしまして" in texts(got)[0] or "ありがとう" in texts(got)[0], texts(got)
    assert "声をかけてくださって" not in texts(got)[0]


@pytest.mark.parametrize("text", ["緑ケ丘1-2-3です", "緑ケ丘の1-2-3", "みどりがおか 1-2-3 です"])
def test_a_district_answered_with_the_address_is_not_asked_for_the_address_again(text, line_chat, session, town):
    factories.resident(session, platform="line", user_id="Unew", display_name="新田")  # no district yet
    session.commit()
    got = line_chat.say("Unew", "明日の朝、棚を直してもらえんやろか")
    assert "地区" in texts(got)[-1], texts(got)
    got = line_chat.say("Unew", text)
    assert "目印" in texts(got)[-1] and "伺う住所" not in " ".join(texts(got)), texts(got)
    got = line_chat.say("Unew", "集会所の裏")
    press(line_chat, "Unew", "お願いする", got)
    card = offers_to(line_chat, "Uh1")[-1]
    assert "1-2-3" not in card.body  # the address stays out of the offer
    press(line_chat, "Uh1", "引き受ける", [card])
    assert "緑ケ丘1-2-3" in " ".join(texts(line_chat.channel.to("Uh1")))


@pytest.mark.parametrize("text", ["緑ケ丘1-2-3", "住所は緑ケ丘1丁目2番3号です"])
def test_an_address_written_before_its_question_is_kept_and_not_asked_for_again(text, line_chat, session, town):
    got = line_chat.say("Ureq", "棚を直してもらいたいのですが")
    assert "いつ" in texts(got)[-1], texts(got)
    got = line_chat.say("Ureq", text)  # the address, while asked when
    assert "場所は" in texts(got)[0] and "いつ" in texts(got)[-1], texts(got)
    got = line_chat.say("Ureq", "明日の朝")
    assert "目印" in texts(got)[-1] and "伺う住所" not in " ".join(texts(got)), texts(got)
    got = line_chat.say("Ureq", "集会所の裏")
    press(line_chat, "Ureq", "お願いする", got)
    card = offers_to(line_chat, "Uh1")[-1]
    assert "1-2-3" not in card.body and "2番3号" not in card.body  # the address stays out of the offer
    press(line_chat, "Uh1", "引き受ける", [card])
    told = " ".join(texts(line_chat.channel.to("Uh1")))
    assert "緑ケ丘1-2-3" in told or "緑ケ丘1丁目2番3号" in told


@pytest.mark.parametrize("text", ["090-1234-5678", "1-2-3", "電話093-123-4567です"])
def test_a_phone_or_bare_number_while_asked_when_is_not_taken_for_the_address(text, line_chat, session, town):
    line_chat.say("Ureq", "棚を直してもらいたいのですが")
    got = line_chat.say("Ureq", text)
    assert "場所は" not in " ".join(texts(got)) and "いつ" in texts(got)[-1], texts(got)
    assert session.scalar(select(HelpRequest.meeting_point)) is None


@pytest.mark.parametrize(
    ("language", "text", "kind"),
    [
        ("ko", "내일 오후에 병원 가야 하는데 같이 가 주실 분 있나요?", "transport"),
        ("ko", "내일 아침에 쓰레기 좀 버려 주실 수 있나요?", "garbage"),
        ("zh-Hans", "明天下午能不能有人陪我去医院？", "transport"),
        ("vi", "mai co ai do rac giup toi duoc khong", "garbage"),
        ("en", "is there anyone who could walk my dog tomorrow evening?", "dog_walking"),
    ],
)
def test_a_request_asked_as_a_question_is_drafted_without_asking_whether_it_is_one(
    language, text, kind, line_chat, session, town
):
    factories.resident(session, platform="line", user_id="Uask", district=town, language=language)
    session.commit()
    line_chat.say("Uask", text)
    request = session.scalar(select(HelpRequest))
    assert request is not None and request.category == kind


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Somebody took my rubbish out this morning, so kind of them"),  # not "somebody to"
        ("en", "Someone told me the garbage day changed to Tuesday"),  # not "someone to"
        ("en", "My neighbour walked my dog yesterday, I haven't seen anyone so kind"),
        ("vi", "hom qua con toi da do rac va don dep can nha cho toi"),  # căn nhà, the house: not cần
    ],
)
def test_a_story_that_names_a_kind_of_help_is_not_drafted_as_a_request(language, text, line_chat, session, town):
    factories.resident(session, platform="line", user_id="Ustory", district=town, language=language)
    session.commit()
    line_chat.say("Ustory", text)
    assert session.scalar(select(HelpRequest)) is None


@pytest.mark.parametrize(
    ("language", "ask", "landmark", "when"),
    [
        ("ja", "棚を直してもらいたいのですが", "公民館の近く", "明日の朝"),
        ("ja", "棚を直してもらいたいのですが", "ローソンの向かいです", "あさっての午後"),
        ("en", "Could someone fix my shelf?", "near the community hall", "tomorrow morning"),
        ("zh-Hans", "有人能帮我修一下架子吗？", "公民馆旁边", "明天上午"),
    ],
)
def test_a_landmark_written_before_its_question_is_kept_and_not_asked_for_again(
    language, ask, landmark, when, line_chat, session, town
):
    factories.resident(session, platform="line", user_id="Uland", district=town, language=language)
    session.commit()
    line_chat.say("Uland", ask)
    got = line_chat.say("Uland", landmark)  # the landmark, while asked when
    assert landmark in texts(got)[0], texts(got)
    line_chat.say("Uland", when)
    got = line_chat.say("Uland", "緑ケ丘3-2-1")
    assert landmark in texts(got)[-1], texts(got)  # the summary, with no landmark question before it
    assert session.scalar(select(HelpRequest.landmark)) == landmark


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ja", "駅の近くのスーパーで買い物もお願いしたい"),
        ("ja", "明日の朝、公民館の前で"),
        ("ja", "デイサービスの前に来てほしい"),  # a time (and health) said with の前, shown to nobody
        ("ja", "この前もお願いしたんですけど"),
        ("ja", "その前に聞きたいことがあります"),
        ("ja", "この先どうなるか不安で"),
        ("vi", "cảm ơn trước nhé"),  # thanks in advance
        ("en", "I'll be out near lunchtime, is that ok"),
    ],
)
def test_a_sentence_holding_a_word_of_place_is_not_taken_for_the_public_landmark(
    language, text, line_chat, session, town
):
    factories.resident(session, platform="line", user_id="Uland", district=town, language=language)
    session.commit()
    line_chat.say(
        "Uland",
        {
            "ja": "棚を直してもらいたいのですが",
            "vi": "ai sua giup toi cai ke duoc khong",
            "en": "Could someone fix my shelf?",
        }[language],
    )
    line_chat.say("Uland", text)
    request = session.scalar(select(HelpRequest).where(HelpRequest.resident.has(platform_user_id="Uland")))
    assert request is not None and request.landmark is None


@pytest.mark.parametrize(
    ("language", "place", "offered"),
    [
        ("ja", "小倉城の近く", True),
        ("en", "near the castle", True),
        ("ja", "緑ケ丘3-2-1", False),  # an address is never offered as the public landmark
        ("ja", "自宅の玄関で待ってます", False),  # a meeting point, no landmark phrase
    ],
)
def test_a_landmark_given_as_the_place_is_offered_as_the_landmark_in_one_press(
    language, place, offered, line_chat, session, town
):
    factories.resident(session, platform="line", user_id="Uland", district=town, language=language)
    session.commit()
    ask = {"ja": "明日の朝、棚を直してもらいたいのですが", "en": "Could someone fix my shelf tomorrow morning?"}
    line_chat.say("Uland", ask[language])
    got = line_chat.say("Uland", place)
    labels = [b.label for m in got for b in m.buttons]
    assert (place in labels) is offered, labels
    if offered:
        got = press(line_chat, "Uland", place, got)
        assert place in texts(got)[-1]  # the summary shows it as the landmark
        assert session.scalar(select(HelpRequest.landmark)) == place


@pytest.mark.parametrize("text", ["結構です", "結構でございます", "けっこうです"])
def test_a_bare_kekkou_at_the_summary_is_asked_about_and_a_press_settles_it(text, line_chat, session, town):
    """「結構です」 alone is "fine" to some and "no thanks" to others: neither sent nor dropped on a
    guess, the summary comes again with its buttons, and お願いする sends it."""
    to_the_summary(line_chat)
    got = line_chat.say("Ureq", text)
    assert "どちらの意味か" in texts(got)[0] and "お願いする" in [b.label for m in got for b in m.buttons], texts(got)
    assert offers_to(line_chat, "Uh1") == [] and session.scalar(select(HelpRequest.status)) == "draft"
    press(line_chat, "Ureq", "お願いする", got)
    assert len(offers_to(line_chat, "Uh1")) == 1


def test_the_place_offered_as_landmark_pressed_after_an_address_replaced_it_never_shows_the_address(
    line_chat, session, town
):
    """「小倉城の近く」 offered, then the place changed to 緑ケ丘3-2-1, then the old button pressed: the
    house number stays for the helper who takes it (it became the landmark on every helper's card)."""
    factories.resident(session, platform="line", user_id="Uland", district=town)
    session.commit()
    line_chat.say("Uland", "明日の朝、棚を直してもらいたいのですが")
    offered = line_chat.say("Uland", "小倉城の近く")
    line_chat.say("Uland", "場所は緑ケ丘3-2-1に変えてください")
    got = press(line_chat, "Uland", "小倉城の近く", offered)
    assert session.scalar(select(HelpRequest.landmark)) is None
    assert "目印" in texts(got)[-1] and "3-2-1" not in texts(got)[-1], texts(got)  # the landmark asked again


@pytest.mark.parametrize("text", ["結構です", "けっこうです", "目印は結構です", "いらないです"])
def test_no_thanks_at_the_landmark_question_is_no_landmark_not_a_cancel(text, line_chat, session, town):
    """「結構です」 answers 目印を教えてください (a landmark is not needed): the request goes on to its
    summary without one (it was dropped, 「お願いは出さずにやめました」)."""
    line_chat.say("Ureq", "明日の朝、棚を直してもらいたいのですが")
    line_chat.say("Ureq", "緑ケ丘3-2-1")
    got = line_chat.say("Ureq", text)
    assert "お願いする" in [b.label for m in got for b in m.buttons], texts(got)
    assert session.scalar(select(HelpRequest.status)) == "draft"
    assert session.scalar(select(HelpRequest.landmark)) == ""
