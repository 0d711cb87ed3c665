"""LINE answering what the SDK cannot read (a quota, a profile of the wrong shape): the admin still
gets their page, the person still gets their greeting; never a 500."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot import admin_link
from bot.i18n import t
from db.models import Circular, Subscription
from tests import factories
from tests.channels.conftest import event_body, user_event
from tests.web.signin import open_link


def test_a_malformed_quota_answer_still_gives_the_admin_the_preview_and_sends(line_app, line_api, session):
    midori = factories.district(session, "緑ケ丘")
    admin = factories.admin(session, midori, platform="line", user_id="Uadmin")
    for n in range(3):
        person = factories.resident(session, platform="line", user_id=f"Ufollower{n}", district=midori)
        session.add(Subscription(resident_id=person.id, district_id=midori.id))
    session.commit()
    line_api.fail_next(200, count=100, path="/quota", message="not a quota")
    client = line_app.test_client()
    open_link(client, f"/admin/login/{admin_link.make_token(line_app.config['SECRET_KEY'], admin.id)}")
    page = client.get(f"/admin/d/{midori.id}/").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    answer = client.post(
        f"/admin/d/{midori.id}/circular/new",
        data={"csrf": csrf, "title": "防災訓練", "body": "日曜9時", "timing": "now"},
    )
    assert answer.status_code == 302
    preview = client.get(answer.headers["Location"])
    assert preview.status_code == 200 and "防災訓練" in preview.get_data(as_text=True)
    send_url = re.search(r'action="([^"]+/send)"', preview.get_data(as_text=True)).group(1)
    assert client.post(send_url, data={"csrf": csrf}).status_code == 302
    assert session.scalar(select(Circular)).status == "sent"
    assert sorted(r.json["to"] for r in line_api.delivered("/multicast"))[0] == [
        "Ufollower0",
        "Ufollower1",
        "Ufollower2",
    ]


def test_a_malformed_profile_answer_still_greets_the_new_friend(post, line_api):
    line_api.fail_next(200, count=5, path="/profile", message="not a profile")
    assert post(event_body(user_event("follow", follow={"isUnblocked": False}))).status_code == 200
    greeting = line_api.sent_messages()[0]["text"]
    assert greeting == t("onboarding.welcome_unnamed", "ja") and not greeting.startswith("さん")


def test_a_first_message_from_someone_line_gives_no_name_for_is_greeted_without_a_blank_name(post, line_api):
    line_api.fail_next(404, count=5, path="/profile", message="Not found")
    message = {"type": "text", "id": "1", "quoteToken": "q", "text": "こんにちは"}
    assert post(event_body(user_event("message", message=message))).status_code == 200
    greeting = line_api.sent_messages()[0]["text"]
    assert greeting == t("onboarding.welcome_unnamed", "ja") and not greeting.startswith("さん")
