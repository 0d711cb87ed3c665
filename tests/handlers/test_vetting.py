"""Vetting and stale buttons: a helper waiting for approval is offered nothing; an old button changes
nothing and reveals nothing."""

from sqlalchemy import select

from db.models import HelperProfile, Offer, Task
from tests import factories
from tests.fakes import texts
from tests.handlers.talk import ask_for_help, offers_to, press


def test_a_helper_waiting_for_approval_is_offered_nothing_even_in_an_open_district(chat, session):
    strict = factories.district(session, "八幡", requires_approval=True)
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori, display_name="山田")
    helper = factories.helper(session, user_id="H1", district=strict, approved=False)
    profile = session.scalar(select(HelperProfile).where(HelperProfile.resident_id == helper.id))
    profile.districts.append(midori)
    admin = factories.admin(session, strict, user_id="ADMIN")
    ask_for_help(chat)
    assert offers_to(chat, "H1") == []
    profile.approved, profile.approved_by_id = True, admin.id
    session.commit()
    chat.say("REQ", "さっきのお願い、取り消します")
    ask_for_help(chat)
    assert len(offers_to(chat, "H1")) == 1


def test_a_pending_helper_pressing_an_offer_gets_no_task_and_no_address(chat, session):
    strict = factories.district(session, "八幡", requires_approval=True)
    factories.resident(session, user_id="REQ", district=strict, display_name="山田")
    helper = factories.helper(session, user_id="H1", district=strict, approved=True)
    ask_for_help(chat, place="八幡3-2-1")
    card = offers_to(chat, "H1")[-1]
    session.scalar(select(HelperProfile).where(HelperProfile.resident_id == helper.id)).approved = False
    session.commit()
    got = press(chat, "H1", "引き受ける", [card])
    assert "承認" in texts(got)[0] and "3-2-1" not in " ".join(texts(got))
    assert session.scalar(select(Task)) is None


def test_an_old_accept_button_on_a_finished_task_sends_no_address(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori, display_name="山田")
    factories.helper(session, user_id="H1", district=midori)
    ask_for_help(chat)
    card = offers_to(chat, "H1")[-1]
    press(chat, "H1", "引き受ける", [card])
    press(chat, "H1", "30分", chat.say("H1", "終わりました"))
    chat.say("REQ", "はい")
    assert session.scalar(select(Task)).request.status == "done"
    got = press(chat, "H1", "引き受ける", [card])
    assert "緑ケ丘3-2-1" not in " ".join(texts(got)) and "締め切られました" in texts(got)[0]


def test_an_old_accept_button_after_a_cancel_changes_nothing(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori, display_name="山田")
    factories.helper(session, user_id="H1", district=midori)
    ask_for_help(chat)
    card = offers_to(chat, "H1")[-1]
    chat.say("REQ", "さっきのお願い、取り消します")
    got = press(chat, "H1", "引き受ける", [card])
    assert "緑ケ丘3-2-1" not in " ".join(texts(got))
    assert session.scalar(select(Task)) is None and session.scalar(select(Offer.status)) == "withdrawn"
