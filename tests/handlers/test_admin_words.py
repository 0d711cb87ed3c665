"""A district admin's work said in words, through LINE: a safety check or a circular asked for
anywhere in the message, who has not answered, a typed approval. A resident who is no admin
saying the same gets none of it."""

import pytest
from sqlalchemy import select

from db.models import Circular, HelperProfile, Subscription
from tests import factories
from tests.fakes import texts


@pytest.fixture
def midori(session):
    district = factories.district(session, "緑ケ丘", requires_approval=True)
    factories.admin(session, district, platform="line", user_id="Uadmin", display_name="担当")
    for user, name in (("Uf1", "安田 答子"), ("Uf2", "沈 黙子")):
        person = factories.resident(session, platform="line", user_id=user, district=district, display_name=name)
        session.add(Subscription(resident_id=person.id, district_id=district.id))
    factories.resident(session, platform="line", user_id="Ures", district=district, display_name="住民")
    session.commit()
    return district


def send_button(got) -> str:
    return next(b.data for m in got for b in m.buttons if b.data.startswith("circular.send"))


@pytest.mark.parametrize(
    "text",
    [
        "地区のみなさんに安否確認を送ってください",
        "安否確認ば送りたいっちゃけど",
        "あんぴかくにんをおくりたい",
        "今から安否確認を始めてください",
        "please send a safety check",
    ],
)
def test_a_safety_check_asked_for_in_words_is_prepared_and_sent(text, line_chat, session, midori):
    got = line_chat.say("Uadmin", text)
    line_chat.press("Uadmin", send_button(got))
    assert session.scalar(select(Circular)).kind == "safety_check"
    assert any("ご無事" in x for x in texts(line_chat.channel.to("Uf1")) + multicast_to(line_chat, "Uf1"))


@pytest.mark.parametrize("how", ["typed after", "named in the ask"])
def test_an_admin_of_two_districts_names_the_district_in_words(how, line_chat, session, midori):
    """An admin of 緑ケ丘 and 八幡 asked 「どの地区に？」 writes 「八幡」 instead of pressing, or names
    it in the ask: the check is for 八幡 (the words were answered as small talk before)."""
    from db.models import DistrictAdmin, Resident

    yahata = factories.district(session, "八幡")
    admin = session.scalar(select(Resident).where(Resident.platform_user_id == "Uadmin"))
    session.add(DistrictAdmin(resident_id=admin.id, district_id=yahata.id))
    session.commit()
    if how == "typed after":
        got = line_chat.say("Uadmin", "安否確認を送りたい")
        assert "どの地区" in texts(got)[-1]
        got = line_chat.say("Uadmin", "八幡")
    else:
        got = line_chat.say("Uadmin", "八幡の皆さんに安否確認を送ってください")
    line_chat.press("Uadmin", send_button(got))
    circular = session.scalar(select(Circular))
    assert (circular.kind, circular.district_id) == ("safety_check", yahata.id)


def multicast_to(line_chat, user: str) -> list[str]:
    return texts([m for users, messages, _ in line_chat.channel.multicasts if user in users for m in messages])


@pytest.mark.parametrize(
    "text", ["回覧板を送りたいです", "回覧板ば回したか", "かいらんを まわしたい", "I want to send a circular"]
)
def test_a_circular_asked_for_in_words_asks_for_it_then_sends_it(text, line_chat, session, midori):
    got = line_chat.say("Uadmin", text)
    assert "1行目にタイトル" in texts(got)[-1] or "title" in texts(got)[-1]
    got = line_chat.say("Uadmin", "ごみ収集日の変更\n年末年始は収集日が変わります")
    line_chat.press("Uadmin", send_button(got))
    assert any("ごみ収集日の変更" in x for x in texts(line_chat.channel.to("Uf1")) + multicast_to(line_chat, "Uf1"))


@pytest.mark.parametrize(
    "text",
    [
        "安否確認の返事がない人を教えて",
        "未回答の人",
        "まだ返事がない人は誰ですか",
        "who has not answered?",
        "I noticed a few have not answered yet",
    ],
)
def test_who_has_not_answered_names_only_the_silent(text, line_chat, session, midori):
    line_chat.press("Uadmin", send_button(line_chat.say("Uadmin", "安否確認")))
    line_chat.say("Uf1", "無事です")
    answer = " ".join(texts(line_chat.say("Uadmin", text)))
    assert "沈 黙子" in answer and "安田 答子" not in answer


@pytest.mark.parametrize(
    "text", ["安否確認の返事が来とらん人は誰ですか", "返事の来ていない人はいますか", "まだ返事のなか人は誰ね"]
)
def test_who_has_not_answered_in_other_words_or_dialect_names_only_the_silent(text, line_chat, session, midori):
    line_chat.press("Uadmin", send_button(line_chat.say("Uadmin", "安否確認")))
    line_chat.say("Uf1", "無事です")
    answer = " ".join(texts(line_chat.say("Uadmin", text)))
    assert "沈 黙子" in answer and "安田 答子" not in answer


@pytest.mark.parametrize("text", ["承認します", "承認お願いします", "はい、承認です", "I approve"])
def test_a_typed_approval_approves_the_helper_who_waits(text, line_chat, session, midori):
    helper = factories.helper(
        session, platform="line", user_id="Uhelper", district=midori, approved=False, display_name="新人"
    )
    session.commit()
    line_chat.say("Uadmin", text)
    assert session.scalar(select(HelperProfile).where(HelperProfile.resident_id == helper.id)).approved
    assert any("承認されました" in x for x in texts(line_chat.channel.to("Uhelper")))


def test_with_two_helpers_waiting_a_typed_approval_asks_which(line_chat, session, midori):
    for user in ("Uh1", "Uh2"):
        factories.helper(session, platform="line", user_id=user, district=midori, approved=False, display_name=user)
    session.commit()
    got = line_chat.say("Uadmin", "承認します")
    assert {b.label for m in got for b in m.buttons} >= {"Uh1", "Uh2"}
    assert not any(p.approved for p in session.scalars(select(HelperProfile)))


@pytest.mark.parametrize("text", ["安否確認を送ってください", "回覧板を送りたいです", "承認します"])
def test_a_resident_who_is_no_admin_gets_none_of_it(text, line_chat, session, midori):
    factories.helper(session, platform="line", user_id="Uhelper", district=midori, approved=False)
    session.commit()
    got = line_chat.say("Ures", text)
    assert session.scalar(select(Circular)) is None
    assert not any(p.approved for p in session.scalars(select(HelperProfile)))
    assert not any("1行目にタイトル" in x for x in texts(got))


@pytest.mark.parametrize(
    "text",
    [
        "はじめて使います。回覧板って何ですか",
        "回覧板の送り方を教えてください",
        "安否確認はどうやって送ればいいですか",
        "how do I send a circular?",
    ],
)
def test_a_question_about_circulars_or_safety_checks_starts_neither(text, line_chat, session, midori):
    got = line_chat.say("Uadmin", text)
    assert not any("1行目にタイトル" in x or "title" in x for x in texts(got))  # no circular begun
    assert session.scalar(select(Circular)) is None  # no safety check prepared


def test_a_need_written_looks_up_no_one_s_administered_districts(line_chat, session, midori):
    """Every text no question took passes the admin's words; only one in those words costs the
    look-up of the districts its sender administers."""
    from sqlalchemy import event

    read: list[str] = []
    engine = session.get_bind().engine

    def note(_connection, _cursor, statement, *_args) -> None:
        if "district_admins" in statement:
            read.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        got = line_chat.say("Uadmin", "明日の朝ゴミ出しを手伝ってほしい")
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert got and read == []
