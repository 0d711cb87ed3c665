"""House and phone numbers never reach the several helpers an offer goes to."""

import pytest

from bot.privacy import has_address
from tests import factories
from tests.fakes import buttons, texts
from tests.handlers.talk import offers_to, press


@pytest.mark.parametrize(
    "text",
    ["緑ケ丘3丁目2番1号", "緑ケ丘3-2-1の前", "1234番地", "３丁目５－２", "電話は090-1234-5678です", "0968(12)3456"],
)
def test_house_and_phone_numbers_are_found(text):
    assert has_address(text)


@pytest.mark.parametrize(
    "text", ["緑ケ丘公園の近く", "八幡2丁目の集会所", "国道208号沿い", "明日の朝8時", "午後2時半", "ファミマの横"]
)
def test_landmarks_streets_and_times_are_not_addresses(text):
    assert not has_address(text)


def test_an_address_given_as_the_landmark_is_refused_and_never_offered(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, user_id="REQ", district=midori, display_name="山田")
    factories.helper(session, user_id="H1", skills=["garbage"], district=midori)
    chat.say("REQ", "明日の朝ゴミ出しをお願いできますか")
    chat.say("REQ", "緑ケ丘3-2-1 山田")
    got = chat.say("REQ", "緑ケ丘3-2-1の前です")
    assert "番地や電話番号は書かないで" in texts(got)[0]
    got = chat.say("REQ", "特になし")
    assert "お願いする" in buttons(got)
    press(chat, "REQ", "お願いする", got)
    [offer] = offers_to(chat, "H1")
    assert "3-2-1" not in offer.body and "特になし" not in offer.body
