"""Messages that used to be partly understood: every part is used."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import HelperProfile, local_now
from tests import factories
from tests.fakes import texts
from tests.handlers.talk import ask_for_help, press


@pytest.fixture
def midori(session):
    district = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=district, display_name="山田")
    factories.helper(session, user_id="H1", district=district, display_name="佐藤")
    return district


def test_a_helper_saying_kind_and_free_time_keeps_both(chat, session, midori):
    factories.resident(session, user_id="NEW", district=midori)
    chat.say("NEW", "犬の散歩なら手伝えます。平日の午後なら空いてます")
    profile = session.scalar(
        select(HelperProfile).where(HelperProfile.skills.is_not(None)).order_by(HelperProfile.id.desc())
    )
    assert "dog_walking" in profile.skills and profile.availability == ["weekday_afternoon"]


@pytest.mark.parametrize("text", ["さっきのお願いはどうなってますか", "お願い、どうなりました？", "見つかりましたか"])
def test_asking_how_the_request_goes_gets_its_state(text, chat, session, midori):
    ask_for_help(chat)
    got = chat.say("REQ", text)
    assert "探しています" in texts(got)[0]
    chat.say("H1", "引き受けます")
    got = chat.say("REQ", text)
    assert "佐藤さんが引き受けて" in texts(got)[0]


@pytest.mark.parametrize("has_admin", [True, False])
def test_the_state_of_an_unmet_request_says_who_was_told(has_admin, chat, session):
    """Nobody free: the state never claims a district contact is looking when the district has none."""
    district = factories.district(session, "黒崎")
    factories.resident(session, user_id="REQ", district=district, address="黒崎3-4-5")
    if has_admin:
        factories.admin(session, district, user_id="ADM", display_name="区長")
    ask_for_help(chat, place="黒崎3-4-5")
    said = texts(chat.say("REQ", "さっきのお願いはどうなってますか"))[0]
    told = "担当の方にも相談しています" in said
    assert told == has_admin
    assert ("どなたにもお伝えできていません" in said) == (not has_admin)


def test_usage_and_balance_asked_together_are_both_answered(chat, session, midori):
    got = chat.say("REQ", "使い方と残高を教えて")
    assert "使い方" in texts(got)[0] and any("時間" in x or "残高" in x for x in texts(got)[1:])


def test_usage_and_balance_asked_at_a_question_are_both_answered_and_the_question_asked_again(chat, session, midori):
    got = chat.say("REQ", "明日の朝ゴミ出しをお願いできますか")
    assert "住所" in texts(got)[-1] or "待ち合わせ" in texts(got)[-1]
    said = texts(chat.say("REQ", "使い方と残高を教えて"))
    assert "使い方" in said[0] and any("時間" in x or "残高" in x for x in said[1:-1])
    assert "住所" in said[-1] or "待ち合わせ" in said[-1]


@pytest.mark.parametrize(
    "text", ["はい、ありがとうございました", "はい ありがとうございました", "ありがとうございました"]
)
def test_yes_with_thanks_confirms_the_task_is_done(text, chat, session, midori):
    from db.models import Task

    ask_for_help(chat)
    chat.say("H1", "引き受けます")
    press(chat, "H1", "30分", chat.say("H1", "終わりました"))
    chat.say("REQ", text)
    assert session.scalar(select(Task)).request.status == "done"


@pytest.mark.parametrize(
    "text",
    [
        "棚の修理、やっぱり火曜日にしてもらえますか",
        "やっぱり火曜日にしてください",
        "すみません、明日じゃなくて火曜日でお願いします",
    ],
)
def test_a_correction_after_posting_changes_the_open_request(text, chat, session, midori):
    from db.models import HelpRequest

    factories.helper(session, user_id="H2", district=midori, skills=["repair"])
    ask_for_help(chat, text="明日の朝、棚の修理をお願いしたいです")
    got = chat.say("REQ", text)
    assert "変更しました" in texts(got)[0]
    requests = list(session.scalars(select(HelpRequest)))
    assert len(requests) == 1 and requests[0].when.weekday() == 1 and requests[0].time_of_day == "morning"
    assert "日時が" in texts(chat.channel.to("H2"))[-1]


def test_a_weekday_corrected_after_posting_takes_the_day_after_the_contrast(chat, session, midori):
    """「火曜じゃなくて水曜でした」: Wednesday, not the Tuesday named first (it stayed Tuesday)."""
    from db.models import HelpRequest

    ask_for_help(chat, text="来週の火曜日、棚の修理をお願いしたいです")
    tuesday = session.scalar(select(HelpRequest)).when
    got = chat.say("REQ", "火曜じゃなくて水曜でした")
    assert "変更しました" in texts(got)[0] and "(水)" in texts(got)[0], texts(got)
    assert session.scalar(select(HelpRequest)).when.date() == (tuesday + timedelta(days=1)).date()


def test_an_english_day_instead_of_another_keeps_the_day_named_first(chat, session, midori):
    """ "Wednesday instead of Tuesday": English names the day meant first (it stayed on Tuesday,
    and the person was told it had changed)."""
    from db.models import HelpRequest

    requester = factories.resident(session, user_id="EN", district=midori, language="en")
    tuesday = (local_now() + timedelta(days=8 - local_now().weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    factories.help_request(session, requester, "repair", when=tuesday)
    got = chat.say("EN", "Sorry, Wednesday instead of Tuesday")
    assert "Wed" in texts(got)[0], texts(got)
    assert session.scalar(select(HelpRequest)).when.date() == (tuesday + timedelta(days=1)).date()


@pytest.mark.parametrize(("answer", "changed"), [("変える", True), ("はい", True), ("そのまま", False)])
def test_a_bare_time_soon_after_posting_is_asked_about_before_it_changes_the_request(
    answer, changed, chat, session, midori
):
    """「午前中がよか」 just after sending: the time of the request sent, or of a new one? Asked,
    with the new time shown; the helpers hear of it only when the person says so."""
    from db.models import HelpRequest

    factories.helper(session, user_id="H2", district=midori, skills=["repair"])
    ask_for_help(chat, text="あさって、棚の修理をお願いしたいです")
    told_before = len(chat.channel.to("H2"))
    got = chat.say("REQ", "午前中がよか")
    assert "変えますか" in texts(got)[-1] and "朝" in texts(got)[-1], texts(got)
    assert session.scalar(select(HelpRequest)).time_of_day is None  # nothing changed yet
    got = press(chat, "REQ", answer, got) if answer != "はい" else chat.say("REQ", answer)
    request = session.scalar(select(HelpRequest))
    assert (request.time_of_day == "morning") is changed
    assert ("変更しました" in texts(got)[0]) is changed
    assert (len(chat.channel.to("H2")) > told_before) is changed


def test_the_new_time_pressed_after_the_request_was_cancelled_changes_nothing_and_says_so(chat, session, midori):
    """The person cancelled meanwhile: 変える is an old button, not 「お願いはそのままです」."""
    from db.models import HelpRequest

    ask_for_help(chat, text="あさって、棚の修理をお願いしたいです")
    asked = chat.say("REQ", "午前中がよか")
    session.scalar(select(HelpRequest)).status = "cancelled"
    session.commit()
    got = press(chat, "REQ", "変える", asked)
    assert "古くなった" in texts(got)[0] and "そのまま" not in texts(got)[0], texts(got)
    assert session.scalar(select(HelpRequest)).time_of_day is None


@pytest.mark.parametrize(
    ("language", "text", "asked"),
    [
        ("ja", "今日は暑いですね", False),
        ("ja", "今日もありがとう", False),
        ("en", "Thank you for today", False),
        ("vi", "Cảm ơn hôm nay nhé", False),
        ("zh-Hans", "今天好热啊", False),
        ("ko", "오늘 고마워요", False),
        ("ja", "夕方でお願いします", True),
        ("en", "Morning would be better", True),
        ("zh-Hans", "上午比较好", True),
        ("ko", "오전이 좋아요", True),
    ],
)
def test_only_a_time_wished_for_soon_after_posting_is_asked_about_as_the_new_time(language, text, asked, chat, session):
    """「今日もありがとう」 names today but wishes for no time: no 「…を今日に変えますか？」."""
    district = factories.district(session, "緑ケ丘")
    factories.help_request(session, factories.resident(session, user_id="R", district=district, language=language))
    got = chat.say("R", text)
    assert any(b.data.startswith("request.retime") for m in got for b in m.buttons) is asked, texts(got)


def test_a_bare_time_long_after_posting_is_not_read_as_a_change(chat, session, midori):
    from db.models import HelpRequest

    ask_for_help(chat, text="あさって、棚の修理をお願いしたいです")
    chat.later(hours=3)
    got = chat.say("REQ", "午前中がよか")
    assert not any("変えますか" in text for text in texts(got))
    assert session.scalar(select(HelpRequest)).time_of_day is None


@pytest.fixture
def on_line(session):
    district = factories.district(session, "緑ケ丘")
    factories.resident(session, platform="line", user_id="Ureq", district=district, display_name="山田")
    factories.helper(session, platform="line", user_id="Uh1", district=district, display_name="佐藤")
    session.commit()
    return district


@pytest.mark.parametrize(
    "text, answer, status",
    [("いらなくなりました", "はい、取り消す", "cancelled"), ("もう必要なくなりました", "いいえ、そのまま", "open")],
)
def test_a_cancel_only_guessed_is_asked_before_the_request_is_withdrawn(
    text, answer, status, line_chat, session, on_line
):
    from db.models import HelpRequest

    ask_for_help(line_chat, user="Ureq")
    got = line_chat.say("Ureq", text)  # read as a cancel, with no word of cancelling
    assert (
        "取り消しますか" in texts(got)[-1] and got[-1].lasting and session.scalar(select(HelpRequest)).status == "open"
    )
    press(line_chat, "Ureq", answer, got)
    assert session.scalar(select(HelpRequest)).status == status
