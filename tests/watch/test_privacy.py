"""Who ever sees a missing person's description, photo or the finders' reports, over the real
LINE path (line-bot-sdk over HTTP to the fake LINE API): only the family and the helper who
pressed 協力する; and once the search is over, nothing of it is left in any table (searches,
reports, conversations, inbound events, outbound rows), nor anything that could fetch the photo
from LINE again. A daily check-in's address: only the helper at the door."""

import json

import pytest
from sqlalchemy import select

from db.models import Conversation, InboundEvent, OutboundMessage, Search, SearchOptIn, SearchReport
from tests import factories
from tests.channels.conftest import event_body, line_app, post, user_event  # noqa: F401  (fixtures)

PHOTO = b"\xff\xd8\xff\xe0 her face"
DESCRIPTION = "山田ハナ、82歳、白髪、紺のカーディガン"
LAST_SEEN = "今朝9時 緑ケ丘公園の東口"
REPORT = "駅前のベンチに座っていました"
SECRETS = (DESCRIPTION, LAST_SEEN, REPORT, "32.98", "/search/photo/")


def _event(post, user: str, n: int, **fields) -> None:
    kind = "postback" if "postback" in fields else "message"
    body = event_body(user_event(kind, user_id=user, event_id=f"01PRIV{n:020d}", **fields))
    assert post(body).status_code == 200


def _said(text: str) -> dict:
    return {"message": {"id": f"t-{abs(hash(text))}", "type": "text", "text": text}}


@pytest.fixture
def line_config(line_config):
    """As in production, the bot's pages are on HTTPS (LINE shows card images only from there)."""
    return line_config.with_(public_url="https://kyojo.example.jp")


def _reached(line_api, senders: list[str]) -> list[tuple[set[str], str]]:
    """Each message LINE carried: the people it reached (a reply: the sender of event n), and its JSON."""
    replies = {f"token-01PRIV{n:020d}": user for n, user in enumerate(senders)}
    carried = []
    for request in line_api.delivered():
        body = request.json or {}
        to = body.get("to")
        users = {replies[body["replyToken"]]} if "replyToken" in body else set(to if isinstance(to, list) else [to])
        carried += [(users, json.dumps(m, ensure_ascii=False)) for m in body.get("messages", [])]
    return carried


def test_a_search_reaches_only_whom_it_must_and_leaves_nothing_behind(post, line_api, line_app, session):
    midori = factories.district(session, "緑ケ丘")
    far = factories.district(session, "小倉")
    factories.admin(session, midori, platform="line", user_id="Uadmin", display_name="会長")
    factories.resident(session, platform="line", user_id="Ufamily", district=midori, display_name="娘")
    factories.helper(session, platform="line", user_id="Uhelper", district=midori, display_name="佐藤")
    factories.helper(session, platform="line", user_id="Ubusy", district=midori, display_name="鈴木")
    factories.helper(session, platform="line", user_id="Ufar", district=far)
    opted = factories.resident(session, platform="line", user_id="Uopted", district=midori)
    session.add(SearchOptIn(resident_id=opted.id))
    session.commit()
    line_api.contents["m-photo"] = PHOTO
    for n, text in enumerate(("行方不明の母を探しています", DESCRIPTION, LAST_SEEN)):
        _event(post, "Ufamily", n, **_said(text))
    _event(post, "Ufamily", 3, message={"id": "m-photo", "type": "image", "contentProvider": {"type": "line"}})
    search_id = session.scalar(select(Search.id))
    _event(post, "Ufamily", 4, postback={"data": f"search.send:{search_id}"})
    _event(post, "Uhelper", 5, postback={"data": f"search.join:{search_id}"})
    _event(post, "Uhelper", 6, **_said(REPORT))
    _event(
        post,
        "Uhelper",
        7,
        message={
            "id": "l-1",
            "type": "location",
            "title": "緑ケ丘駅",
            "address": "荒尾市緑ケ丘1-2",
            "latitude": 32.98,
            "longitude": 130.44,
        },
    )
    senders = ["Ufamily"] * 5 + ["Uhelper"] * 3 + ["Ufamily"]
    link = next(m for _, m in _reached(line_api, senders) if "/search/photo/" in m)
    path = "/search/photo/" + link.split("/search/photo/")[1].split('"')[0]
    assert line_app.test_client().get(path).data == PHOTO  # the helper's link works while it lasts
    _event(post, "Ufamily", 8, postback={"data": f"search.found:{search_id}"})

    for users, message in _reached(line_api, senders):
        if any(secret in message for secret in (DESCRIPTION, LAST_SEEN, "/search/photo/")):
            assert users <= {"Ufamily", "Uhelper"}, (users, message[:80])
        if REPORT in message or "32.98" in message:
            assert users == {"Ufamily"} and "佐藤" not in message
    cards = [users for users, m in _reached(line_api, senders) if "人を探しています" in m]
    assert set().union(*cards) == {"Uhelper", "Ubusy", "Uopted"}  # not the far helper, not the family
    assert not any(PHOTO in r.body for r in line_api.requests)  # the photo itself never went to LINE

    session.expire_all()
    search = session.get(Search, search_id)
    assert (search.description, search.last_seen, search.photo, search.photo_type) == ("", "", None, None)
    assert session.scalars(select(SearchReport)).all() == []
    assert not [c for c in session.scalars(select(Conversation)) if c.state.startswith("search")]
    rows = [json.dumps(r.payload, ensure_ascii=False) for r in session.scalars(select(InboundEvent))] + [
        json.dumps(r.messages, ensure_ascii=False) for r in session.scalars(select(OutboundMessage))
    ]
    for secret in (*SECRETS, "m-photo", "130.44"):
        assert not any(secret in row for row in rows), secret
    assert line_app.test_client().get(path).status_code == 404
    assert line_api.violations == []
