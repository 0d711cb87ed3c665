from tests import factories
from tests.fakes import buttons, texts


def test_follow_greets_and_asks_district_then_press_sets_it(chat, session):
    midori = factories.district(session, "緑ケ丘")
    factories.district(session, "八幡")
    got = chat.event("U1", "follow")
    assert "友だち追加" in texts(got)[0]
    assert buttons(got)[:2] == ["緑ケ丘", "八幡"]
    got = chat.press("U1", f"district.choose:{midori.id}")
    assert "緑ケ丘で登録しました" in texts(got)[0]
