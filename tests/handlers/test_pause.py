"""Helpers pause and resume in words or by button; a paused helper is offered nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import HelperProfile, local_now
from tests import factories
from tests.fakes import buttons, texts
from tests.handlers.talk import ask_for_help, offers_to, press


@pytest.fixture
def midori(session):
    district = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=district, display_name="山田")
    factories.helper(session, user_id="H1", district=district, skills=["garbage"])
    return district


def profile(session) -> HelperProfile:
    return session.scalar(select(HelperProfile))


@pytest.mark.parametrize(
    "text",
    [
        "しばらくお休みします",
        "お手伝いを休止したいです",
        "please pause my offers",
        "しばらく留守にするけ、休ませてっちゃ",
        "ｵﾔｽﾐｼﾏｽ",
    ],
)
def test_a_helper_pauses_in_words_and_is_offered_nothing(text, chat, session, midori):
    got = chat.say("H1", text)
    assert any(w in texts(got)[-1].lower() for w in ("お休み", "paused", "break"))
    assert profile(session).paused
    ask_for_help(chat)
    assert offers_to(chat, "H1") == []


def test_a_pause_for_next_week_ends_by_itself(chat, session, midori):
    got = chat.say("H1", "来週は旅行でお休みします")
    until = profile(session).paused_until
    assert until is not None and "まで" in texts(got)[-1] and "再開する" in buttons(got)
    assert until - local_now() > timedelta(days=7)
    ask_for_help(chat)
    assert offers_to(chat, "H1") == []
    profile(session).paused_until = local_now() - timedelta(minutes=1)  # the week has passed
    session.commit()
    chat.say("REQ", "さっきのお願い、取り消します")
    ask_for_help(chat)
    assert len(offers_to(chat, "H1")) == 1


@pytest.mark.parametrize("text", ["また再開します", "旅行から戻りました。また手伝えます", "I'm back, please resume"])
def test_a_paused_helper_resumes_in_words(text, chat, session, midori):
    profile(session).paused = True
    session.commit()
    chat.say("H1", text)
    assert not profile(session).paused
    ask_for_help(chat)
    assert len(offers_to(chat, "H1")) == 1


def test_pause_and_resume_by_button(chat, session, midori):
    got = chat.say("H1", "来週はお休みします")
    press(chat, "H1", "再開する", got)
    assert not profile(session).paused and profile(session).paused_until is None


def test_a_helper_asking_for_help_on_a_day_off_is_not_paused(chat, session, midori):
    got = chat.say("H1", "今日は休みなので、明日の買い物をお願いしたいです")
    assert "買い物" in texts(got)[0] and not profile(session).paused


# -- through LINE: the webhook, the job, line-bot-sdk and the fake LINE API ----------------------


@pytest.fixture
def on_line(session):
    district = factories.district(session, "緑ケ丘")
    factories.resident(session, platform="line", user_id="Ureq", district=district, display_name="山田")
    factories.helper(session, platform="line", user_id="Uh1", district=district, skills=["garbage"])
    session.commit()
    return district


@pytest.mark.parametrize(
    "text", ["来週は旅行でお休みします", "ﾗｲｼｭｳﾊ ﾘｮｺｳﾃﾞ ｵﾔｽﾐｼﾏｽ", "来週は休ませてください", "来月の頭までお休みします"]
)
def test_a_break_written_at_the_helpers_menu_keeps_its_end(text, line_chat, session, on_line):
    got = line_chat.say("Uh1", "手伝いたい")
    assert "いまの登録" in texts(got)[-1]
    got = line_chat.say("Uh1", text)
    until = profile(session).paused_until
    assert profile(session).paused and until is not None and until - local_now() > timedelta(days=7)
    assert "まで" in texts(got)[-1]
    ask_for_help(line_chat, user="Ureq")
    assert offers_to(line_chat, "Uh1") == []


@pytest.mark.parametrize("text", ["仕事が忙しいので休ませてください", "しばらく やすませて ください"])
def test_let_me_rest_is_a_break(text, line_chat, session, on_line):
    line_chat.say("Uh1", text)
    assert profile(session).paused
    ask_for_help(line_chat, user="Ureq")
    assert offers_to(line_chat, "Uh1") == []


@pytest.mark.parametrize("text", ["落ち着いたのでまたお手伝いします", "また手伝いたいです", "手伝いたい"])
def test_a_paused_helper_who_says_they_will_help_is_back(text, line_chat, session, on_line):
    profile(session).paused = True
    session.commit()
    got = line_chat.say("Uh1", text)
    assert "おかえりなさい" in texts(got)[0] and not profile(session).paused
    ask_for_help(line_chat, user="Ureq")
    assert len(offers_to(line_chat, "Uh1")) == 1


@pytest.mark.parametrize(
    ("text", "last_day"), [("12月10日まで休みます", "12月10日"), ("12月10日までお休みさせてください", "12月10日")]
)
def test_a_break_names_the_last_day_said_and_its_resume_button_lasts(text, last_day, line_chat, session, on_line):
    got = line_chat.say("Uh1", text)
    assert texts(got)[-1].startswith(f"{last_day}(") and "12月11日" in texts(got)[-1]  # back the day after
    assert got[-1].lasting and "再開する" in buttons(got)  # on the message: it must outlast the week
    line_chat.say("Uh1", "今日は寒いですね")  # later messages come in between
    press(line_chat, "Uh1", "再開する", got)
    assert not profile(session).paused
