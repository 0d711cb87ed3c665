"""City staff (地区担当職員): one person supporting several districts signs in like an admin, sees
and acts for each of their districts, edits their setup, and never sees a district not theirs."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot import admin_link
from db.models import DistrictAdmin, District, HelpRequest, district_neighbours
from tests import factories
from tests.web.signin import open_link


@pytest.fixture
def city(session):
    """荒尾市's three districts, supported by 村上 (city staff), each with a chair and requests;
    and 小倉, another city's district, with its own staff and a request."""
    names = ["緑ケ丘", "八幡", "井手川"]
    districts = [factories.district(session, name) for name in names]
    kokura = factories.district(session, "小倉", city="北九州市")
    staff = factories.resident(session, district=districts[0], display_name="村上", user_id="Ustaff" + "0" * 27)
    for district in districts:
        session.add(DistrictAdmin(resident_id=staff.id, district_id=district.id, role="staff"))
        asker = factories.resident(session, district=district, display_name=f"{district.name}の住民")
        factories.help_request(session, asker, "garbage", status="unmet", summary=f"{district.name}のごみ出し")
    chair = factories.admin(session, districts[0], display_name="小林")
    other_staff = factories.resident(session, district=kokura, display_name="北九州の職員")
    session.add(DistrictAdmin(resident_id=other_staff.id, district_id=kokura.id, role="staff"))
    secret = factories.help_request(
        session,
        factories.resident(session, district=kokura, display_name="小倉の秘密さん"),
        "repair",
        status="unmet",
        summary="小倉の雨どいの修理",
    )
    session.execute(
        district_neighbours.insert().values(
            [
                {"district_id": districts[0].id, "neighbour_id": kokura.id},
                {"district_id": kokura.id, "neighbour_id": districts[0].id},
            ]
        )
    )
    session.commit()
    return districts, kokura, staff, chair, secret


def log_in(client, app, resident_id: int):
    return open_link(client, f"/admin/login/{admin_link.make_token(app.config['SECRET_KEY'], resident_id)}")


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


DISTRICT_PAGES = [
    "/",
    "/?status=unmet",
    "/helpers",
    "/circulars",
    "/chart",
    "/report",
    "/represented",
    "/teaching",
    "/watch",
    "/support",
    "/setup",
    "/circular/new",
]


def test_staff_sign_in_once_and_see_each_of_their_districts_named(app, city):
    districts, _kokura, staff, _chair, _secret = city
    client = app.test_client()
    url = f"/admin/login/{admin_link.make_token(app.config['SECRET_KEY'], staff.id)}"
    assert open_link(client, url).status_code == 302
    assert app.test_client().get(url).status_code == 403  # a link opens one session only
    home = client.get("/admin/").get_data(as_text=True)
    assert "地区担当職員" in home
    for district in districts:
        assert f'href="/admin/d/{district.id}/"' in home
    assert home.count('class="alert">見つからず') == 3  # each district's unmet request counted
    for district in districts:
        for path in DISTRICT_PAGES:
            answer = client.get(f"/admin/d/{district.id}{path}")
            assert answer.status_code == 200, path
            assert f"地区：{district.name}" in answer.get_data(as_text=True), path
        page = client.get(f"/admin/d/{district.id}/?status=unmet").get_data(as_text=True)
        assert f"{district.name}のごみ出し" in page


def test_staff_never_see_a_district_not_theirs(app, city):
    districts, kokura, staff, _chair, secret = city
    client = app.test_client()
    log_in(client, app, staff.id)
    seen = [client.get("/admin/").get_data(as_text=True), client.get("/admin/districts").get_data(as_text=True)]
    for district in districts:
        for path in DISTRICT_PAGES:
            seen.append(client.get(f"/admin/d/{district.id}{path}").get_data(as_text=True))
    for page in seen:
        assert "小倉" not in page and "北九州" not in page and "秘密" not in page
    assert "担当外の地区が1つ隣にあります" in seen[1]  # counted, never named
    for path in [*DISTRICT_PAGES, "/chart/requests.csv", "/report.pdf", "/undelivered"]:
        assert client.get(f"/admin/d/{kokura.id}{path}").status_code == 403, path
    assert client.get(f"/admin/d/{districts[0].id}/requests/{secret.id}").status_code == 404
    assert client.get(f"/admin/d/{kokura.id}/requests/{secret.id}").status_code == 403
    csrf = csrf_of(seen[1])
    assert client.post(f"/admin/d/{kokura.id}/setup", data={"csrf": csrf, "name": "乗っ取り"}).status_code == 403


def test_a_district_chair_cannot_open_the_districts_page(app, city):
    districts, _kokura, _staff, chair, _secret = city
    client = app.test_client()
    log_in(client, app, chair.id)
    assert client.get("/admin/districts").status_code == 403
    assert client.get(f"/admin/d/{districts[0].id}/setup").status_code == 403
    assert "担当地区の設定" not in client.get(f"/admin/d/{districts[0].id}/").get_data(as_text=True)


def test_staff_rename_a_district_change_its_neighbours_and_admins(app, city, session):
    districts, kokura, staff, chair, _secret = city
    midori, yawata, idegawa = districts
    newcomer = factories.resident(session, district=midori, display_name="新しい会長", platform="line")
    session.commit()
    client = app.test_client()
    log_in(client, app, staff.id)
    form = client.get(f"/admin/d/{midori.id}/setup").get_data(as_text=True)
    assert "小林さんを管理者からはずす" in form and "新しい会長" in form
    data = {
        "csrf": csrf_of(form),
        "name": "緑ヶ丘",
        "reading": "みどりがおか",
        "city": "荒尾市",
        "requires_approval": "yes",
        "neighbour": [str(yawata.id)],
        "remove_admin": [str(chair.id)],
        "add_admin": str(newcomer.id),
    }
    assert client.post(f"/admin/d/{midori.id}/setup", data={**data, "csrf": "forged"}).status_code == 403
    answer = client.post(f"/admin/d/{midori.id}/setup", data=data, follow_redirects=True)
    assert answer.status_code == 200 and "緑ヶ丘を保存しました" in answer.get_data(as_text=True)
    session.expire_all()
    renamed = session.get(District, midori.id)
    assert (renamed.name, renamed.reading, renamed.requires_approval) == ("緑ヶ丘", "みどりがおか", True)
    links = set(session.execute(select(district_neighbours)).all())
    assert (midori.id, yawata.id) in links and (yawata.id, midori.id) in links
    assert (midori.id, kokura.id) in links and (kokura.id, midori.id) in links  # not theirs: kept
    admins = dict(
        session.execute(
            select(DistrictAdmin.resident_id, DistrictAdmin.role).where(DistrictAdmin.district_id == midori.id)
        ).all()
    )
    assert admins == {staff.id: "staff", newcomer.id: "admin"}
    chair_client = app.test_client()
    assert log_in(chair_client, app, chair.id).status_code == 403  # no longer an admin anywhere


def test_a_taken_name_or_an_empty_one_is_explained_and_nothing_changes(app, city, session):
    districts, _kokura, staff, _chair, _secret = city
    client = app.test_client()
    log_in(client, app, staff.id)
    csrf = csrf_of(client.get(f"/admin/d/{districts[0].id}/setup").get_data(as_text=True))
    page = client.post(f"/admin/d/{districts[0].id}/setup", data={"csrf": csrf, "name": "小倉"}).get_data(as_text=True)
    assert "「小倉」という名前の地区はもうあります" in page
    page = client.post(f"/admin/d/{districts[0].id}/setup", data={"csrf": csrf, "name": " "}).get_data(as_text=True)
    assert "地区の名前がありません" in page
    session.expire_all()
    assert session.get(District, districts[0].id).name == "緑ケ丘"


def test_staff_act_for_a_district_an_unmet_request_shows_its_helpers(app, city, session):
    districts, _kokura, staff, _chair, _secret = city
    request_id = session.scalar(select(HelpRequest.id).where(HelpRequest.district_id == districts[1].id))
    client = app.test_client()
    log_in(client, app, staff.id)
    page = client.get(f"/admin/d/{districts[1].id}/requests/{request_id}").get_data(as_text=True)
    assert "八幡のごみ出し" in page and "地区：八幡" in page


def test_staff_send_a_circular_for_one_of_their_districts_to_its_followers_only(app, city, session, channel):
    from db.models import Subscription

    districts, _kokura, staff, _chair, _secret = city
    midori, yawata, _ = districts
    for district, user_id in ((yawata, "Uyawata-follower"), (midori, "Umidori-follower")):
        person = factories.resident(session, district=district, user_id=user_id)
        session.add(Subscription(resident_id=person.id, district_id=district.id))
    session.commit()
    client = app.test_client()
    log_in(client, app, staff.id)
    csrf = csrf_of(client.get(f"/admin/d/{yawata.id}/circular/new").get_data(as_text=True))
    preview = client.post(
        f"/admin/d/{yawata.id}/circular/new",
        data={"csrf": csrf, "title": "八幡の清掃", "body": "日曜9時に\n公民館前", "confirm": "yes", "timing": "now"},
    )
    html = client.get(preview.headers["Location"]).get_data(as_text=True)
    assert "【八幡の回覧板】八幡の清掃" in html
    send_url = re.search(r'action="([^"]+/send)"', html).group(1)
    assert client.post(send_url, data={"csrf": csrf}).status_code == 302
    sent = [user for users, _, _ in channel.multicasts for user in users]
    assert sent == ["Uyawata-follower"]
