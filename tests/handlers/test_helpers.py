"""Registering as a helper, the experience master, pausing, approval by the district admin."""

from datetime import timedelta

import pytest

from sqlalchemy import select

from bot.i18n import t
from bot.matching import drafts

from db.models import HelperProfile, local_now
from tests import factories
from tests.fakes import StoppedClock, buttons, texts
from tests.handlers.talk import press


def test_register_kinds_districts_time_and_experience(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="H", district=midori)
    got = chat.say("H", "手伝えることがあれば登録したい")
    assert "手伝えること" in texts(got)[-1]
    got = press(chat, "H", "ごみ出し", got)
    got = press(chat, "H", "買い物", got)
    assert "✓ ごみ出し" in buttons(got) and "✓ 買い物" in buttons(got)
    got = press(chat, "H", "完了", got)
    assert "✓ 緑ケ丘" in buttons(got)  # their own district, already chosen
    got = press(chat, "H", "完了", got)
    got = press(chat, "H", "土日", got)
    got = press(chat, "H", "完了", got)
    assert "経験" in texts(got)[-1] or "お仕事" in texts(got)[-1]
    got = chat.say("H", "40年大工をしていました")
    assert "修理・大工仕事" in texts(got)[-1]
    got = press(chat, "H", "これでよい", got)
    assert "登録が終わりました" in texts(got)[-1]
    profile = session.scalar(select(HelperProfile))
    assert profile.skills == ["garbage", "shopping"] and profile.availability == ["weekend"]
    assert profile.experience_skills == ["repair"] and not profile.paused


def test_districts_and_times_written_at_the_kinds_step_are_kept_for_their_steps(chat, session):
    """A helper answers ahead of the questions (「緑ケ丘と八幡」 while asked what they can do): kept,
    and shown chosen at the districts and free-time steps, never asked again as not understood."""
    midori = factories.district(session, "緑ケ丘")
    factories.district(session, "八幡")
    factories.resident(session, user_id="H")  # no district of their own
    chat.say("H", "手伝いたい")
    got = chat.say("H", "緑ケ丘と八幡")
    assert "よくわかりませんでした" not in " ".join(texts(got)), texts(got)
    got = chat.say("H", "平日の午前なら")
    assert "よくわかりませんでした" not in " ".join(texts(got)), texts(got)
    got = chat.say("H", "買い物と犬の散歩ならできます")
    assert {"✓ 買い物", "✓ 犬の散歩"} <= set(buttons(got))
    got = chat.say("H", "はい")
    assert {"✓ 緑ケ丘", "✓ 八幡"} <= set(buttons(got)), buttons(got)
    got = chat.say("H", "はい")
    assert "✓ 平日の午前" in buttons(got), buttons(got)
    profile = session.scalar(select(HelperProfile))
    assert {d.name for d in profile.districts} == {"緑ケ丘", "八幡"} and midori in profile.districts
    assert profile.availability == ["weekday_morning"]


@pytest.mark.parametrize(
    ("language", "offer", "times", "asked_times"),
    [
        ("en", "I'd like to help out, I can do gardening", "weekends and weekday evenings", "free"),
        ("ja", "庭の手入れなら手伝えます、登録したい", "土日と平日の夕方", "手伝いやすい時間"),
    ],
)
def test_free_time_written_at_the_districts_step_goes_on_to_the_free_time_step(
    language, offer, times, asked_times, chat, session
):
    """The districts asked, their own already chosen, the helper writes when they are free: that is
    the next question's answer, so the bot goes on to it with those times chosen instead of asking
    for the districts again as if nothing was said."""
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="H", district=midori, language=language)
    chat.say("H", offer)
    got = chat.say("H", {"en": "that's all", "ja": "以上です"}[language])
    assert "緑ケ丘" in " ".join(buttons(got))  # the districts step
    got = chat.say("H", times)
    assert asked_times in texts(got)[-1], texts(got)  # on to the free-time step
    profile = session.scalar(select(HelperProfile))
    assert set(profile.availability) == {"weekend", "weekday_evening"}
    assert [d.id for d in profile.districts] == [midori.id]


def test_a_request_written_at_the_experience_question_is_never_stored_as_experience(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="H", district=midori)
    got = chat.say("H", "手伝えることがあれば登録したい")
    got = press(chat, "H", "ごみ出し", got)
    for _ in range(3):
        got = press(chat, "H", "完了", got)
    assert "経験" in texts(got)[-1] or "お仕事" in texts(got)[-1]
    got = chat.say("H", "スマホの使い方を教えてほしいんですが")
    assert "向いていると読み取りました" not in " ".join(texts(got))
    assert session.scalar(select(HelperProfile.experience)) in (None, "")


def test_registration_honours_the_same_exits_as_every_conversation(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="H", district=midori)
    got = chat.say("H", "手伝えることがあれば登録したい")
    got = chat.say("H", "今日はいい天気ですね")  # not an answer: said so, the step asked again
    assert "わかりませんでした" in texts(got)[0] and "手伝えること" in texts(got)[-1]
    got = chat.say("H", "使い方を教えて")  # answered, then the step asked again
    assert "使い方" in texts(got)[0] and "手伝えること" in texts(got)[-1]
    got = chat.say("H", "やっぱりやめときます")
    assert "登録はここでやめておきます" in texts(got)[-1]
    got = press(chat, "H", "ごみ出し", chat.say("H", "手伝いたい"))  # back later: registration again
    assert "✓ ごみ出し" in buttons(got)


def test_a_request_at_the_helpers_menu_asks_whether_to_leave_it(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.helper(session, user_id="H", district=midori)
    got = chat.say("H", "手伝いたい")
    assert "いまの登録" in texts(got)[-1]
    got = chat.say("H", "明日の朝ゴミ出しをお願いしたいです")
    assert buttons(got) == ["はい、移ります", "いいえ、続けます"]
    got = press(chat, "H", "はい、移ります", got)
    assert "住所" in texts(got)[-1] and "変更はやめておきます" in texts(got)[0]


def test_pause_and_resume_by_text_and_button(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.helper(session, user_id="H", district=midori)
    got = chat.say("H", "手伝いたい")
    assert "お休みする" in buttons(got)
    got = chat.say("H", "しばらくお休みします")
    assert "お休みにしました" in texts(got)[0]
    assert session.scalar(select(HelperProfile)).paused
    got = chat.press("H", "menu.give_help")
    got = press(chat, "H", "再開する", got)
    assert "おかえりなさい" in texts(got)[0]
    assert not session.scalar(select(HelperProfile)).paused


def test_registration_in_a_district_that_requires_approval(chat, session):
    hills = factories.district(session, "八幡", requires_approval=True)
    admin = factories.admin(session, hills, user_id="ADMIN")
    factories.resident(session, user_id="H", district=hills, display_name="鈴木")
    got = chat.press("H", "menu.give_help")
    for label in ("ごみ出し", "完了", "完了", "完了"):
        got = press(chat, "H", label, got)
    got = press(chat, "H", "とばす", got)
    assert "承認" in texts(got)[0]
    to_admin = chat.channel.to("ADMIN")[-1]
    assert "鈴木" in to_admin.text
    got = press(chat, "ADMIN", "承認する", [to_admin])
    assert "承認しました" in texts(got)[0]
    assert "承認されました" in texts(chat.channel.to("H"))[-1]
    profile = session.scalar(select(HelperProfile))
    assert profile.approved and profile.approved_by_id == admin.id


def test_someone_else_cannot_approve(chat, session):
    hills = factories.district(session, "八幡", requires_approval=True)
    helper = factories.helper(session, district=hills, approved=False)
    factories.resident(session, user_id="X", district=hills)
    got = chat.press("X", f"helper.approve:{helper.id}")
    assert "担当者だけ" in texts(got)[0]


def test_an_unfinished_registration_times_out_politely(chat, session, rt):
    factories.resident(session, user_id="H")
    chat.press("H", "menu.give_help")
    rt.clock = StoppedClock(local_now() + timedelta(minutes=drafts.QUESTION_MINUTES + 1))  # the hour is up
    rt.jobs.run_delayed()
    assert "途中のまま" in texts(chat.channel.to("H"))[-1]
    got = chat.say("H", "こんにちは")
    assert "手伝えること" not in texts(got)[0]


def test_register_by_writing_instead_of_pressing(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.district(session, "八幡")
    factories.resident(session, user_id="H", district=midori)
    got = chat.say("H", "何かお手伝いできることがあれば登録したいです")
    got = chat.say("H", "買い物と犬の散歩ならできます")
    assert {"✓ 買い物", "✓ 犬の散歩"} <= set(buttons(got))
    got = press(chat, "H", "完了", got)
    got = chat.say("H", "八幡も行けます")
    assert {"✓ 緑ケ丘", "✓ 八幡"} <= set(buttons(got))
    got = press(chat, "H", "完了", got)
    got = chat.say("H", "平日の午前と週末なら")
    assert {"✓ 平日の午前", "✓ 土日"} <= set(buttons(got)) and "✓ 平日の夕方" not in buttons(got)
    profile = session.scalar(select(HelperProfile))
    assert sorted(profile.availability) == ["weekday_morning", "weekend"]
    assert sorted(d.name for d in profile.districts) == ["八幡", "緑ケ丘"]


def test_a_forged_choice_button_changes_nothing(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="H", district=midori)
    chat.say("H", "手伝いたいです")
    for data in (
        "helper.toggle:kinds:lawyer",
        "helper.toggle:slots:midnight",
        "helper.toggle:districts:999",
        "helper.toggle:secrets:x",
    ):
        got = chat.press("H", data)
        assert "古くなった" in texts(got)[0]
    profile = session.scalar(select(HelperProfile))
    assert profile.skills == [] and profile.availability == [] and [d.name for d in profile.districts] == ["緑ケ丘"]


def test_kinds_written_in_english_are_chosen_not_taken_for_a_new_topic(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="H", district=midori, language="en")
    chat.say("H", "I'd like to help my neighbours")
    got = chat.say("H", "rubbish and shopping, I can do both")
    assert {"✓ rubbish", "✓ shopping"} <= set(buttons(got))
    assert session.scalar(select(HelperProfile)).skills == ["garbage", "shopping"]


def test_a_helper_registers_by_typing_alone_done_included(chat, session):
    factories.district(session, "緑ケ丘", reading="ミドリガオカ")
    kurosaki = factories.district(session, "黒崎", reading="クロサキ")
    factories.resident(session, user_id="H", language="en")  # no district yet
    got = chat.say("H", "I want to help out, I can do shopping and gardening")
    got = chat.say("H", "that's all")  # the Done button, typed
    assert "✓ 黒崎 Kurosaki" not in buttons(got) and "黒崎 Kurosaki" in buttons(got), texts(got)
    got = chat.say("H", "Kurosaki")
    assert "✓ 黒崎 Kurosaki" in buttons(got)
    got = chat.say("H", "that's it")
    got = chat.say("H", "weekends")
    got = chat.say("H", "done")
    assert "experience" in texts(got)[-1].lower() or "work" in texts(got)[-1].lower(), texts(got)
    profile = session.scalar(select(HelperProfile))
    assert set(profile.skills) == {"shopping", "garden"} and profile.availability == ["weekend"]
    assert [d.id for d in profile.districts] == [kurosaki.id]


def test_a_word_for_both_done_and_never_mind_is_done_once_something_is_chosen(chat, session):
    """됐어요 is "that's it" as well as "no thanks": with kinds chosen, the list is finished, not the
    registration dropped; with nothing chosen it stops, as any never mind does."""
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="H", district=midori, language="ko")
    chat.say("H", "저도 돕고 싶어요. 쓰레기 버리기랑 장보기 할 수 있어요")
    got = chat.say("H", "됐어요")
    assert "✓ 緑ケ丘" in buttons(got), texts(got)  # on to the districts
    factories.resident(session, user_id="K", district=midori, language="ko")
    session.commit()
    chat.say("K", "돕고 싶어요")
    got = chat.say("K", "됐어요")  # nothing chosen yet
    assert texts(got) == [t("helper.cancelled_registration", "ko")]


@pytest.mark.parametrize(
    ("language", "offer", "text"),
    [
        ("ko", "저도 주말에는 장보기나 청소 정도는 도와드릴 수 있어요", "네 그거면 돼요"),
        ("ja", "買い物と掃除なら手伝えます", "はい、これで全部です"),
        ("en", "I can help with shopping and cleaning", "yes that's enough"),
    ],
)
def test_a_yes_then_done_finishes_the_kinds_the_offer_filled_in(language, offer, text, chat, session):
    """The kinds step comes filled in from the offer: 「네 그거면 돼요」 (yes, that is enough) goes on
    to the districts, not 'not understood' and the same list again."""
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="H", district=midori, language=language)
    chat.say("H", offer)
    got = chat.say("H", text)
    assert "✓ 緑ケ丘" in " ".join(buttons(got)), texts(got)


@pytest.mark.parametrize("text", ["以上です", "はい"])
def test_done_typed_before_any_kind_asks_the_kinds_again(text, chat, session):
    factories.resident(session, user_id="H", district=factories.district(session, "緑ケ丘"))
    chat.say("H", "手伝えることがあれば登録したい")
    got = chat.say("H", text)
    assert "手伝えること" in texts(got)[-1]
    assert session.scalar(select(HelperProfile.skills)) == []


def test_a_plain_yes_to_the_kinds_filled_in_from_the_offer_goes_on(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="H", district=midori)
    got = chat.say("H", "元大工やけん、修理なら手伝えるよ")
    assert "✓ 修理・大工仕事" in buttons(got), buttons(got)
    got = chat.say("H", "はい")  # the kinds shown are right
    assert "手伝えること" not in texts(got)[-1] and "よくわかりません" not in " ".join(texts(got)), texts(got)
    assert session.scalar(select(HelperProfile.skills)) == ["repair"]


@pytest.mark.parametrize(
    ("language", "experience", "correction", "kept"),
    [
        (
            "en",
            "IT engineer for 15 years, I also taught coding to kids",
            "not childcare, just the computer stuff",
            ["smartphone"],
        ),
        ("ja", "元大工で、孫の子守りもしてきました", "子守りはちょっと無理です", ["repair"]),
        ("ja", "元大工で、孫の子守りもしてきました", "子守りじゃなくて修理だけで", ["repair"]),
    ],
)
def test_the_kinds_read_from_the_experience_are_corrected_in_words(
    language, experience, correction, kept, chat, session
):
    """ "not childcare, just the computer stuff" at the experience's kinds had asked whether to leave
    the registration: the kinds refused are taken out, or only those named kept."""
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="H", district=midori, language=language)
    session.commit()
    got = chat.press("H", "menu.give_help")
    for step in range(3):
        got = chat.press("H", f"helper.next:{('kinds', 'districts', 'slots')[step]}")
    chat.say("H", experience)
    got = chat.say("H", correction)
    assert session.scalar(select(HelperProfile)).experience_skills == kept, texts(got)
    assert "helper.experience_ok" in [b.data for m in got for b in m.buttons]  # shown again to confirm
