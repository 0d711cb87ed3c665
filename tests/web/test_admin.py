"""The district admin pages, as an admin (and others) meet them in a browser."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import pytest

from bot import admin_link, runtime
from bot.circulars import deliveries
from db.models import Circular, Delivery, Subscription, local_now
from tests import factories
from tests.fakes import StoppedClock, texts
from tests.web.signin import open_link


@pytest.fixture
def town(session):
    """Two districts, an admin for each, requests and helpers in both."""
    midori = factories.district(session, "緑ケ丘")
    yawata = factories.district(session, "八幡")
    admin = factories.admin(session, midori, user_id="Uadmin", display_name="田中")
    other_admin = factories.admin(session, yawata, display_name="佐藤")
    asker = factories.resident(session, district=midori, display_name="山田")
    for category, status in [
        ("garbage", "open"),
        ("garbage", "done"),
        ("garden", "unmet"),
        ("shopping", "assigned"),
        ("garbage", "unmet"),
    ]:
        factories.help_request(session, asker, category, status=status, summary=f"{category}のお願い")
    factories.help_request(
        session, factories.resident(session, district=yawata), "repair", status="unmet", summary="八幡の雨どい"
    )
    factories.helper(
        session,
        district=midori,
        skills=["garbage", "shopping"],
        display_name="鈴木",
        experience="大工を40年やっていました",
    )
    factories.helper(
        session, district=midori, skills=["smartphone"], display_name="高橋", user_id="Utakahashi", approved=False
    )
    factories.helper(session, district=yawata, skills=["repair"], display_name="八幡の伊藤")
    session.commit()
    return midori, yawata, admin, other_admin


def log_in(client, app, resident_id: int):
    token = admin_link.make_token(app.config["SECRET_KEY"], resident_id)
    return open_link(client, f"/admin/login/{token}")


@pytest.fixture
def client(app):
    return app.test_client()


def test_an_admin_sees_their_districts_requests_with_unmet_needs_highlighted(app, client, town):
    midori, yawata, admin, _ = town
    assert log_in(client, app, admin.id).status_code == 302
    page = client.get(f"/admin/d/{midori.id}/?status=unmet").get_data(as_text=True)
    assert 'data-status="unmet">2<' in page and 'data-status="open">1<' in page
    assert "status-unmet alert" in page
    assert "gardenのお願い" in page and "八幡の雨どい" not in page
    assert "手伝う人が見つからなかった依頼です" in page


def test_an_admin_gets_403_for_another_district(app, client, town):
    midori, yawata, admin, _ = town
    log_in(client, app, admin.id)
    for path in ("/", "/helpers", "/circulars", "/chart"):
        assert client.get(f"/admin/d/{yawata.id}{path}").status_code == 403


def test_a_resident_who_is_not_an_admin_gets_403(app, client, town, session):
    midori = town[0]
    resident = factories.resident(session, district=midori)
    session.commit()
    assert log_in(client, app, resident.id).status_code == 403
    assert client.get(f"/admin/d/{midori.id}/").status_code == 403
    assert "チャットの「管理画面」ボタン" in client.get("/admin/").get_data(as_text=True)


def test_a_forged_or_expired_link_is_refused(app, client, town, monkeypatch):
    midori, _, admin, _ = town
    forged = admin_link.make_token("not-the-secret", admin.id)
    assert client.get(f"/admin/login/{forged}").status_code == 403
    sixteen_minutes_ago = time.time() - 16 * 60
    monkeypatch.setattr(time, "time", lambda: sixteen_minutes_ago)
    old = admin_link.make_token(app.config["SECRET_KEY"], admin.id)
    monkeypatch.undo()
    assert client.get(f"/admin/login/{old}").status_code == 403
    assert client.get(f"/admin/d/{midori.id}/").status_code == 403


def test_helpers_are_searchable_by_experience_and_skill(app, client, town):
    midori, _, admin, _ = town
    log_in(client, app, admin.id)
    page = client.get(f"/admin/d/{midori.id}/helpers?q=大工").get_data(as_text=True)
    assert "鈴木" in page and "高橋" not in page and "伊藤" not in page
    page = client.get(f"/admin/d/{midori.id}/helpers?q=スマホ").get_data(as_text=True)
    assert "高橋" in page and "鈴木" not in page


def test_approve_button_approves_a_pending_helper_who_is_told(app, client, town, session, channel):
    midori, _, admin, _ = town
    log_in(client, app, admin.id)
    page = client.get(f"/admin/d/{midori.id}/helpers").get_data(as_text=True)
    assert "承認待ち" in page
    action = re.search(r'action="([^"]+/approve)"', page).group(1)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert client.post(action, data={"csrf": "wrong"}).status_code == 403
    assert client.post(action, data={"csrf": csrf}).status_code == 302
    page = client.get(f"/admin/d/{midori.id}/helpers").get_data(as_text=True)
    assert "承認待ち" not in page and "高橋" in page
    assert len(channel.to("Utakahashi")) == 1  # told by the matching core, once


def test_circulars_show_sent_confirmed_and_safety_answers_and_who_has_not_answered(app, client, town, session):
    midori, _, admin, _ = town
    check = Circular(
        district_id=midori.id,
        author_id=admin.id,
        kind="safety_check",
        title="地震の安否確認",
        status="sent",
        sent_at=local_now(),
    )
    session.add(check)
    session.flush()
    answers = ["safe", "safe", "need_help", None, None]
    people = [factories.resident(session, district=midori, display_name=f"住民{i}さん") for i in range(5)]
    deliveries.record_sent(session, check.id, [p.id for p in people], local_now())
    for person, answer in zip(people, answers):
        session.add(
            Delivery(
                circular_id=check.id,
                resident_id=person.id,
                status="sent",
                answer=answer,
                answered_at=local_now() if answer else None,
            )
        )
    session.commit()
    log_in(client, app, admin.id)
    page = client.get(f"/admin/d/{midori.id}/circulars").get_data(as_text=True)
    for count, value in [("sent", 5), ("safe", 2), ("need_help", 1), ("no_answer", 2)]:
        assert f'data-count="{count}">{value}<' in page
    # a safety check is answered, never confirmed as read: no "confirmed 0" beside its answers
    assert 'data-count="confirmed"' not in page
    page = client.get(f"/admin/d/{midori.id}/circulars/{check.id}").get_data(as_text=True)
    assert 'data-count="confirmed"' not in page and 'data-count="need_help">1<' in page
    waiting = page.split('id="waiting"')[1]
    assert "住民3さん" in waiting and "住民4さん" in waiting and "住民0さん" not in waiting


def test_district_chart_svg_has_the_right_counts(app, client, town, session):
    midori, _, admin, _ = town
    session.add(Subscription(resident_id=admin.id, district_id=midori.id))
    session.commit()
    log_in(client, app, admin.id)
    page = client.get(f"/admin/d/{midori.id}/chart").get_data(as_text=True)
    assert page.count('<ul class="bars"') == 10
    assert 'data-label="ごみ出し" data-value="3"' in page
    assert 'data-label="庭の手入れ" data-value="1"' in page
    month = f"{local_now().year}年{local_now().month}月"
    assert f'data-label="{month}" data-value="5"' in page  # five requests this month
    assert 'data-value="67">' in page  # 2 unmet of 3 closed this month
    assert 'data-label="買い物" data-value="1"' in page  # helpers per skill (鈴木)
    assert "<script" not in page


def test_admin_link_button_in_chat_gives_a_working_link(app, chat, town, client):
    got = chat.press("Uadmin", "admin.link")
    url = re.search(r"http\S+", texts(got)[0]).group(0)
    path = url.split("127.0.0.1:5000", 1)[1]
    assert open_link(client, path).status_code == 302
    assert client.get(f"/admin/d/{town[0].id}/").status_code == 200


def test_flask_admin_link_prints_a_link_for_an_admin_only(app, town):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["admin-link", str(town[2].id)])
    assert result.exit_code == 0 and "/admin/login/" in result.output
    assert runner.invoke(args=["admin-link", "999999"]).exit_code != 0


def test_an_admin_session_ends_after_a_working_day(app, client, town):
    midori, _, admin, _ = town
    log_in(client, app, admin.id)
    assert client.get(f"/admin/d/{midori.id}/").status_code == 200
    runtime.current().clock = StoppedClock(local_now() + timedelta(hours=9))  # the pages' clock
    assert client.get(f"/admin/d/{midori.id}/").status_code == 403


def test_the_requests_page_opens_on_the_first_status_that_has_requests(app, client, session):
    midori = factories.district(session, "緑ケ丘")
    admin = factories.admin(session, midori)
    asker = factories.resident(session, district=midori, display_name="山田")
    helper = factories.helper(session, district=midori, display_name="鈴木")
    factories.task(session, asker, helper, "garbage", minutes=30)
    session.commit()
    log_in(client, app, admin.id)
    page = client.get(f"/admin/d/{midori.id}/").get_data(as_text=True)
    assert re.search(r'status-done"\s+aria-current="page"', page)  # not the empty 受付中
    assert "担当" in page and "鈴木" in page  # who took it


def test_a_request_page_says_who_took_it_and_how_long_it_took(app, client, session):
    midori = factories.district(session, "緑ケ丘")
    admin = factories.admin(session, midori)
    asker = factories.resident(session, district=midori, display_name="山田")
    helper = factories.helper(session, district=midori, display_name="鈴木")
    task = factories.task(session, asker, helper, "garbage", minutes=90)
    session.commit()
    log_in(client, app, admin.id)
    page = client.get(f"/admin/d/{midori.id}/requests/{task.request_id}").get_data(as_text=True)
    assert re.search(r'class="helper-name">鈴木<', page)
    assert "1時間30分" in page


def test_the_site_has_an_icon(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200 and answer.data[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_requests_pages_say_when_help_is_needed_as_the_resident_said_it(app, client, session):
    midori = factories.district(session, "緑ケ丘")
    admin = factories.admin(session, midori, user_id="Uadmin")
    asker = factories.resident(session, district=midori)
    afternoon = factories.help_request(
        session, asker, "shopping", when=datetime(2026, 12, 3, 14, 0), time_of_day="afternoon", summary="午後の買い物"
    )
    factories.help_request(session, asker, "garbage", summary="いつでもよいゴミ出し")
    session.commit()
    log_in(client, app, admin.id)
    listed = client.get(f"/admin/d/{midori.id}/?status=open").get_data(as_text=True)
    one = client.get(f"/admin/d/{midori.id}/requests/{afternoon.id}").get_data(as_text=True)
    for page in (listed, one):
        assert "12月3日(木)の午後" in page and "14:00" not in page  # an afternoon, not a time nobody said
    assert "いつでも" in listed  # no time given is said, not left blank


def test_a_safety_check_page_shows_the_words_of_who_needs_help_and_their_request(app, client, town, session):
    from bot.circulars import safety

    midori, _, admin, _ = town
    check = Circular(
        district_id=midori.id, author_id=admin.id, kind="safety_check", title="大雨", status="sent", sent_at=local_now()
    )
    session.add(check)
    session.flush()
    li = factories.resident(session, district=midori, display_name="李さん", language="zh-Hans")
    deliveries.record_sent(session, check.id, [li.id], local_now())
    other = factories.help_request(session, li, "other", status="cancelled", urgent=True, summary="別件の古い依頼")
    other.text = "別件の古い依頼"  # another urgent request of theirs, made after the check went out
    answered = safety.answer(session, li, check.id, "need_help", local_now(), text="我奶奶腿不好，走不了路")
    safety.answer(session, li, check.id, "need_help", local_now() + timedelta(minutes=5), text="还是需要帮助")
    session.commit()
    log_in(client, app, admin.id)
    page = client.get(f"/admin/d/{midori.id}/circulars/{check.id}").get_data(as_text=True)
    need_help = page.split('class="big-list people need-help"')[1].split("</ul>")[0]
    assert "李さん" in need_help and "我奶奶腿不好，走不了路" in need_help  # what they said, not only a name
    assert "別件の古い依頼" not in need_help  # the request this answer opened, not another of theirs
    session.refresh(answered.request)  # matched at once: nobody here helps with it
    assert answered.request.status == "unmet"
    assert f"/requests/{answered.request.id}" in need_help and "見つからず" in need_help  # and whether anyone has it
    answered.request.status = "cancelled"  # 「もう大丈夫」 later
    session.commit()
    page = client.get(f"/admin/d/{midori.id}/circulars/{check.id}").get_data(as_text=True)
    assert "依頼：取り消し" in page and "cancelled<" not in page
