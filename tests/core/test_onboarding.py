"""Follow, district, usage, language, leaving: as a resident sees it."""

from db.models import Resident, Subscription
from tests import factories
from tests.fakes import buttons, texts


def test_typing_the_district_name_settles_it_and_follows_its_circulars(chat, session):
    factories.district(session, "緑ケ丘", reading="みどりがおか")
    factories.district(session, "八幡")
    chat.event("U1", "follow")
    got = chat.say("U1", "みどりがおかです")
    assert "緑ケ丘で登録しました" in texts(got)[0]
    resident = session.query(Resident).filter_by(platform_user_id="U1").one()
    assert session.query(Subscription).filter_by(resident_id=resident.id, active=True).count() == 1


def test_a_need_or_an_offer_written_with_the_district_goes_on_after_it(chat, session):
    """「黒崎です。明日の朝、犬の散歩を…」 at the district question: registered, and the request goes on
    (the need had been dropped, the person left to write it again); "I live in Yahata. I'd like to
    help people with their phones" starts the helper's registration."""
    factories.district(session, "黒崎")
    factories.district(session, "八幡", reading="やはた")
    chat.event("U1", "follow")
    got = chat.say("U1", "黒崎です。明日の朝、犬の散歩をお願いしたいです")
    assert "黒崎で登録しました" in texts(got)[0]
    assert "犬の散歩" in texts(got)[1] and "住所" in texts(got)[-1], texts(got)
    chat.event("U2", "follow")
    session.query(Resident).filter_by(platform_user_id="U2").one().language = "en"
    session.commit()
    got = chat.say("U2", "Hi, I live in Yahata. I'd like to help people with their phones, I'm an IT engineer")
    assert "八幡" in texts(got)[0] and len(texts(got)) > 1, texts(got)
    assert "✓ smartphone / PC" in buttons(got), (texts(got), buttons(got))  # the kind they named, chosen


def test_writing_in_english_gets_answers_in_english(chat, session):
    factories.district(session, "緑ケ丘")
    chat.event("U1", "follow")
    got = chat.say("U1", "How do I use this service?")
    assert texts(got)[0].startswith("It is simple")
    assert "How to use" in buttons(got)


def test_leaving_asks_first_then_erases_personal_data(chat, session):
    district = factories.district(session, "緑ケ丘")
    chat.event("U1", "follow")
    chat.press("U1", f"district.choose:{district.id}")
    resident = session.query(Resident).filter_by(platform_user_id="U1").one()
    resident.address, resident.phone, resident.display_name = "荒尾市緑ケ丘1-2-3", "090-0000-0000", "山田"
    session.commit()
    got = chat.say("U1", "退会したいです")
    assert "退会しますか" in texts(got)[0]
    assert "退会する" in buttons(got)
    got = chat.press("U1", "account.leave")
    assert "消去しました" in texts(got)[0]
    session.refresh(resident)
    assert (resident.active, resident.address, resident.phone, resident.display_name) == (False, None, None, "")
    assert session.query(Subscription).filter_by(resident_id=resident.id, active=True).count() == 0
    # Writing again later starts afresh: nothing of the erased data comes back.
    chat.press("U1", "menu.usage")
    again = session.query(Resident).filter_by(platform_user_id="U1").one()
    assert again.id != resident.id and again.district_id is None


def test_a_sticker_gets_a_kind_word_not_silence(chat, session):
    factories.district(session, "緑ケ丘")
    got = chat.event("U1", "sticker")
    assert "文字で書いて" in texts(got)[0]


def test_coming_back_after_a_block_is_welcomed_back_not_greeted_as_new(chat, session):
    district = factories.district(session, "緑ケ丘")
    chat.event("U1", "follow")
    chat.press("U1", f"district.choose:{district.id}")
    chat.event("U1", "unfollow")
    got = chat.event("U1", "follow")
    assert texts(got) == ["おかえりなさい。また使えるようになりました。"]
    assert "助けてほしい" in buttons(got)


def test_a_first_message_without_a_follow_is_greeted_and_answered(chat, session):
    factories.district(session, "緑ケ丘")
    got = chat.say("U1", "使い方を教えて")
    assert "友だち追加ありがとうございます" in texts(got)[0]
    assert texts(got)[1].startswith("使い方はかんたんです")


def test_a_helper_who_chose_where_they_help_is_not_asked_their_district_at_every_hello(chat, session):
    district = factories.district(session, "緑ケ丘")
    factories.district(session, "八幡")
    chat.say("U1", "手伝いたいです")
    for label in ("ごみ出し", "完了", "緑ケ丘", "完了", "完了"):  # kinds, where they help, free time
        got = chat.channel.to("U1")
        data = next(b.data for m in reversed(got) for b in m.buttons if b.label.endswith(label))
        chat.press("U1", data)
    skip = next(
        b.data
        for m in reversed(chat.channel.to("U1"))
        for b in m.buttons
        if b.data.startswith("helper.experience_skip")
    )
    got = chat.press("U1", skip)  # no experience to tell
    assert "登録" in texts(got)[0]  # registered: no question pending
    helper = session.query(Resident).filter_by(platform_user_id="U1").one()
    assert helper.district_id is None and district is not None
    for hello in ("こんにちは", "おはようございます"):
        got = chat.say("U1", hello)
        assert not any("地区" in x for x in texts(got)), texts(got)
