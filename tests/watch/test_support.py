"""People who need help in a disaster: during a safety check their own supporters hear first
(with the address), then nearby helpers and the admins; supporters report for them."""

from datetime import timedelta

from sqlalchemy import select

from bot.watch import support
from db.models import Circular, HelpRequest, Resident, Subscription, SupportNeed
from tests import factories
from tests.circulars.test_safety import start_check
from tests.fakes import texts
from tests.watch.talk import at

ADDRESS = "緑ケ丘5-5-5"


def _town(session):
    midori = factories.district(session, "緑ケ丘")
    admin = factories.admin(session, midori, user_id="ADMIN", display_name="会長")
    person = factories.resident(
        session, user_id="TOME", district=midori, display_name="トメ", address=ADDRESS, phone="0968-00-0000"
    )
    neighbour = factories.resident(session, user_id="NEIGHBOUR", district=midori, display_name="隣の木村")
    factories.resident(session, user_id="SECOND", district=midori, display_name="向かいの林")
    other = factories.resident(session, user_id="OTHER", district=midori, display_name="ほかの人")
    factories.helper(session, user_id="HELPER", district=midori, skills=["other"], display_name="佐藤")
    for who in (person, neighbour, other):
        session.add(Subscription(resident_id=who.id, district_id=midori.id))
    need = support.mark(session, person, admin, note="車いすです")
    for user in ("NEIGHBOUR", "SECOND"):
        support.add_supporter(session, need, _person(session, user))
    session.commit()
    return midori, admin


def _person(session, user: str) -> Resident:
    return session.scalar(select(Resident).where(Resident.platform_user_id == user))


def _sent_at(session):
    return session.scalar(select(Circular.sent_at))


def test_a_silent_person_goes_to_their_supporters_then_to_helpers_and_admins(chat, session):
    midori, admin = _town(session)
    start_check(chat, session, admin, midori)
    sent = _sent_at(session)
    at(chat, sent + timedelta(minutes=30))
    assert chat.channel.to("NEIGHBOUR") == []  # not yet: she may still answer
    at(chat, sent + timedelta(minutes=60))
    card = chat.channel.to("NEIGHBOUR")[-1]
    assert "トメさんからお返事がありません" in card.title and ADDRESS in card.body and "車いす" in card.body
    assert [b.label for b in card.buttons] == ["無事", "避難した", "助けが必要"]
    assert ADDRESS in chat.channel.to("SECOND")[-1].body
    for user in ("OTHER", "HELPER", "ADMIN"):
        assert not any(ADDRESS in text for text in texts(chat.channel.to(user)))
    at(chat, sent + timedelta(minutes=120))
    request = session.scalar(select(HelpRequest))
    assert request.urgent and request.status in ("open", "unmet")
    assert "支援者からまだ届いていません" in texts(chat.channel.to("ADMIN"))[-1]
    assert not any(ADDRESS in text for text in texts(chat.channel.to("HELPER")))


def test_a_supporter_reports_evacuated_and_nothing_more_goes_out(chat, session):
    midori, admin = _town(session)
    start_check(chat, session, admin, midori)
    sent = _sent_at(session)
    at(chat, sent + timedelta(minutes=60))
    evacuated = next(b.data for b in chat.channel.to("NEIGHBOUR")[-1].buttons if b.data.endswith(":evacuated"))
    got = chat.press("OTHER", evacuated)  # not one of her supporters
    assert "担当者だけ" in texts(got)[0]
    got = chat.press("NEIGHBOUR", evacuated)
    assert "避難されたこと" in texts(got)[0]
    assert "トメさんは避難しました" in texts(chat.channel.to("ADMIN"))[-1]
    assert "隣の木村さん" in texts(chat.channel.to("SECOND"))[-1]
    at(chat, sent + timedelta(minutes=180))
    assert session.scalar(select(HelpRequest)) is None
    assert session.scalar(select(SupportNeed.state)) == "evacuated"


def test_need_help_reaches_the_supporters_at_once_and_safe_reaches_nobody(chat, session):
    midori, admin = _town(session)
    check_id = start_check(chat, session, admin, midori)
    sent = _sent_at(session)
    chat.clock = sent + timedelta(minutes=5)
    chat.press("TOME", f"safety.need_help:{check_id}")
    at(chat, sent + timedelta(minutes=6))
    card = chat.channel.to("NEIGHBOUR")[-1]
    assert "至急" in card.title and ADDRESS in card.body


def test_a_person_who_answers_safe_is_not_sent_to_anyone(chat, session):
    midori, admin = _town(session)
    check_id = start_check(chat, session, admin, midori)
    sent = _sent_at(session)
    chat.press("TOME", f"safety.safe:{check_id}")
    at(chat, sent + timedelta(minutes=200))
    assert chat.channel.to("NEIGHBOUR") == [] and chat.channel.to("SECOND") == []
    assert session.scalar(select(SupportNeed.state)) == "safe"
