"""A circular that asks for a confirmation, confirmed in words through LINE: the voices people
write in (見たよ, 読んだばい, ｵｯｹｰ, ok) count as read; words that say otherwise do not."""

import pytest
from sqlalchemy import select

from db.models import Circular, Delivery, Subscription
from tests import factories
from tests.fakes import texts


@pytest.fixture
def sent(line_chat, session) -> Delivery:
    """トメ follows 緑ケ丘 and was sent a circular asking for a confirmation."""
    midori = factories.district(session, "緑ケ丘")
    tome = factories.resident(session, platform="line", user_id="Utome", district=midori, display_name="トメ")
    session.add(Subscription(resident_id=tome.id, district_id=midori.id))
    admin = factories.admin(session, midori, platform="line", user_id="Uadmin")
    circular = Circular(
        district_id=midori.id,
        author_id=admin.id,
        kind="circular",
        title="清掃",
        body="日曜に清掃があります",
        needs_confirmation=True,
    )
    session.add(circular)
    session.commit()
    line_chat.press("Uadmin", f"circular.send:{circular.id}")
    assert any("Utome" in to for to, _, _ in line_chat.channel.multicasts)  # LINE carried it to her
    return session.scalar(select(Delivery).where(Delivery.resident_id == tome.id))


def confirmed(session) -> bool:
    session.expire_all()
    return session.scalar(select(Delivery.confirmed_at)) is not None


@pytest.mark.parametrize("text", ["見たよ", "読んだばい", "よんだ", "ｵｯｹｰ", "ok", "見たよ〜", "確認しました。", "はい"])
def test_read_in_any_voice_is_a_confirmation(text, line_chat, session, sent):
    got = line_chat.say("Utome", text)
    assert confirmed(session) and "確認ありがとうございます" in texts(got)[0]


@pytest.mark.parametrize("text", ["読んでない", "困りました", "見たけどよくわからない"])
def test_words_that_say_otherwise_confirm_nothing(text, line_chat, session, sent):
    line_chat.say("Utome", text)
    assert not confirmed(session)
