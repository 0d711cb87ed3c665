"""Safety checks: answers by button and words, urgent requests, admin's counts, reminders."""

from __future__ import annotations

from sqlalchemy import select

from bot import jobs
from bot.circulars import circulars
from db.models import Circular, HelpRequest
from tests import factories
from tests.circulars.conftest import add_followers
from tests.fakes import buttons, texts


def start_check(chat, session, admin, district) -> int:
    chat.press(admin.platform_user_id, f"safety.prepare:{district.id}")
    check_id = session.scalar(select(Circular.id).where(Circular.kind == "safety_check"))
    chat.press(admin.platform_user_id, f"circular.send:{check_id}")
    return check_id


def test_safety_check_with_mixed_answers(chat, session, channel, midori, midori_admin):
    people = add_followers(session, midori, 5)
    check_id = start_check(chat, session, midori_admin, midori)
    message = channel.multicasts[0][1][0]
    assert [b.label for b in message.buttons] == ["無事です", "助けが必要"]
    assert "無事とのこと" in texts(chat.press(people[0], f"safety.safe:{check_id}"))[0]
    assert "無事とのこと" in texts(chat.say(people[1], "家族みんな無事です"))[0]
    got = chat.say(people[2], "足をけがして動けません")
    assert any("すぐに地区の担当者" in text for text in texts(got))
    chat.press(people[3], f"safety.need_help:{check_id}")
    counts = circulars.progress(session, check_id)
    assert (counts.safe, counts.need_help, counts.no_answer) == (2, 2, 1)
    got = chat.press(midori_admin.platform_user_id, "safety.status")
    assert "無事2人、助けが必要2人、未回答1人" in texts(got)[0]
    assert people[4] in texts(got)[0]


def test_need_help_opens_an_urgent_request_and_alerts_the_admin(chat, session, channel, midori, midori_admin):
    people = add_followers(session, midori, 2)
    start_check(chat, session, midori_admin, midori)
    chat.say(people[0], "足をけがして動けません")
    request = session.scalar(select(HelpRequest))
    assert request.urgent and request.category == "other"
    assert request.offer_round == 1  # matched at once
    assert "足をけがして動けません" in request.text
    got = texts(channel.to(midori_admin.platform_user_id))
    alert = next(i for i, text in enumerate(got) if "【至急】" in text)
    assert "足をけがして動けません" in got[alert]
    # in the order it was decided: the alert, then (nobody took it) the admin's choice of helper
    assert alert < next(i for i, text in enumerate(got) if "引き受け手なし" in text)


def test_answering_twice_opens_one_request(chat, session, midori, midori_admin):
    people = add_followers(session, midori, 1)
    check_id = start_check(chat, session, midori_admin, midori)
    chat.press(people[0], f"safety.need_help:{check_id}")
    chat.press(people[0], f"safety.need_help:{check_id}")
    assert len(session.scalars(select(HelpRequest)).all()) == 1


def test_read_and_safe_are_not_mixed(chat, session, midori, midori_admin):
    people = add_followers(session, midori, 2)
    check_id = start_check(chat, session, midori_admin, midori)
    chat.press(people[0], f"circular.confirm:{check_id}")
    counts = circulars.progress(session, check_id)
    assert (counts.safe, counts.no_answer) == (0, 2)


def test_reminder_goes_once_to_those_who_did_not_answer(chat, rt, session, channel, midori, midori_admin):
    people = add_followers(session, midori, 3)
    check_id = start_check(chat, session, midori_admin, midori)
    chat.press(people[0], f"safety.safe:{check_id}")
    assert rt.jobs.run_delayed() == 1
    jobs.remind_safety(check_id)  # run twice: nothing more
    reminders = [users for users, messages, _ in channel.multicasts[1:]]
    assert reminders == [people[1:]]
    assert buttons(channel.multicasts[1][1]) == ["無事です", "助けが必要"]


def test_button_for_a_check_never_sent_is_answered_kindly(chat, session, midori):
    person = add_followers(session, midori, 1)[0]
    got = chat.press(person, "safety.safe:999")
    assert "安否確認がありません" in texts(got)[0]


def test_an_admin_can_type_the_commands_instead_of_pressing(chat, session, channel, midori, midori_admin):
    people = add_followers(session, midori, 2)
    admin = midori_admin.platform_user_id
    got = chat.say(admin, "安否確認")
    assert "送信" in buttons(got)
    chat.press(admin, next(b.data for b in got[-1].buttons if b.label == "送信"))
    check_id = session.scalar(select(Circular.id).where(Circular.kind == "safety_check"))
    chat.press(people[0], f"safety.safe:{check_id}")
    got = chat.say(admin, "未回答の人")
    assert "無事1人、助けが必要0人、未回答1人" in texts(got)[0]
    assert people[1] in texts(got)[0]


def test_a_resident_typing_the_admin_words_is_not_treated_as_an_admin(chat, session, channel, midori):
    add_followers(session, midori, 1)
    factories.resident(session, user_id="U9", district=midori)
    got = chat.say("U9", "安否確認の件、家族みんな元気です")
    assert "送信" not in buttons(got)
    assert session.scalar(select(Circular.id)) is None


def test_a_safety_check_takes_the_reply_even_from_someone_mid_request(chat, session, midori, midori_admin):
    [person] = add_followers(session, midori, 1)
    chat.say(person, "ゴミ出しをお願いしたい")  # the bot now waits for a time or a place
    check_id = start_check(chat, session, midori_admin, midori)
    got = chat.say(person, "足をけがして動けません")
    assert any("すぐに地区の担当者" in text for text in texts(got))
    assert circulars.progress(session, check_id).need_help == 1


def test_an_emergency_answer_to_a_safety_check_says_119_first_and_is_recorded_as_need_help(
    chat, session, channel, midori, midori_admin
):
    people = add_followers(session, midori, 2)
    check_id = start_check(chat, session, midori_admin, midori)
    got = texts(chat.say(people[0], "水が腰まで来とって家から出られん"))
    call = next(i for i, text in enumerate(got) if "119" in text)
    told = next(i for i, text in enumerate(got) if "すぐに地区の担当者" in text)
    assert call < told  # whom to call comes before the safety check's answer
    assert circulars.progress(session, check_id).need_help == 1
    alerts = [text for text in texts(channel.to(midori_admin.platform_user_id)) if "【至急】" in text]
    assert len(alerts) == 1 and "水が腰まで" in alerts[0]  # told once, by the safety check
    assert not any("【緊急】" in text for text in texts(channel.to(midori_admin.platform_user_id)))
