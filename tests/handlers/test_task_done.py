"""A task done, through LINE: the helper says so (with or without how long it took, in any voice),
the person helped confirms in their own words, and the buttons to confirm stay on the message."""

import pytest
from sqlalchemy import select

from db.models import Task
from tests import factories
from tests.fakes import buttons, texts
from tests.handlers.talk import ask_for_help, offers_to, press


@pytest.fixture
def taken(line_chat, session) -> Task:
    """REQ's garbage run, taken by H1."""
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, platform="line", user_id="Ureq", district=midori, display_name="山田")
    factories.helper(session, platform="line", user_id="Uh1", district=midori, display_name="佐藤", skills=["garbage"])
    session.commit()
    ask_for_help(line_chat, user="Ureq")
    press(line_chat, "Uh1", "引き受ける", offers_to(line_chat, "Uh1")[-1:])
    return session.scalar(select(Task))


def minutes(session) -> int | None:
    session.expire_all()
    return session.scalar(select(Task.minutes))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1時間半", 90),
        ("1時間半くらいかかりました", 90),
        ("1.5時間", 90),
        ("一時間くらい", 60),
        ("二時間", 120),
        ("十五分", 15),
        ("1時間15分くらいかな", 75),
        ("45 minutes", 45),
    ],
)
def test_the_time_it_took_is_read_as_written(text, expected, line_chat, session, taken):
    got = line_chat.say("Uh1", "終わりました")
    assert "どのくらい" in texts(got)[-1]
    got = line_chat.say("Uh1", text)
    assert minutes(session) == expected
    assert any("確認" in t for t in texts(line_chat.channel.to("Ureq")))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今終わりました。1時間くらいでした", 60),
        ("ゴミ出し済みました 30分ほどです", 30),
        ("おわったよ 二時間かかった", 120),
        ("done, took 45 minutes", 45),
    ],
)
def test_a_time_said_with_done_is_not_asked_again(text, expected, line_chat, session, taken):
    got = line_chat.say("Uh1", text)
    assert "どのくらい" not in " ".join(texts(got)) and minutes(session) == expected


@pytest.mark.parametrize("text", ["2時に終わりました", "30分前に終わりました"])
def test_a_clock_time_or_a_time_ago_is_no_duration(text, line_chat, session, taken):
    got = line_chat.say("Uh1", text)
    assert "どのくらい" in texts(got)[-1] and minutes(session) is None


@pytest.mark.parametrize("text", ["わからない", "覚えてないです", "半日かかった"])
def test_words_that_give_no_time_get_the_question_again(text, line_chat, session, taken):
    line_chat.say("Uh1", "終わりました")
    got = line_chat.say("Uh1", text)
    assert "だいたいで大丈夫" in texts(got)[-1] and "30分" in buttons(got)
    line_chat.say("Uh1", "30分")
    assert minutes(session) == 30


@pytest.mark.parametrize(
    "text",
    [
        "助かりました",
        "きれいになりました、ありがとう",
        "確かに終わりました",
        "来てくれました",
        "おかげさまで",
        "終わっとるよ",
        "うん",
        "はい ありがとう ございました たすかりました",
        "ﾊｲ",
    ],
)
def test_the_person_helped_confirms_in_their_own_words(text, line_chat, session, taken):
    line_chat.say("Uh1", "終わりました")
    line_chat.say("Uh1", "30分")
    got = line_chat.say("Ureq", text)
    assert "記録し" in texts(got)[-1]
    session.expire_all()
    assert session.scalar(select(Task)).request.status == "done"
    assert "時間貯金" in texts(line_chat.channel.to("Uh1"))[-1]


@pytest.mark.parametrize(
    "text", ["まだ来てません", "いや、まだです", "終わってないです", "ありがとう、でもまだ来てないです"]
)
def test_not_yet_in_words_is_not_a_confirmation(text, line_chat, session, taken):
    line_chat.say("Uh1", "終わりました")
    line_chat.say("Uh1", "30分")
    line_chat.say("Ureq", text)
    session.expire_all()
    assert session.scalar(select(Task)).request.status == "assigned"
    assert "まだです" in texts(line_chat.channel.to("Uh1"))[-1]


def test_small_talk_gets_the_question_again_and_its_buttons_last(line_chat, session, taken):
    line_chat.say("Uh1", "終わりました")
    line_chat.say("Uh1", "30分")
    question = line_chat.channel.to("Ureq")[-1]
    assert question.lasting and {"確認する", "まだです"} <= set(buttons([question]))  # on the message
    got = line_chat.say("Ureq", "今日は寒いですね")
    assert "終わりましたか" in texts(got)[-1] and got[-1].lasting
    press(line_chat, "Ureq", "確認する", [question])  # the first one still works
    session.expire_all()
    assert session.scalar(select(Task)).request.status == "done"
