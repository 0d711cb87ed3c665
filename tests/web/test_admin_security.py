"""Signed-in admins are protected like a bank's customers: a link opens one session, logout and
revocation end it everywhere at once, an idle phone signs itself out, strict cookies and headers,
CSRF on every form (logout too), and no id in a URL can make a page fail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot import admin_link, runtime
from db.models import local_now
from tests import factories
from tests.fakes import StoppedClock
from tests.web.signin import open_link


@pytest.fixture
def midori_admin(session):
    midori = factories.district(session, "緑ケ丘")
    admin = factories.admin(session, midori, user_id="Uadmin", display_name="田中")
    session.commit()
    return midori, admin


def link(app, resident_id: int) -> str:
    return f"/admin/login/{admin_link.make_token(app.config['SECRET_KEY'], resident_id)}"


def csrf_on(client, midori) -> str:
    page = client.get(f"/admin/d/{midori.id}/").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def copy_cookie(client, app):
    """Another browser holding a copy of this one's session cookie (a stolen cookie)."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_sign_in_link_opens_one_session_only(app, midori_admin):
    midori, admin = midori_admin
    first, second = app.test_client(), app.test_client()
    url = link(app, admin.id)
    assert open_link(first, url).status_code == 302
    assert second.get(url).status_code == 403  # forwarded, or found in a chat log later
    assert second.get(f"/admin/d/{midori.id}/").status_code == 403
    assert first.get(f"/admin/d/{midori.id}/").status_code == 200


def test_a_link_preview_or_a_mail_scanner_fetching_the_link_spends_nothing(app, midori_admin):
    midori, admin = midori_admin
    url, preview, person = link(app, admin.id), app.test_client(), app.test_client()
    for _ in range(3):  # a chat app's preview, a scanner, the person's first look
        page = preview.get(url)
        assert page.status_code == 200 and "管理画面を開く" in page.get_data(as_text=True)
    assert preview.get(f"/admin/d/{midori.id}/").status_code == 403  # fetching opened nothing
    assert open_link(person, url).status_code == 302
    assert person.get(f"/admin/d/{midori.id}/").status_code == 200


def test_the_links_button_works_only_from_the_page_it_was_shown_on(app, midori_admin):
    midori, admin = midori_admin
    url, victim = link(app, admin.id), app.test_client()
    assert victim.post(url, data={"nonce": "forged"}).status_code == 403  # another site's form
    assert victim.post(url).status_code == 403
    assert victim.get(f"/admin/d/{midori.id}/").status_code == 403
    assert open_link(app.test_client(), url).status_code == 302  # the link itself is still good


def test_logout_ends_the_session_everywhere_at_once(app, midori_admin):
    midori, admin = midori_admin
    client = app.test_client()
    open_link(client, link(app, admin.id))
    thief = copy_cookie(client, app)
    assert thief.get(f"/admin/d/{midori.id}/").status_code == 200
    assert client.post("/admin/logout", data={"csrf": csrf_on(client, midori)}).status_code == 302
    assert thief.get(f"/admin/d/{midori.id}/").status_code == 403
    assert client.get(f"/admin/d/{midori.id}/").status_code == 403


def test_logout_without_the_csrf_token_signs_nobody_out(app, midori_admin):
    midori, admin = midori_admin
    client = app.test_client()
    open_link(client, link(app, admin.id))
    assert client.post("/admin/logout").status_code == 403  # a form on another site
    assert client.post("/admin/logout", data={"csrf": "guess"}).status_code == 403
    assert client.get(f"/admin/d/{midori.id}/").status_code == 200


def test_revoking_an_admin_ends_their_sessions_at_once(app, midori_admin):
    midori, admin = midori_admin
    phone, desk = app.test_client(), app.test_client()
    open_link(phone, link(app, admin.id))
    open_link(desk, link(app, admin.id))
    result = app.test_cli_runner().invoke(args=["admin-revoke", str(admin.id)])
    assert result.exit_code == 0 and "2 sessions ended" in result.output
    assert phone.get(f"/admin/d/{midori.id}/").status_code == 403
    assert desk.get(f"/admin/d/{midori.id}/").status_code == 403


def test_a_session_left_idle_for_half_an_hour_ends(app, midori_admin):
    midori, admin = midori_admin
    client = app.test_client()
    open_link(client, link(app, admin.id))
    start = local_now()
    started = runtime.current()  # the pages' clock is its
    for minutes in (20, 40, 60):  # in use: it lives on
        started.clock = StoppedClock(start + timedelta(minutes=minutes))
        assert client.get(f"/admin/d/{midori.id}/").status_code == 200
    started.clock = StoppedClock(start + timedelta(minutes=92))
    assert client.get(f"/admin/d/{midori.id}/").status_code == 403


def test_cookies_stay_on_this_site_and_need_https_when_it_is_served_so(app, midori_admin):
    _, admin = midori_admin
    answer = open_link(app.test_client(), link(app, admin.id))
    cookie = answer.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie  # http dev
    from app import create_app

    config = app.config["KYOJO"].with_(public_url="https://kyojo.example.jp")
    secure = create_app(config).config
    assert secure["SESSION_COOKIE_SECURE"] and secure["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/d/{d}/",
        "/admin/",
        "/admin/d/999999/helpers",
        "/admin/d/{d}/requests/99999999999999999999",
        "/admin/login/x",
    ],
)
def test_every_admin_answer_carries_the_strict_headers(app, midori_admin, path):
    midori, admin = midori_admin
    client = app.test_client()
    open_link(client, link(app, admin.id))
    answer = client.get(path.format(d=midori.id))
    assert answer.status_code < 500
    csp = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in answer.headers  # only in production, over https


def test_ids_no_row_can_have_are_404_not_500(app, midori_admin):
    midori, admin = midori_admin
    client = app.test_client()
    open_link(client, link(app, admin.id))
    huge = "9" * 20
    for path in (
        f"/admin/d/{huge}/",
        f"/admin/d/{midori.id}/requests/{huge}",
        f"/admin/d/{midori.id}/circulars/{huge}",
        f"/admin/d/{midori.id}/circulars/0/preview",
    ):
        assert client.get(path).status_code == 404, path
    csrf = csrf_on(client, midori)
    answer = client.post(f"/admin/d/{midori.id}/helpers/{huge}/approve", data={"csrf": csrf})
    assert answer.status_code == 404


@pytest.mark.parametrize("admin_id", [10**20, 2**31, 0, -1])
def test_a_validly_signed_link_for_an_absurd_admin_is_refused_cleanly(app, midori_admin, admin_id):
    token = admin_link.URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=admin_link.SALT).dumps(
        {"admin": admin_id, "link": "x"}
    )
    assert app.test_client().get(f"/admin/login/{token}").status_code == 403


def test_messages_given_up_are_shown_to_the_admin_to_pass_on(app, midori_admin, session):
    from db.models import OutboundMessage

    midori, admin = midori_admin
    person = factories.resident(session, district=midori, display_name="山田", phone="090-1234-5678")
    session.add(
        OutboundMessage(
            resident_id=person.id,
            platform="line",
            user_id="Uyamada",
            messages=[{"type": "text", "text": "明日の朝、伺います", "buttons": []}],
            retry_key="given-up",
            status="failed",
            last_error="LINE 503",
        )
    )
    session.commit()
    client = app.test_client()
    open_link(client, link(app, admin.id))
    home = client.get(f"/admin/d/{midori.id}/").get_data(as_text=True)
    assert "届けられなかったメッセージが1件あります" in home
    page = client.get(f"/admin/d/{midori.id}/undelivered").get_data(as_text=True)
    assert "山田さんへ" in page and "明日の朝、伺います" in page and "090-1234-5678" in page
