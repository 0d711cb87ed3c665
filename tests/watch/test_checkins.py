"""Daily check-ins in chat: signing up, the greeting, answers by button and in words, pauses."""

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from bot.events import Card
from bot.i18n import t
from db.models import CheckIn, CheckInDay, HelpRequest, Watcher
from tests import factories
from tests.fakes import texts
from tests.watch.talk import MONDAY, at, greeting_button, sign_up


def _setup(session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="HANA", district=midori, display_name="花子")
    factories.resident(session, user_id="DAUGHTER", display_name="娘")
    return midori


def test_sign_up_then_a_greeting_with_a_button_on_the_message_and_the_answer(chat, session):
    _setup(session)
    chat.clock = MONDAY - timedelta(days=1)
    code = sign_up(chat, "HANA")
    check_in = session.scalar(select(CheckIn))
    assert (check_in.minute_of_day, check_in.alert_after_hours, len(check_in.weekdays)) == (540, 3, 7)
    assert code == check_in.invite_code
    assert session.get(type(check_in.resident), check_in.resident_id).address == "緑ケ丘3-2-1"
    at(chat, MONDAY.replace(hour=8, minute=59))
    assert not any(isinstance(m, Card) for m in chat.channel.to("HANA"))
    at(chat, MONDAY.replace(hour=9, minute=0))
    at(chat, MONDAY.replace(hour=9, minute=1))  # a second tick greets nobody twice
    greetings = [m for m in chat.channel.to("HANA") if isinstance(m, Card)]
    assert len(greetings) == 1 and "今日もお元気ですか" in greetings[0].body
    assert [b.label for b in greetings[0].buttons] == ["元気です"]
    got = chat.press("HANA", greeting_button(chat, "HANA"))
    assert "良い一日" in texts(got)[0]
    day = session.scalar(select(CheckInDay))
    assert day.answer == "fine" and day.answered_at is not None


def test_any_words_count_and_worrying_words_reach_the_watcher_at_once(chat, session):
    _setup(session)
    chat.clock = MONDAY - timedelta(days=1)
    code = sign_up(chat, "HANA")
    got = chat.say("DAUGHTER", f"見守りコード {code}")
    assert "花子さんの見守りに加わりました" in texts(got)[0]
    at(chat, MONDAY.replace(hour=9))
    got = chat.say("HANA", "ちょっと熱があるみたい")
    assert "119" in texts(got)[0]
    alert = texts(chat.channel.to("DAUGHTER"))[-1]
    assert "花子さん" in alert and "ちょっと熱がある" in alert
    assert session.scalar(select(CheckInDay.answer)) == "unwell"
    told = len(chat.channel.to("DAUGHTER"))
    at(chat, MONDAY.replace(hour=9) + timedelta(days=1))
    got = chat.say("HANA", "おはようございます")
    assert "お返事ありがとうございます" in texts(got)[0]
    assert len(chat.channel.to("DAUGHTER")) == told  # a plain answer worries nobody


def test_only_the_words_of_someone_watched_are_looked_up_as_an_answer_or_a_pause(chat, session):
    _setup(session)
    chat.clock = MONDAY - timedelta(days=1)
    sign_up(chat, "HANA")
    at(chat, MONDAY.replace(hour=9))
    looked: list[str] = []

    def note(_connection, _cursor, statement, *_rest) -> None:
        if "check_in" in statement:
            looked.append(statement)

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", note)
    try:
        chat.say("DAUGHTER", "こんにちは")  # no check-in: no greeting looked for (every text of everyone)
        chat.say("DAUGHTER", "明日から3日間、娘のところに行きます")  # nor one to pause
        assert looked == []
        chat.say("HANA", "おはようございます")
        assert looked
    finally:
        event.remove(bind, "before_cursor_execute", note)
    assert session.scalar(select(CheckInDay.answer)) == "words"


def test_a_time_away_in_words_pauses_the_greetings_and_the_watcher_knows(chat, session):
    _setup(session)
    chat.clock = MONDAY - timedelta(days=1)
    code = sign_up(chat, "HANA")
    chat.say("DAUGHTER", f"見守りコード {code}")
    chat.clock = MONDAY.replace(hour=20)
    got = chat.say("HANA", "明日から3日間、娘のところに行きます")
    assert "12月1日(火)から12月3日(木)まで" in texts(got)[0]
    assert "お休み" in texts(chat.channel.to("DAUGHTER"))[-1]
    for day in (1, 2, 3):
        at(chat, MONDAY.replace(month=12, day=day, hour=10))
    assert session.scalar(select(CheckInDay)) is None
    at(chat, MONDAY.replace(month=12, day=4, hour=10))
    assert session.scalar(select(CheckInDay.day)).day == 4


def test_weekdays_only_skips_the_weekend_and_the_record_shows_thirty_days(chat, session):
    _setup(session)
    chat.clock = MONDAY - timedelta(days=1)
    code = sign_up(chat, "HANA", days="平日だけ")
    chat.say("DAUGHTER", f"見守りコード {code}")
    for offset in range(7):
        at(chat, MONDAY.replace(hour=9) + timedelta(days=offset))
        if offset % 2 == 0:
            chat.press("HANA", greeting_button(chat, "HANA"))
        at(chat, MONDAY.replace(hour=23) + timedelta(days=offset))
    assert len(session.scalars(select(CheckInDay)).all()) == 5
    got = chat.say("DAUGHTER", "見守りの記録")
    record = texts(got)[0]
    assert "花子さんの見守り" in record and record.count("元気です") == 3 and record.count("お返事なし") == 2


def test_a_stranger_cannot_answer_for_someone_else(chat, session):
    _setup(session)
    chat.clock = MONDAY - timedelta(days=1)
    sign_up(chat, "HANA")
    at(chat, MONDAY.replace(hour=9))
    got = chat.press("DAUGHTER", greeting_button(chat, "HANA"))
    assert "古く" in texts(got)[0]
    assert session.scalar(select(CheckInDay.answered_at)) is None


def test_the_sign_up_honours_cancel_and_asks_again_when_words_are_no_answer(chat, session):
    from tests.handlers.talk import press

    _setup(session)
    got = chat.say("HANA", "見守りをお願いしたい")
    got = chat.say("HANA", "うーん")
    assert "どなたの見守り" in texts(got)[-1]  # asked again
    got = press(chat, "HANA", "自分", got)
    got = chat.say("HANA", "うーん")
    assert "何時ごろ" in texts(got)[-1]  # asked again
    got = press(chat, "HANA", "7:00", got)
    got = chat.say("HANA", "やめます")
    assert "登録をやめました" in texts(got)[0]
    assert session.scalar(select(CheckIn)) is None


def test_for_whom_typed_instead_of_pressed_goes_on(chat, session):
    """「わたしです」 at 「どなたの見守りを始めますか？」 is oneself; 「母です」 is family, whose name is asked."""
    _setup(session)
    chat.say("HANA", "見守りをお願いしたい")
    assert "何時ごろ" in texts(chat.say("HANA", "わたしです"))[-1]
    chat.say("HANA", "やめます")
    chat.say("HANA", "見守りをお願いしたい")
    got = chat.say("HANA", "母の見守りをお願いしたいです")
    assert "何時ごろ" not in texts(got)[-1] and "どなたの見守り" not in texts(got)[-1]  # on to the family's name


ASK_FOR_A_WATCH = {
    "vi": "tôi muốn được hỏi thăm hằng ngày",
    "ja": "見守りをお願いしたい",
    "en": "I'd like the daily check-in",
    "ko": "안부 확인 서비스 신청하고 싶어요",
    "zh-Hans": "我想申请每天的平安确认",
}


@pytest.mark.parametrize(
    ("language", "days", "hours", "who", "weekdays", "alert_after", "admins_watch"),
    [
        ("ja", "平日だけでお願いします", "3時間くらいで", "両方で", 5, 3, True),
        ("ja", "毎日で", "6", "家族で", 7, 6, False),
        ("ja", "平日", "2時間", "役員さんにお願いします", 5, 2, True),
        ("en", "weekdays please", "3 hours", "both", 5, 3, True),
        ("ko", "평일만요", "6시간", "둘 다", 5, 6, True),
        ("zh-Hans", "每天吧", "2个小时", "家人", 7, 2, False),
        ("vi", "chỉ ngày thường thôi", "3 giờ", "gia đình", 5, 3, False),  # ngày is in both days' labels
        ("vi", "mỗi ngày", "6 giờ", "cả hai", 7, 6, True),
        # every choice named, with the word for both: both, not asked again
        ("ja", "毎日", "3時間", "家族と役員の両方で", 7, 3, True),
        ("ja", "平日がいいです", "3時間", "家族で", 5, 3, False),  # 平日 names 平日だけ
        ("en", "every day", "3 hours", "my family and the district officers, both", 7, 3, True),
        ("ko", "매일", "3시간", "가족이랑 지역 담당자 둘 다요", 7, 3, True),
        # English names the one meant before "instead of" and ", not", after "not ... but"
        ("en", "weekdays instead of every day", "3 hours", "family", 5, 3, False),
        ("en", "Weekdays, not every day", "3 hours", "family", 5, 3, False),
        ("en", "not every day but weekdays", "3 hours", "family", 5, 3, False),
        ("en", "Instead of weekdays only, every day please", "3 hours", "family", 7, 3, False),
    ],
)
def test_the_days_the_hours_and_who_watches_typed_instead_of_pressed_go_on(
    language, days, hours, who, weekdays, alert_after, admins_watch, chat, session
):
    """Older people type what the buttons say (「毎日で」「3時間くらいで」「両方で」): it is the answer."""
    from tests.handlers.talk import press

    midori = factories.district(session, "緑ケ丘")
    factories.admin(session, midori, user_id="ADMIN")
    factories.resident(session, user_id="HANA", district=midori, language=language)
    session.commit()
    got = chat.say("HANA", ASK_FOR_A_WATCH[language])
    got = press(chat, "HANA", t("watch.for_myself", language), got)
    got = press(chat, "HANA", "9:00", got)
    for typed in (days, hours, who):
        got = chat.say("HANA", typed)
    check_in = session.scalar(select(CheckIn))
    assert check_in is not None, texts(got)
    assert (len(check_in.weekdays), check_in.alert_after_hours) == (weekdays, alert_after)
    roles = set(session.scalars(select(Watcher.role).where(Watcher.check_in_id == check_in.id)))
    assert ("admin" in roles) == admins_watch


def test_words_that_name_no_choice_or_two_are_asked_again_and_a_contrast_is_read(chat, session):
    from tests.handlers.talk import press

    _setup(session)
    got = chat.say("HANA", "見守りをお願いしたい")
    got = press(chat, "HANA", "自分", got)
    got = press(chat, "HANA", "9:00", got)
    got = chat.say("HANA", "平日と毎日、どっちがいいと思う？")  # a question back chooses neither
    assert "どの日" in texts(got)[-1]
    got = chat.say("HANA", "毎日か平日だけ")  # both named: which one is not guessed
    assert "どの日" in texts(got)[-1]
    got = chat.say("HANA", "毎日は無理です")  # the one named is refused, not taken
    assert "どの日" in texts(got)[-1]
    got = chat.say("HANA", "毎日じゃなくて平日だけ")  # what follows the contrast is meant
    assert "何時間" in texts(got)[-1]
    got = chat.say("HANA", "13時間")  # no such choice, and not the 3時間 in it
    assert "何時間" in texts(got)[-1] and session.scalar(select(CheckIn)) is None
    got = chat.say("HANA", "3時間")
    assert "どなた" in texts(got)[-1]


def test_a_sign_up_that_needed_the_district_first_goes_on_once_it_is_known(chat, session):
    from tests.handlers.talk import press

    factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="NEW", display_name="新人")  # no district yet
    got = press(chat, "NEW", "自分", chat.say("NEW", "見守りをお願いしたい"))
    assert "地区" in texts(got)[-1]
    got = press(chat, "NEW", "緑ケ丘", got)
    assert "緑ケ丘で登録しました" in texts(got)[0] and "何時ごろ" in texts(got)[-1]  # not started over


@pytest.mark.parametrize("early", ["朝9時", "毎日"])
def test_an_answer_to_a_later_question_at_the_district_question_asks_the_district_again(early, chat, session):
    """「朝9時」 while the sign-up waits for the district: asked again, not small talk that leaves
    the sign-up behind unseen; the district then takes it on."""
    from tests.handlers.talk import press

    factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="NEW", display_name="新人")
    press(chat, "NEW", "自分", chat.say("NEW", "見守りをお願いしたい"))
    got = chat.say("NEW", early)
    assert "もう一度" in texts(got)[0] and "地区" in texts(got)[-1], texts(got)
    got = chat.say("NEW", "緑ケ丘です")
    assert "何時ごろ" in texts(got)[-1]


@pytest.mark.parametrize("text", ["ありがとう", "今日は寒いですね"])
def test_small_talk_hours_after_a_sign_up_was_left_at_the_district_is_answered_as_small_talk(text, chat, session):
    """The district asked and left unanswered: hours later 「ありがとう」 is not 「お返事がよくわかりません
    でした」 and the district again (every message was, for as long as the question stayed)."""
    from tests.handlers.talk import press

    factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="NEW", display_name="新人")
    press(chat, "NEW", "自分", chat.say("NEW", "見守りをお願いしたい"))
    chat.later(hours=5)
    got = chat.say("NEW", text)
    assert not any("地区" in said for said in texts(got)), texts(got)


@pytest.mark.parametrize(
    ("language", "text", "asked"),
    [
        ("ja", "一人暮らしの母の見守りをお願いしたいです", "family"),
        ("ja", "最近物忘れが多いけん、毎日声をかけてもらえんやろか", "whom"),
        ("en", "I'd like daily check-ins for my father who lives alone", "family"),
        ("vi", "Nhờ hỏi thăm hằng ngày mẹ tôi, bà sống một mình", "family"),
        ("zh-Hans", "我想给独居的母亲开通每天问候", "family"),
        ("ko", "혼자 사시는 어머니 매일 안부 확인 부탁드려요", "family"),
        # a sign-up, not the record (様子) nor stopping ("end" in "weekends")
        ("ja", "一人暮らしの母の様子が心配なので、見守りをお願いしたいです", "family"),
        ("en", "I'd like daily check-ins for my father on weekends", "family"),
        # no word of 見守り: looking in on someone every day
        ("en", "hi, my mom lives alone, can someone check on her every day?", "family"),
        ("ja", "母が一人で住んどるけん、毎朝様子ば見てもらえんやろか", "family"),
        ("zh-Hans", "我妈妈一个人住，能不能每天有人去看看她？", "family"),
        ("ko", "아버지가 혼자 계시는데 매일 전화로 괜찮은지 봐 주실 분 있을까요?", "family"),
        # "ông" (grandfather) is not the one inside "không": asked for whom
        ("vi", "Tôi sống một mình, nhờ hỏi thăm tôi hằng ngày được không?", "whom"),
        # a family far away, a kind (親切) helper: no parent named, so for whom is asked
        ("ja", "家族が遠くに住んでいるので、毎日見守りをお願いしたいです", "whom"),
        ("ja", "一人暮らしなので、親切な方に毎日見守りをお願いしたいです", "whom"),
        # 見守る as a verb (見守って), not only the noun 見守り
        ("ja", "一人暮らしやけん、毎日見守ってもらえると安心なんやけど", "whom"),
        ("ja", "父をみまもってくれる人はおらんですか", "family"),
        ("en", "I live alone and my family is far away, I'd like daily check-ins for me", "whom"),
        ("ko", "가족이 멀리 살아서 저 혼자 사는데 매일 안부 확인 부탁드려요", "whom"),
    ],
)
def test_a_watch_asked_for_in_a_sentence_starts_the_sign_up(language, text, asked, chat, session):
    """Not a request for 「その他」, not small talk; a sentence that names a parent has said for
    whom already: their name is asked next, not 「どなたの見守りを始めますか？」."""
    midori = _setup(session)
    factories.resident(session, user_id="ASKER", district=midori, language=language)
    got = chat.say("ASKER", text)
    question = {"family": "watch.ask_family_name", "whom": "watch.ask_whom"}[asked]
    assert t(question, language) in texts(got)[-1], texts(got)
    assert session.scalar(select(HelpRequest)) is None


@pytest.mark.parametrize(
    ("text", "sign_up"),
    [
        ("明日の夕方、孫を見守ってもらえませんか", False),  # one evening: a request with its time
        ("土曜の午後だけ、娘を見守ってくれる人はいませんか", False),
        ("来週から毎日、母を見守ってもらえませんか", True),  # every day from a day: the sign-up
    ],
)
def test_watching_someone_on_a_day_named_is_a_request_not_the_daily_sign_up(text, sign_up, chat, session):
    """「明日の夕方、孫を見守って」 asks for one evening: not 「どなたの見守りを始めますか？」."""
    midori = _setup(session)
    factories.resident(session, user_id="ASKER", district=midori)
    got = chat.say("ASKER", text)
    assert (session.scalar(select(HelpRequest)) is None) is sign_up, texts(got)
    assert any(t(q, "ja") in texts(got)[-1] for q in ("watch.ask_family_name", "watch.ask_whom")) is sign_up


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Could someone check on my neighbour tomorrow? I haven't seen her for days"),
        ("ja", "隣のおばあちゃんを最近見かけんけん、明日様子を見に行ってもらえんやろか"),
        ("ja", "毎朝、母の様子を見に行きよります"),  # telling, not asking
        # small talk asking after someone, on a day like every day: nobody is asked to look in
        ("ja", "毎日暑いですね、お母さんの様子はどうですか？"),
        ("zh-Hans", "每天都很热，你好不好？"),
        ("ko", "매일 덥네요. 괜찮은지요?"),
        ("en", "Do you check on your mum every day?"),
    ],
)
def test_looking_in_once_or_telling_of_it_is_not_a_daily_check_in(language, text, chat, session):
    midori = _setup(session)
    factories.resident(session, user_id="ASKER", district=midori, language=language)
    got = chat.say("ASKER", text)
    assert t("watch.ask_whom", language) not in " ".join(texts(got))


def test_a_report_or_a_thank_you_that_names_the_watch_starts_nothing(chat, session):
    midori = _setup(session)
    factories.resident(session, user_id="ASKER", district=midori)
    got = chat.say("ASKER", "見守りの方が今朝来てくれました、ありがとうございました")
    assert t("watch.ask_whom", "ja") not in " ".join(texts(got))


@pytest.mark.parametrize(
    "text",
    [
        "Could someone keep an eye on my house while I'm away next week?",
        "Could someone check in on my empty flat this weekend?",
    ],
)
def test_looking_after_a_house_or_a_flat_is_a_request_not_a_daily_check_in(text, chat, session):
    midori = _setup(session)
    factories.resident(session, user_id="ASKER", district=midori, language="en")
    chat.say("ASKER", text)
    assert session.scalar(select(HelpRequest)) is not None  # not the daily check-in's sign-up or its record


def test_watching_children_is_childcare_not_a_daily_check_in(chat, session):
    midori = _setup(session)
    factories.resident(session, user_id="ASKER", district=midori)
    got = chat.say("ASKER", "明日の夕方、子どもの見守りをお願いできますか")
    assert t("watch.ask_whom", "ja") not in " ".join(texts(got))
    assert session.scalar(select(HelpRequest)).category == "childcare"


@pytest.mark.parametrize(("text", "oneself"), [("저요", True), ("제가 받을게요", True), ("누나요", False)])
def test_for_whom_typed_in_korean_is_oneself_only_in_a_word_for_oneself(text, oneself, chat, session):
    """저, 나 ("me") at the start of a word is oneself; 누나 (an older sister) ends in 나 and is not."""
    midori = _setup(session)
    factories.resident(session, user_id="KO", district=midori, language="ko", display_name="민지")
    assert t("watch.ask_whom", "ko") in texts(chat.say("KO", "매일 안부 확인 부탁드려요"))[-1]
    got = chat.say("KO", text)
    assert (t("watch.ask_time", "ko", name="민지") in texts(got)[-1]) is oneself, texts(got)


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "Not every day"),
        ("zh-Hans", "不要每天，工作日就行"),
        ("ko", "매일은 힘들어요"),
        ("vi", "không phải mỗi ngày"),
    ],
)
def test_a_choice_refused_in_words_is_never_taken(language, refusal, chat, session):
    from tests.handlers.talk import press

    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="HANA", district=midori, language=language)
    session.commit()
    got = chat.say("HANA", ASK_FOR_A_WATCH[language])
    got = press(chat, "HANA", t("watch.for_myself", language), got)
    got = press(chat, "HANA", "9:00", got)
    got = chat.say("HANA", refusal)
    assert texts(got)[-1] == t("watch.ask_days", language)  # asked again, not on to the hours


def test_someone_line_gives_no_name_for_is_asked_the_time_without_a_blank_name(chat, session):
    """LINE gives no profile name at times: 「さんに毎日何時ごろ…」 was asked, with nothing before さん."""
    from tests.handlers.talk import press

    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="NONAME", district=midori, display_name="")
    got = press(chat, "NONAME", "自分", chat.say("NONAME", "見守りをお願いしたい"))
    assert texts(got)[-1].startswith("毎日何時ごろ"), texts(got)
