"""A district admin at a desk does on the web what they can do in chat."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.timebank import ledger
from bot import admin_link
from db.models import Circular, Resident, Subscription, local_now
from tests import factories
from tests.fakes import texts
from tests.web.test_chat_page import page, served  # noqa: F401  (the browser fixtures)
from tests.web.signin import open_link


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def district(session):
    """緑ケ丘 with its admin 田中, three followers, and 八幡 with its own admin."""
    midori = factories.district(session, "緑ケ丘")
    yawata = factories.district(session, "八幡")
    admin = factories.admin(session, midori, user_id="Uadmin", display_name="田中")
    factories.admin(session, yawata, user_id="Uyawata", display_name="佐藤")
    for n in range(3):
        person = factories.resident(session, district=midori, user_id=f"Ufollower{n}")
        session.add(Subscription(resident_id=person.id, district_id=midori.id))
    session.commit()
    return midori, yawata, admin


def log_in(client, app, resident_id: int) -> str:
    """Open the admin link; the CSRF token the pages carry."""
    token = admin_link.make_token(app.config["SECRET_KEY"], resident_id)
    assert open_link(client, f"/admin/login/{token}").status_code == 302
    return csrf_of(client)


def csrf_of(client) -> str:
    """The CSRF token a signed-in page carries in its forms (it is kept server-side)."""
    html = client.get("/admin/", follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def compose(client, district_id: int, csrf: str, area: str = "circular", **fields):
    form = {
        "csrf": csrf,
        "title": "防災訓練のお知らせ",
        "body": "12月7日（日）9時、公民館に集合です。",
        "confirm": "yes",
        "timing": "now",
        **fields,
    }
    return client.post(f"/admin/d/{district_id}/{area}/new", data=form)


def test_an_admin_sends_a_circular_after_a_preview_with_its_cost(app, client, district, channel):
    midori, _, admin = district
    channel.quota_limit, channel.quota_used = 1000, 100
    csrf = log_in(client, app, admin.id)
    preview_url = compose(client, midori.id, csrf, title_en="Disaster drill").headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "【緑ケ丘の回覧板】防災訓練のお知らせ" in html and "確認しました" in html
    assert "3人に届きます。LINEのメッセージを3通使います（今月の残り900通）" in html
    assert "Disaster drill" in html  # what English readers get
    send_url = re.search(r'action="([^"]+/send)"', html).group(1)
    answer = client.post(send_url, data={"csrf": csrf}, follow_redirects=True)
    sent = [user for users, _, _ in channel.multicasts for user in users]
    assert sorted(sent) == ["Ufollower0", "Ufollower1", "Ufollower2"]
    html = answer.get_data(as_text=True)
    assert 'data-count="sent">3<' in html and 'data-refresh="15"' in html
    assert "送信を受け付けました" in html


def test_a_circular_goes_out_in_each_translation_given_and_the_japanese_with_a_note_otherwise(
    app, client, district, channel, session
):
    midori, _, admin = district
    for user, language in (("Uvi", "vi"), ("Uko", "ko"), ("Uzh", "zh-Hans")):
        person = factories.resident(session, district=midori, user_id=user, language=language)
        session.add(Subscription(resident_id=person.id, district_id=midori.id))
    session.commit()
    csrf = log_in(client, app, admin.id)
    html = client.get(f"/admin/d/{midori.id}/circular/new").get_data(as_text=True)
    assert 'name="title_vi"' in html and 'name="body_zh-Hans"' in html and 'name="title_ja-easy"' in html
    preview_url = compose(
        client,
        midori.id,
        csrf,
        title_vi="Diễn tập phòng chống thiên tai",
        body_vi="Chủ nhật 7/12, 9 giờ, tập trung tại nhà văn hoá.",
        **{"title_zh-Hans": "防灾演习通知", "body_zh-Hans": "12月7日（周日）9点在公民馆集合。"},
    ).headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    # Each language the district reads is shown before sending: translated, or the original with a note.
    assert "ベトナム語で受け取る方" in html and "Diễn tập phòng chống thiên tai" in html
    assert "中国語で受け取る方" in html and "防灾演习通知" in html
    assert "韓国語で受け取る方" in html and "한국어 번역이 없어서" in html
    assert "英語で受け取る方" not in html  # nobody there reads English and none was given
    client.post(re.search(r'action="([^"]+/send)"', html).group(1), data={"csrf": csrf})

    def received(user: str) -> str:
        return "\n".join(str(m) for users, messages, _ in channel.multicasts if user in users for m in messages)

    assert "Diễn tập phòng chống thiên tai" in received("Uvi") and "9 giờ" in received("Uvi")
    assert "防灾演习通知" in received("Uzh") and "公民馆集合" in received("Uzh")
    assert "한국어 번역이 없어서" in received("Uko") and "公民館に集合" in received("Uko")
    assert "公民館に集合" in received("Ufollower0") and "Diễn tập" not in received("Ufollower0")


def test_a_translation_too_long_is_refused_with_a_clear_message(app, client, district):
    midori, _, admin = district
    csrf = log_in(client, app, admin.id)
    answer = compose(client, midori.id, csrf, body_ko="가" * 5001)
    assert answer.status_code == 400 and "訳の本文は5000文字までにしてください" in answer.get_data(as_text=True)


def test_near_the_quota_a_warning_over_it_a_stop_and_nothing_is_sent(app, client, district, channel, session):
    midori, _, admin = district
    channel.quota_limit, channel.quota_used = 1000, 905
    csrf = log_in(client, app, admin.id)
    preview_url = compose(client, midori.id, csrf).headers["Location"]
    assert "今月の残りが少なくなります" in client.get(preview_url).get_data(as_text=True)
    channel.quota_used = 999
    html = client.get(preview_url).get_data(as_text=True)
    assert "送れません（必要3通、残り1通）" in html and "/send" not in html
    circular_id = int(re.search(r"/circulars/(\d+)/preview", preview_url).group(1))
    answer = client.post(
        f"/admin/d/{midori.id}/circulars/{circular_id}/send", data={"csrf": csrf}, follow_redirects=True
    )
    assert "送れませんでした" in answer.get_data(as_text=True)
    assert channel.multicasts == [] and session.get(Circular, circular_id).status == "draft"


def test_a_scheduled_circular_can_be_cancelled_before_it_goes(app, client, district, channel, rt, session):
    midori, _, admin = district
    csrf = log_in(client, app, admin.id)
    at = (local_now() + timedelta(days=1)).replace(second=0, microsecond=0)
    preview_url = compose(client, midori.id, csrf, timing="later", at=at.isoformat()).headers["Location"]
    assert "に送ります" in client.get(preview_url).get_data(as_text=True)
    circular_id = int(re.search(r"/circulars/(\d+)/preview", preview_url).group(1))
    html = client.post(
        f"/admin/d/{midori.id}/circulars/{circular_id}/send", data={"csrf": csrf}, follow_redirects=True
    ).get_data(as_text=True)
    assert "送信予約" in html
    html = client.post(
        f"/admin/d/{midori.id}/circulars/{circular_id}/cancel", data={"csrf": csrf}, follow_redirects=True
    ).get_data(as_text=True)
    assert "送信をやめました" in html and "取り消し" in html
    rt.jobs.run_delayed(at + timedelta(minutes=1))
    assert channel.multicasts == [] and session.get(Circular, circular_id).status == "cancelled"


def test_a_safety_check_is_started_from_the_web(app, client, district, channel):
    midori, _, admin = district
    csrf = log_in(client, app, admin.id)
    assert "地区の皆さまの安否を確認しています" in client.get(f"/admin/d/{midori.id}/safety/new").get_data(as_text=True)
    preview_url = compose(client, midori.id, csrf, area="safety", title="地震の安否確認").headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "無事です" in html and "助けが必要" in html
    send_url = re.search(r'action="([^"]+/send)"', html).group(1)
    html = client.post(send_url, data={"csrf": csrf}, follow_redirects=True).get_data(as_text=True)
    assert 'data-count="no_answer">3<' in html


def test_mistakes_in_the_form_are_explained_kindly(app, client, district):
    midori, _, admin = district
    csrf = log_in(client, app, admin.id)
    answer = compose(client, midori.id, csrf, title=" ")
    assert answer.status_code == 400 and "件名を書いてください" in answer.get_data(as_text=True)
    answer = compose(client, midori.id, csrf, timing="later", at="2001-01-01T09:00")
    assert "これから先の日時にしてください" in answer.get_data(as_text=True)
    answer = compose(client, midori.id, csrf, image_url="http://example.com/a.png")
    assert "https:// で始まる" in answer.get_data(as_text=True)


def test_other_districts_admins_residents_and_forms_without_the_token_get_403(app, client, district, session):
    midori, yawata, admin = district
    csrf = log_in(client, app, admin.id)
    assert compose(client, yawata.id, csrf).status_code == 403
    assert compose(client, midori.id, "forged").status_code == 403
    assert compose(client, midori.id, "偽物").status_code == 403
    assert client.post(f"/admin/d/{midori.id}/circular/new", data={"title": "x"}).status_code == 403
    draft = Circular(district_id=yawata.id, author_id=admin.id, title="八幡の回覧", status="draft")
    session.add(draft)
    session.commit()
    assert client.post(f"/admin/d/{yawata.id}/circulars/{draft.id}/send", data={"csrf": csrf}).status_code == 403
    assert client.post(f"/admin/d/{midori.id}/circulars/{draft.id}/send", data={"csrf": csrf}).status_code == 404
    for path in ("represented", "teaching", "requests/1/assign"):
        assert client.post(f"/admin/d/{yawata.id}/{path}", data={"csrf": csrf}).status_code == 403
        assert client.post(f"/admin/d/{midori.id}/{path}", data={}).status_code == 403
    resident = session.scalar(select(Resident).where(Resident.platform_user_id == "Ufollower0"))
    other = app.test_client()
    token = admin_link.make_token(app.config["SECRET_KEY"], resident.id)
    assert other.get(f"/admin/login/{token}").status_code == 403
    assert compose(other, midori.id, "").status_code == 403


def test_an_unmet_request_assigned_from_the_web_tells_the_helper_and_the_requester(
    app, client, district, session, channel
):
    midori, _, admin = district
    asker = factories.resident(session, district=midori, user_id="Uasker", display_name="山田")
    factories.helper(session, district=midori, user_id="Usuzuki", display_name="鈴木")
    request = factories.help_request(session, asker, "garbage", status="unmet", summary="ゴミ出し")
    session.commit()
    csrf = log_in(client, app, admin.id)
    html = client.get(f"/admin/d/{midori.id}/?status=unmet").get_data(as_text=True)
    assert "お願いする人を選ぶ" in html
    html = client.get(f"/admin/d/{midori.id}/requests/{request.id}").get_data(as_text=True)
    assert "鈴木さんにお願いする" in html
    helper_id = re.search(r'name="helper_id" value="(\d+)"', html).group(1)
    html = client.post(
        f"/admin/d/{midori.id}/requests/{request.id}/assign",
        data={"csrf": csrf, "helper_id": helper_id},
        follow_redirects=True,
    )
    assert "鈴木さんにお願いを送りました" in html.get_data(as_text=True)
    assert "ゴミ" in "".join(texts(channel.to("Usuzuki")))
    assert "鈴木さんにお願いしました" in "".join(texts(channel.to("Uasker")))
    assert (
        client.post(
            f"/admin/d/{midori.id}/requests/{request.id}/assign", data={"csrf": csrf, "helper_id": str(asker.id)}
        ).status_code
        == 400
    )


def test_someone_without_a_phone_is_registered_and_hears_through_their_proxy(app, client, district, session, channel):
    midori, _, admin = district
    proxy = factories.resident(session, district=midori, user_id="Uproxy", display_name="娘の恵子")
    factories.helper(session, district=midori, user_id="Usuzuki", display_name="鈴木")
    session.commit()
    csrf = log_in(client, app, admin.id)
    html = client.get(f"/admin/d/{midori.id}/represented").get_data(as_text=True)
    assert "娘の恵子" in html
    form = {
        "csrf": csrf,
        "name": "木村 トメ",
        "district_id": str(midori.id),
        "address": "緑ケ丘1-2-3",
        "phone": "0968-00-0000",
        "proxy_id": str(proxy.id),
    }
    html = client.post(f"/admin/d/{midori.id}/represented", data=form, follow_redirects=True)
    assert "木村 トメさんを登録しました" in html.get_data(as_text=True)
    assert "木村 トメさんの代理として" in "".join(texts(channel.to("Uproxy")))
    tome = session.scalar(select(Resident).where(Resident.display_name == "木村 トメ"))
    assert (tome.platform, tome.proxy_id, tome.phone) == ("none", proxy.id, "0968-00-0000")
    request = factories.help_request(session, tome, "garbage", status="unmet", summary="ゴミ出し")
    session.commit()
    html = client.get(f"/admin/d/{midori.id}/requests/{request.id}").get_data(as_text=True)
    helper_id = re.search(r'name="helper_id" value="(\d+)"', html).group(1)
    client.post(f"/admin/d/{midori.id}/requests/{request.id}/assign", data={"csrf": csrf, "helper_id": helper_id})
    assert "鈴木さんにお願いしました" in "".join(texts(channel.to("Uproxy")))
    form["proxy_id"] = str(admin.id + 9999)
    answer = client.post(f"/admin/d/{midori.id}/represented", data=form)
    assert answer.status_code == 400 and "代理の方を、地区の住民から選んでください" in answer.get_data(as_text=True)


def test_a_class_recorded_on_the_web_moves_hours_once(app, client, district, session, channel):
    midori, _, admin = district
    master = factories.helper(
        session, district=midori, user_id="Umaster", display_name="大工の松本", experience="大工を40年"
    )
    session.commit()
    csrf = log_in(client, app, admin.id)
    html = client.get(f"/admin/d/{midori.id}/teaching").get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', html).group(1)
    form = {"csrf": csrf, "key": key, "master_id": str(master.id), "participants": "6", "minutes": "90"}
    html = client.post(f"/admin/d/{midori.id}/teaching", data=form, follow_redirects=True)
    assert "大工の松本さんに 9時間 を記録しました" in html.get_data(as_text=True)
    client.post(f"/admin/d/{midori.id}/teaching", data=form)  # pressed twice
    session.expire_all()
    taught = [m.minutes for m in ledger.recent(session, master.id) if m.kind == "teaching"]
    assert taught == [6 * 90]
    assert len(channel.to("Umaster")) == 1
    answer = client.post(f"/admin/d/{midori.id}/teaching", data={**form, "participants": "0"})
    assert answer.status_code == 400 and "参加人数は1から200まで" in answer.get_data(as_text=True)


# -- In a real browser ---------------------------------------------------------------------


def test_an_admin_sends_a_circular_in_the_browser(served, page):  # noqa: F811
    """Served as `make run` serves it (demo data, jobs in threads), in headless Chromium."""
    from playwright.sync_api import expect

    from bot import demo, runtime
    from db.session import Session

    admin_user = demo.demo()["residents"][-1]["user_id"]
    with Session() as db:
        admin_id = db.scalar(select(Resident.id).where(Resident.platform_user_id == admin_user))
    token = admin_link.make_token(runtime.current().config.secret_key, admin_id)
    page.goto(served + admin_link.LOGIN_PATH + token)
    page.get_by_role("button", name="管理画面を開く").click()
    page.get_by_role("link", name="緑ケ丘").click()
    page.get_by_role("link", name="回覧板・安否確認").click()
    page.get_by_role("link", name="回覧板を作る").click()
    page.get_by_role("textbox", name="件名 必須").fill("防災訓練のお知らせ")
    page.get_by_label("本文", exact=True).fill(
        "12月7日（日）9時から、緑ケ丘公民館で防災訓練をします。\n動きやすい服装でお越しください。"
    )
    page.get_by_label("つける", exact=True).check()
    page.screenshot(path="/tmp/admin-compose.png", full_page=True)
    page.get_by_role("button", name="確認画面へ進む").click()
    expect(page.locator(".bubble")).to_contain_text("【緑ケ丘の回覧板】防災訓練のお知らせ")
    expect(page.locator("#cost")).to_contain_text("人に届きます。LINEのメッセージを")
    page.screenshot(path="/tmp/admin-preview.png", full_page=True)
    page.get_by_role("button", name="送信", exact=True).click()
    expect(page.locator(".notice")).to_contain_text("送信を受け付けました")
    for _ in range(20):  # the fan-out runs in a background thread; the page refreshes itself too
        if page.locator('[data-count="sent"]').inner_text() != "0":
            break
        page.wait_for_timeout(250)
        page.reload()
    expect(page.locator('[data-count="sent"]')).not_to_have_text("0")
    expect(page.locator('[data-count="confirmed"]')).to_have_text("0")
    page.screenshot(path="/tmp/admin-sent.png", full_page=True)
