"""A search on LINE: the photo is fetched from LINE's content API, a location message reaches the family."""

import json

from sqlalchemy import select

from db.models import Search
from tests import factories
from tests.channels.conftest import event_body, line_app, post, user_event  # noqa: F401  (fixtures)

PHOTO = b"\xff\xd8\xff\xe0 her photo"


def _event(post, user: str, n: int, **fields) -> None:
    kind = "postback" if "postback" in fields else "message"
    assert post(event_body(user_event(kind, user_id=user, event_id=f"01SEARCH{n:018d}", **fields))).status_code == 200


def _said(text: str) -> dict:
    return {"message": {"id": "t", "type": "text", "text": text}}


def test_the_photo_comes_from_line_and_a_location_reaches_the_family(post, line_api, session):
    midori = factories.district(session, "緑ケ丘")
    factories.resident(session, platform="line", user_id="Ufamily", district=midori, display_name="娘")
    factories.helper(session, platform="line", user_id="Uhelper", district=midori, display_name="佐藤")
    session.commit()
    line_api.contents["m-1"] = PHOTO
    for n, text in enumerate(("行方不明の母を探しています", "82歳、白髪、紺のカーディガン", "今朝9時 緑ケ丘公園")):
        _event(post, "Ufamily", n, **_said(text))
    _event(post, "Ufamily", 3, message={"id": "m-1", "type": "image", "contentProvider": {"type": "line"}})
    found = session.scalar(select(Search))
    assert (found.photo, found.photo_type) == (PHOTO, "image/jpeg")
    assert line_api.delivered("/content")  # fetched from the data host
    _event(post, "Ufamily", 4, postback={"data": f"search.send:{found.id}"})
    _event(post, "Uhelper", 5, postback={"data": f"search.join:{found.id}"})
    _event(
        post,
        "Uhelper",
        6,
        message={
            "id": "l-1",
            "type": "location",
            "title": "緑ケ丘駅",
            "address": "荒尾市緑ケ丘1-2",
            "latitude": 32.98,
            "longitude": 130.44,
        },
    )
    pushed = [
        json.dumps(m, ensure_ascii=False)
        for r in line_api.delivered("/push")
        if r.json.get("to") == "Ufamily"
        for m in r.json["messages"]
    ]
    assert any("maps.google.com/?q=32.98,130.44" in m and "佐藤" not in m for m in pushed)
    assert line_api.violations == []
