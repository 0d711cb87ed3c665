"""Searching for someone missing: who sees the card, who sees the details and the photo, how a
finder's words and place reach the family without their name, and that nothing is left after."""

from sqlalchemy import select

from bot import runtime
from db.models import InboundEvent, OutboundMessage, Resident, Search, SearchOptIn, SearchReport
from tests import factories
from tests.fakes import texts
from tests.handlers.talk import press

DESCRIPTION = "山田ハナ、82歳、小柄で白髪、紺のカーディガン"
LAST_SEEN = "今朝9時ごろ緑ケ丘公園"
PHOTO = b"\xff\xd8\xff\xe0 a photo of her face"


def received(chat, user: str) -> list:
    """Everything a user received: pushes and replies, then the multicasts (the card, the thanks)."""
    return chat.channel.to(user) + [
        m for users, messages, _ in chat.channel.multicasts if user in users for m in messages
    ]


def _town(session):
    midori = factories.district(session, "緑ケ丘")
    yawata = factories.district(session, "八幡")
    far = factories.district(session, "小倉")
    midori.neighbours.append(yawata)
    factories.admin(session, midori, user_id="ADMIN", display_name="会長")
    factories.resident(session, user_id="FAMILY", district=midori, display_name="山田娘")
    factories.helper(session, user_id="HELPER", district=midori, display_name="佐藤ヘルパー")
    factories.helper(session, user_id="NEXT", district=yawata)
    factories.helper(session, user_id="FAR", district=far)
    opted = factories.resident(session, user_id="OPTED", district=midori)
    session.add(SearchOptIn(resident_id=opted.id))
    factories.resident(session, user_id="QUIET", district=midori)
    session.commit()


def _start(chat, with_photo: bool = True) -> list:
    got = chat.say("FAMILY", "行方不明の母を探しています")
    assert "どんな方" in texts(got)[-1]
    got = chat.say("FAMILY", DESCRIPTION)
    assert "最後に見かけた" in texts(got)[-1]
    got = chat.say("FAMILY", LAST_SEEN)
    if with_photo:
        chat.channel.media["m-1"] = PHOTO
        got = chat.event("FAMILY", "image", media_id="m-1")
    else:
        got = press(chat, "FAMILY", "写真なし", got)
    assert "この内容でお知らせしますか" in texts(got)[-1] and DESCRIPTION in texts(got)[-1]
    return press(chat, "FAMILY", "送る", got)


def test_the_card_reaches_helpers_and_opted_in_neighbours_but_the_details_only_those_who_help(chat, session, app):
    _town(session)
    got = _start(chat)
    assert "見つかったら" in texts(got)[0]
    for user in ("HELPER", "NEXT", "OPTED"):
        card = received(chat, user)[-1]
        assert "人を探しています" in card.title and DESCRIPTION not in card.body and card.image_url is None
    for user in ("FAR", "QUIET"):
        assert received(chat, user) == []
    assert "行方不明" in texts(chat.channel.to("ADMIN"))[-1]
    got = press(chat, "HELPER", "協力する", received(chat, "HELPER"))
    assert DESCRIPTION in got[0].body and LAST_SEEN in got[0].body
    link = got[0].image_url
    client = app.test_client()
    path = link.split("127.0.0.1:5000")[1]
    answer = client.get(path)
    assert answer.status_code == 200 and answer.data == PHOTO
    forged = path[:-1] + ("1" if path.endswith("0") else "0")
    assert client.get(forged).status_code == 404  # a forged token
    search_id, helper_id = path.split("/")[3:5]
    opted_id = session.scalar(select(Resident.id).where(Resident.platform_user_id == "OPTED"))
    from bot.watch.search import photo_token

    assert (
        client.get(
            f"/search/photo/{search_id}/{opted_id}/{photo_token(int(search_id), opted_id, runtime.current().config.secret_key)}"
        ).status_code
        == 404
    )  # a valid link for someone who did not press 協力する
    assert not any(DESCRIPTION in t for t in texts(chat.channel.to("OPTED")))


def test_a_finder_reports_by_words_and_by_location_without_their_name(chat, session):
    _town(session)
    _start(chat)
    press(chat, "HELPER", "協力する", received(chat, "HELPER"))
    got = chat.say("HELPER", "駅前のベンチに座っていました")
    assert "ご家族にお伝えしました" in texts(got)[0]
    told = texts(chat.channel.to("FAMILY"))[-1]
    assert "駅前のベンチ" in told and "佐藤" not in told and "HELPER" not in told
    chat.event("HELPER", "location", text="荒尾市緑ケ丘1-2", latitude=32.98, longitude=130.44)
    told = texts(chat.channel.to("FAMILY"))[-1]
    assert "maps.google.com/?q=32.98,130.44" in told and "佐藤" not in told
    got = chat.say("OPTED", "駅前で見ました")  # did not press 協力する: not a report
    assert not any("駅前で見ました" in t for t in texts(chat.channel.to("FAMILY")))


def test_found_thanks_everyone_and_leaves_no_detail_in_the_database(chat, session, app):
    _town(session)
    _start(chat)
    got = press(chat, "HELPER", "協力する", received(chat, "HELPER"))
    path = got[0].image_url.split("127.0.0.1:5000")[1]
    chat.say("HELPER", "駅前のベンチに座っていました")
    got = press(chat, "FAMILY", "見つかりました", chat.channel.to("FAMILY"))
    assert "消しました" in texts(got)[0]
    for user in ("HELPER", "NEXT", "OPTED"):
        assert "見つかりました" in texts(received(chat, user))[-1]
    search = session.scalar(select(Search))
    assert (search.status, search.description, search.last_seen, search.photo) == ("found", "", "", None)
    assert session.scalars(select(SearchReport)).all() == []
    everything = [str(row.payload) for row in session.scalars(select(InboundEvent))] + [
        str(row.messages) for row in session.scalars(select(OutboundMessage))
    ]
    for secret in (DESCRIPTION, LAST_SEEN, "駅前のベンチ", "山田ハナ"):
        assert not any(secret in text for text in everything), secret
    assert app.test_client().get(path).status_code == 404
    got = press(chat, "HELPER", "協力する", received(chat, "HELPER")[:-1])
    assert "終わっています" in texts(got)[0]


def test_someone_else_cannot_end_a_search_and_a_stopped_draft_keeps_nothing(chat, session):
    _town(session)
    got = chat.say("FAMILY", "行方不明の母を探しています")
    chat.say("FAMILY", DESCRIPTION)
    got = chat.say("FAMILY", LAST_SEEN)
    got = press(chat, "FAMILY", "写真なし", got)
    search_id = session.scalar(select(Search.id))
    got = chat.press("HELPER", f"search.found:{search_id}")
    assert "担当者だけ" in texts(got)[0]
    got = press(chat, "FAMILY", "やめる", chat.channel.to("FAMILY"))
    assert "消しました" in texts(got)[0]
    assert not any(DESCRIPTION in t or "人を探しています" in t for t in texts(received(chat, "HELPER")))
    assert session.scalar(select(Search.description)) == ""


def test_cancel_while_describing_keeps_nothing_and_sends_nothing(chat, session):
    _town(session)
    chat.say("FAMILY", "行方不明の母を探しています")
    chat.say("FAMILY", DESCRIPTION)
    got = chat.say("FAMILY", "やっぱりやめます")
    assert "消しました" in texts(got)[0]
    assert session.scalar(select(Search.status)) == "cancelled"
    assert session.scalar(select(Search.description)) == ""
    assert not any(DESCRIPTION in str(row.payload) for row in session.scalars(select(InboundEvent)))
