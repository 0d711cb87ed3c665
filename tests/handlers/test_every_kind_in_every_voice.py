"""Each kind of trouble of issue 8, in the voices people write in: polite, blunt, 北九州弁, 熊本弁,
hiragana only, half-width kana, voice input without punctuation, English. Every message goes through
the real path: a signed webhook body to /callback, the job (on RQ with a real Redis for two of the
voices, see ON_RQ), the answer by line-bot-sdk to the fake LINE API; each test judges what LINE carried."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.circulars import subscriptions
from db.models import Circular, Delivery, HelpRequest, HelperProfile, Offer, Task, local_now
from tests import factories
from tests.fakes import buttons, texts

VOICES = ("polite", "blunt", "kitakyushu", "kumamoto", "hiragana", "half-width", "voice", "english")


def voiced(table: dict[str, str]):
    """Parametrize a test over the eight voices (a table must name every one)."""
    assert set(table) == set(VOICES)
    return pytest.mark.parametrize("voice", VOICES)


# Two of the eight voices go through RQ on a real Redis, a worker running each queued job; the
# other six run the same jobs in the process as each event is stored.
ON_RQ = ("kumamoto", "english")


@pytest.fixture
def talk(request, voice):
    """The LINE chat for this voice: on RQ for the voices of ON_RQ."""
    return request.getfixturevalue("line_chat_rq" if voice in ON_RQ else "line_chat")


@pytest.fixture
def town(session):
    """緑ケ丘 with a resident, a helper of rubbish and repairs, and the district's admin, on LINE."""
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, platform="line", user_id="Ureq", district=midori, display_name="山田")
    factories.helper(
        session, platform="line", user_id="Uh1", district=midori, display_name="佐藤", skills=["garbage", "repair"]
    )
    factories.admin(session, midori, platform="line", user_id="Uadmin", display_name="担当")
    session.commit()
    return midori


def press(chat, user: str, label: str, messages: list) -> list:
    data = next(b.data for m in messages for b in m.buttons if b.label.endswith(label))
    return chat.press(user, data)


def offers(chat, user: str = "Uh1") -> list:
    return [m for m in chat.channel.to(user) if any(b.data.startswith("offer.accept") for b in m.buttons)]


def the_request(session) -> HelpRequest | None:
    return session.scalar(select(HelpRequest).order_by(HelpRequest.id.desc()))


def in_days(days: int):
    return (local_now() + timedelta(days=days)).date()


def to_the_address_question(chat) -> None:
    got = chat.say("Ureq", "明日の朝ゴミ出しをお願いできますか")
    assert "住所" in texts(got)[-1]


def to_the_summary(chat) -> list:
    to_the_address_question(chat)
    chat.say("Ureq", "緑ケ丘3-2-1")
    got = chat.say("Ureq", "公民館の近く")
    assert "お願いする" in buttons(got)
    return got


def posted(chat) -> None:
    press(chat, "Ureq", "お願いする", to_the_summary(chat))
    assert offers(chat)


# -- 1. a change of mind typed during a question is never stored as the answer ------------------

CANCELS = {
    "polite": "申し訳ないのですが、やっぱりやめておきます",
    "blunt": "やめる",
    "kitakyushu": "やっぱやめとくっちゃ",
    "kumamoto": "やっぱよかです、やめときます",
    "hiragana": "やっぱり やめます",
    "half-width": "ｷｬﾝｾﾙ",
    "voice": "えっとやっぱりやめときますごめんなさい",
    "english": "cancel please",
}


@voiced(CANCELS)
def test_1_a_cancel_at_the_address_question_drops_the_draft(voice, talk, session, town):
    to_the_address_question(talk)
    got = talk.say("Ureq", CANCELS[voice])
    assert any(w in texts(got)[0] for w in ("出さずにやめました", "cancelled", "not sent")), texts(got)
    request = the_request(session)
    assert request.status == "cancelled" and request.meeting_point is None
    talk.say("Ureq", "お願いします")  # a later yes sends nothing old
    assert offers(talk) == []


NEW_DAYS = {
    "polite": "すみません、明日ではなく明後日にしていただけますか",
    "blunt": "明後日に変えて",
    "kitakyushu": "明日やなくて明後日にしてくれんね",
    "kumamoto": "明日じゃなかで明後日にしてもらえんですか",
    "hiragana": "あしたじゃなくて あさってに してください",
    "half-width": "ｱｼﾀｼﾞｬﾅｸﾃ ｱｻｯﾃﾆ ｼﾃｸﾀﾞｻｲ",
    "voice": "すみませんあしたじゃなくてあさってにしてもらえますか",
    "english": "sorry, not tomorrow, the day after tomorrow please",
}


@voiced(NEW_DAYS)
def test_1_a_new_day_at_the_landmark_question_is_never_the_public_landmark(voice, talk, session, town):
    to_the_address_question(talk)
    talk.say("Ureq", "緑ケ丘3-2-1")
    got = talk.say("Ureq", NEW_DAYS[voice])
    assert "目印" in texts(got)[-1] or "landmark" in texts(got)[-1].lower(), texts(got)
    request = the_request(session)
    assert request.landmark is None and request.when.date() == in_days(2)
    assert request.time_of_day == "morning"  # only the day changed


# -- 2. a correction after posting changes the open request ---------------------------------

LATER_CHANGES = {
    "polite": "先ほどのごみ出し、明後日に変えていただけますか",
    "blunt": "さっきのごみ出し、明後日に変更して",
    "kitakyushu": "さっきのごみ出し、明後日にしてくれんね",
    "kumamoto": "さっきのごみ出しは明後日にしてもらえんですか",
    "hiragana": "さっきの ごみだし あさってに かえて ください",
    "half-width": "ｻｯｷﾉｺﾞﾐﾀﾞｼ ｱｻｯﾃﾆ ｶｴﾃｸﾀﾞｻｲ",
    "voice": "あのさっきのごみだしですけどあさってにかえてもらえますか",
    "english": "please change my garbage request to the day after tomorrow",
}


@voiced(LATER_CHANGES)
def test_2_a_correction_after_posting_changes_the_open_request(voice, talk, session, town):
    posted(talk)
    talk.say("Ureq", LATER_CHANGES[voice])
    requests = list(session.scalars(select(HelpRequest)))
    assert len(requests) == 1 and requests[0].status == "open"
    assert requests[0].when.date() == in_days(2)
    assert "日時が" in texts(talk.channel.to("Uh1"))[-1]  # the offered helper is told


# -- 3. an ordinary answer to the bot's own question is taken as one ----------------------------

YESES = {
    "polite": "はい、それでお願いいたします",
    "blunt": "うん",
    "kitakyushu": "よかよ",
    "kumamoto": "よかです",
    "hiragana": "はい おねがいします",
    "half-width": "ﾊｲ",
    "voice": "はいそれでだいじょうぶです",
    "english": "yes please",
}


@voiced(YESES)
def test_3_yes_at_the_summary_sends_the_request(voice, talk, session, town):
    to_the_summary(talk)
    got = talk.say("Ureq", YESES[voice])
    assert any(w in texts(got)[0] for w in ("お願いを出しました", "is out")), texts(got)
    assert the_request(session).status == "open" and offers(talk)


DONE_YESES = {
    "polite": "はい、ありがとうございました",
    "blunt": "終わった",
    "kitakyushu": "終わったよ、ありがとね",
    "kumamoto": "済んだです、ありがとうございました",
    "hiragana": "はい ありがとうございました",
    "half-width": "ﾊｲ ｱﾘｶﾞﾄｳ",
    "voice": "はいおわりましたありがとうございました",
    "english": "yes, it's done, thank you",
}


@voiced(DONE_YESES)
def test_3_yes_when_asked_whether_the_task_is_done_finishes_it(voice, talk, session, town):
    posted(talk)
    press(talk, "Uh1", "引き受ける", offers(talk)[-1:])
    press(talk, "Uh1", "30分", talk.say("Uh1", "終わりました"))
    talk.say("Ureq", DONE_YESES[voice])
    assert session.scalar(select(Task)).request.status == "done"


DISTRICTS = {
    "polite": "黒崎に住んでおります",
    "blunt": "黒崎",
    "kitakyushu": "黒崎に住んどるよ",
    "kumamoto": "黒崎に住んどります",
    "hiragana": "くろさきです",
    "half-width": "ｸﾛｻｷﾃﾞｽ",
    "voice": "えっと黒崎に住んでます",
    "english": "my home is in Kurosaki",
}


@voiced(DISTRICTS)
def test_3_the_district_answered_in_words_is_taken(voice, talk, session, town):
    kurosaki = factories.district(session, "黒崎", city="北九州市", reading="クロサキ")
    factories.helper(session, platform="line", user_id="Uh2", district=kurosaki, skills=["garbage"])
    factories.resident(session, platform="line", user_id="Unew", district=None)
    session.commit()
    got = talk.say("Unew", "明日の朝ゴミ出しをお願いできますか")
    assert "地区" in texts(got)[-1] or "district" in texts(got)[-1].lower()
    got = talk.say("Unew", DISTRICTS[voice])
    assert "住所" in texts(got)[-1] or "address" in texts(got)[-1].lower(), texts(got)
    assert the_request(session).district_id == kurosaki.id


# -- 4. small talk gets a warm word, never a request ----------------------------------------

STORIES = {
    "polite": "昨日は孫が遊びに来てくれて、とても嬉しかったです",
    "blunt": "孫が来てくれてね",
    "kitakyushu": "孫が来てくれたっちゃ、うれしかったよ",
    "kumamoto": "畑で大根のよう採れたとですよ",
    "hiragana": "まごが きてくれてね",
    "half-width": "ｷｮｳﾊ ｲｲ ﾃﾝｷﾃﾞｽﾈ",
    "voice": "きょうはねいぬのさんぽにいってきたんですよ",
    "english": "My grandson came to visit me today",
}


@voiced(STORIES)
def test_4_a_story_is_never_a_request(voice, talk, session, town):
    got = talk.say("Ureq", STORIES[voice])
    assert not any("のお願いですね" in m or "お手伝いのお願いですか" in m for m in texts(got)), texts(got)
    assert session.scalar(select(HelpRequest)) is None and offers(talk) == []


# -- 5. two open questions: a reply that fits both is asked about --------------------------------

BOTH_FIT = {
    "polite": "はい、大丈夫です",
    "blunt": "大丈夫",
    "kitakyushu": "大丈夫っちゃ",
    "kumamoto": "大丈夫です",
    "hiragana": "だいじょうぶです",
    "half-width": "ﾀﾞｲｼﾞｮｳﾌﾞ",
    "voice": "はいだいじょうぶですよ",
    "english": "I'm ok",
}


def _offer_and_safety_check(chat, session, district) -> None:
    helper = session.scalar(select(HelperProfile)).resident
    subscriptions.subscribe(session, helper, district)
    session.commit()
    posted(chat)
    chat.press("Uadmin", f"safety.prepare:{district.id}")
    check = session.scalar(select(Circular.id).where(Circular.kind == "safety_check"))
    chat.press("Uadmin", f"circular.send:{check}")


@voiced(BOTH_FIT)
def test_5_a_reply_that_fits_an_offer_and_a_safety_check_is_asked_about(voice, talk, session, town):
    _offer_and_safety_check(talk, session, town)
    got = talk.say("Uh1", BOTH_FIT[voice])
    assert session.scalar(select(Task)) is None, "the offer was taken by a reply meant for the check"
    assert session.scalar(select(Delivery.answer).where(Delivery.answer.is_not(None))) is None
    assert len(buttons(got)) >= 2, texts(got)
    press(talk, "Uh1", buttons(got)[0], got)
    assert session.scalar(select(Delivery.answer).where(Delivery.answer.is_not(None))) == "safe"
    assert session.scalar(select(Task)) is None


# -- 6. order and truth: help is coming before nobody found ---------------------------------------

NEED_HELP = {
    "polite": "足を痛めて動けません。助けていただけますか",
    "blunt": "助けて",
    "kitakyushu": "けがして動けんっちゃ",
    "kumamoto": "足ば痛めて動けんとです",
    "hiragana": "たすけが ひつようです",
    "half-width": "ﾀｽｹﾃｸﾀﾞｻｲ",
    "voice": "ころんでしまっておきあがれないんですたすけてください",
    "english": "I need help, I can't get up",
}


@voiced(NEED_HELP)
def test_6_after_a_call_for_help_help_is_coming_comes_before_nobody_found(voice, talk, session, town):
    tome = factories.resident(session, platform="line", user_id="Utome", district=town, address="緑ケ丘1-1")
    subscriptions.subscribe(session, tome, town)
    session.commit()
    talk.press("Uadmin", f"safety.prepare:{town.id}")
    check = session.scalar(select(Circular.id).where(Circular.kind == "safety_check"))
    talk.press("Uadmin", f"circular.send:{check}")
    talk.say("Utome", NEED_HELP[voice])
    got = texts(talk.channel.to("Utome"))
    coming = [i for i, m in enumerate(got) if "すぐに" in m or "right now" in m]
    nobody = [i for i, m in enumerate(got) if "見つかりませんでした" in m or "nobody" in m.lower()]
    assert coming and (not nobody or coming[0] < nobody[0]), got
    assert any("【至急】" in m for m in texts(talk.channel.to("Uadmin")))


# -- 7. choices that must survive later messages stay on the message --------------------------------

LATER_WORDS = {
    "polite": "いつもありがとうございます。使い方を教えていただけますか",
    "blunt": "残高",
    "kitakyushu": "今日は寒いっちゃね",
    "kumamoto": "今日はよか天気ですね",
    "hiragana": "こんにちは げんきです",
    "half-width": "ｺﾝﾆﾁﾊ",
    "voice": "えっとつかいかたをおしえてください",
    "english": "how do I use this",
}


@voiced(LATER_WORDS)
def test_7_the_safety_answers_survive_later_messages(voice, talk, session, town):
    tome = factories.resident(session, platform="line", user_id="Utome", district=town)
    subscriptions.subscribe(session, tome, town)
    session.commit()
    talk.press("Uadmin", f"safety.prepare:{town.id}")
    check = session.scalar(select(Circular.id).where(Circular.kind == "safety_check"))
    talk.press("Uadmin", f"circular.send:{check}")
    reached = [m for users, messages, _ in talk.channel.multicasts if "Utome" in users for m in messages]
    message = next(m for m in reached + talk.channel.to("Utome") if "ご無事ですか" in texts([m])[0])
    assert message.lasting and {"無事です", "助けが必要"} <= set(buttons([message]))
    talk.say("Utome", LATER_WORDS[voice])  # later messages come in between
    talk.say("Utome", "ありがとう")
    got = press(talk, "Utome", "無事です", [message])  # the old button, pressed late
    assert "無事とのこと" in texts(got)[-1] or "glad you are safe" in texts(got)[-1]
    assert session.scalar(select(Delivery.answer).where(Delivery.resident_id == tome.id)) == "safe"


@voiced(LATER_WORDS)
def test_7_the_admins_choice_of_helper_survives_later_messages(voice, talk, session, town):
    factories.helper(session, platform="line", user_id="Ukato", district=town, display_name="加藤", skills=["shopping"])
    session.commit()
    for text in ("明日の朝、庭の木の剪定をお願いできますか", "緑ケ丘3-2-1", "緑ケ丘公園の近く", "はい"):
        talk.say("Ureq", text)
    choice = next(m for m in talk.channel.to("Uadmin") if "引き受け手なし" in texts([m])[0])
    assert choice.lasting and "加藤" in buttons([choice])
    talk.say("Uadmin", LATER_WORDS[voice])  # a later message
    got = press(talk, "Uadmin", "加藤", [choice])
    assert "加藤さんにお願いを送りました" in texts(got)[-1] or "sent to 加藤" in texts(got)[-1]
    assert offers(talk, "Ukato")


# -- 8. partly understood: every part is used --------------------------------------------------

WHENS = {  # asked for rubbish, then the day and part of day in words
    "polite": "あさっての午後にお願いいたします",
    "blunt": "あさって午後",
    "kitakyushu": "あさっての昼からがよかっちゃ",
    "kumamoto": "あさっての昼からでよかです",
    "hiragana": "あさっての ごご",
    "half-width": "ｱｻｯﾃﾉｺﾞｺﾞ",
    "voice": "えっとあさってのごごでおねがいします",
    "english": "the day after tomorrow in the afternoon",
}


@voiced(WHENS)
def test_8_the_day_and_part_of_day_written_in_any_voice_are_both_kept(voice, talk, session, town):
    got = talk.say("Ureq", "ゴミ出しをお願いしたいです")
    assert "いつ" in texts(got)[-1]
    got = talk.say("Ureq", WHENS[voice])
    assert "住所" in texts(got)[-1] or "address" in texts(got)[-1], texts(got)
    request = the_request(session)
    assert request.when.date() == in_days(2) and request.time_of_day == "afternoon"


HOW_IS_IT = {
    "polite": "先ほどのお願いはどうなっておりますでしょうか",
    "blunt": "さっきのお願いどうなった",
    "kitakyushu": "さっきのお願い、どげんなったと",
    "kumamoto": "さっきのお願いはどぎゃんなったですか",
    "hiragana": "さっきの おねがいは どうなってますか",
    "half-width": "ｻｯｷﾉｵﾈｶﾞｲﾊ ﾄﾞｳﾅｯﾃﾏｽｶ",
    "voice": "あのさっきのおねがいってどうなってますかね",
    "english": "how is my request going?",
}


@voiced(HOW_IS_IT)
def test_8_asking_how_the_request_goes_gets_its_state(voice, talk, session, town):
    posted(talk)
    got = talk.say("Ureq", HOW_IS_IT[voice])
    assert any(w in texts(got)[0] for w in ("探しています", "looking")), texts(got)
    assert len(list(session.scalars(select(HelpRequest)))) == 1


# -- 9. vetting and stale buttons ---------------------------------------------------------------

ACCEPTS = {
    "polite": "そのお願い、私が引き受けます",
    "blunt": "行ける",
    "kitakyushu": "行けるっちゃ",
    "kumamoto": "行けるです",
    "hiragana": "ひきうけます",
    "half-width": "ﾋｷｳｹﾏｽ",
    "voice": "はいわたしがいきますよ",
    "english": "I can do it",
}


@voiced(ACCEPTS)
def test_9_a_helper_waiting_for_approval_gets_no_task_and_no_address(voice, talk, session, town):
    posted(talk)
    town.requires_approval = True  # the district vets its helpers now; this one is not approved yet
    session.scalar(select(HelperProfile)).approved = False
    session.commit()
    got = talk.say("Uh1", ACCEPTS[voice])
    assert session.scalar(select(Task)) is None
    assert "3-2-1" not in " ".join(texts(got) + texts(talk.channel.to("Uh1")))


@voiced(ACCEPTS)
def test_9_an_old_offer_on_a_finished_task_changes_nothing_and_reveals_nothing(voice, talk, session, town):
    posted(talk)
    card = offers(talk)[-1]
    factories.helper(session, platform="line", user_id="Uh3", district=town, skills=["garbage"])
    session.commit()
    press(talk, "Uh1", "引き受ける", [card])
    press(talk, "Uh1", "30分", talk.say("Uh1", "終わりました"))
    talk.say("Ureq", "はい")
    assert session.scalar(select(Task)).request.status == "done"
    before = len(talk.channel.to("Uh1"))
    talk.say("Uh1", ACCEPTS[voice])
    got = press(talk, "Uh1", "引き受ける", [card])
    assert "3-2-1" not in " ".join(texts(talk.channel.to("Uh1")[before:]))
    assert "締め切られました" in texts(got)[0] or "closed" in texts(got)[0]
    assert len(list(session.scalars(select(Offer).where(Offer.status == "accepted")))) == 1
