"""Disaster mode: the admin switches a district's LINE menu to safety actions and back; the three
actions answer in chat; 助けを呼ぶ reaches helpers, the admins and the person's own supporters."""

from sqlalchemy import select

from bot.watch import support
from db.models import District, HelpRequest, Resident
from tests import factories
from tests.channels.conftest import event_body, line_app, post, user_event  # noqa: F401  (fixtures)
from tests.circulars.test_safety import start_check
from tests.fakes import buttons, texts
from tests.web.test_admin import log_in
from tests.web.test_admin_actions import csrf_of


def _menu_of(line_api, user_id: str) -> list[str]:
    menu = line_api.rich_menus[line_api.links[user_id]]
    return [area["action"]["data"] for area in menu["areas"]]


def test_the_admin_turns_disaster_mode_on_and_off_and_the_menus_follow(line_app, line_api, session):
    midori = factories.district(session, "緑ケ丘")
    yawata = factories.district(session, "八幡")
    admin = factories.admin(session, midori, display_name="会長")
    factories.resident(session, platform="line", user_id="Uja", district=midori)
    factories.resident(session, platform="line", user_id="Uen", district=midori, language="en")
    factories.resident(session, platform="line", user_id="Uyawata", district=yawata)
    session.commit()
    assert line_app.test_cli_runner().invoke(args=["rich-menu"]).exit_code == 0
    client = line_app.test_client()
    log_in(client, line_app, admin.id)
    answer = client.post(
        f"/admin/d/{midori.id}/disaster",
        data={"csrf": csrf_of(client), "mode": "on", "shelter_info": "緑ケ丘小学校 体育館"},
    )
    assert answer.status_code == 302
    session.expire_all()
    assert session.get(District, midori.id).disaster_mode
    for user in ("Uja", "Uen"):
        assert _menu_of(line_api, user) == ["disaster.report", "disaster.shelter", "disaster.call_help"]
    english = line_api.rich_menus[line_api.links["Uen"]]
    assert english["areas"][2]["action"]["displayText"] == "Call for help"
    assert "Uyawata" not in line_api.links
    assert "災害モード中" in client.get(f"/admin/d/{midori.id}/support").get_data(as_text=True)
    client.post(
        f"/admin/d/{midori.id}/disaster",
        data={"csrf": csrf_of(client), "mode": "off", "shelter_info": "緑ケ丘小学校 体育館"},
    )
    assert _menu_of(line_api, "Uja") == ["menu.need_help", "menu.give_help", "menu.circulars", "menu.usage"]
    assert line_api.links["Uen"] == line_api.aliases["kyojo-en"]
    assert line_api.violations == []


def _town(session):
    midori = factories.district(session, "緑ケ丘", shelter_info="緑ケ丘小学校 体育館", disaster_mode=True)
    admin = factories.admin(session, midori, user_id="ADMIN", display_name="会長")
    tome = factories.resident(session, user_id="TOME", district=midori, display_name="トメ", address="緑ケ丘5-5-5")
    kimura = factories.resident(session, user_id="KIMURA", district=midori, display_name="木村")
    factories.helper(session, user_id="HELPER", district=midori, skills=["other"])
    support.add_supporter(session, support.mark(session, tome, admin), kimura)
    session.commit()
    return midori, admin


def test_the_safety_actions_answer_in_chat(chat, session):
    midori, admin = _town(session)
    got = chat.press("TOME", "disaster.shelter")
    assert "緑ケ丘小学校 体育館" in texts(got)[0]
    got = chat.press("TOME", "disaster.report")
    assert "安否確認が出ていません" in texts(got)[0] and buttons(got) == ["助けを呼ぶ"]
    from db.models import Subscription

    session.add(
        Subscription(
            resident_id=session.scalar(select(Resident.id).where(Resident.platform_user_id == "TOME")),
            district_id=midori.id,
        )
    )
    session.commit()
    check_id = start_check(chat, session, admin, midori)
    got = chat.press("TOME", "disaster.report")
    assert buttons(got) == ["無事です", "助けが必要"]
    assert got[0].buttons[0].data == f"safety.safe:{check_id}"


def test_calling_for_help_is_confirmed_then_reaches_helpers_admins_and_supporters(chat, session):
    _town(session)
    got = chat.press("TOME", "disaster.call_help")
    got = chat.press("TOME", next(b.data for b in got[0].buttons if b.data == "disaster.call_cancelled"))
    assert session.scalar(select(HelpRequest)) is None
    got = chat.press("TOME", "disaster.call_help")
    got = chat.press("TOME", "disaster.call_confirmed")
    assert "119" in texts(got)[0]
    request = session.scalar(select(HelpRequest))
    assert request.urgent and request.status in ("open", "unmet")
    assert "助けを呼ぶ" in texts(chat.channel.to("ADMIN"))[-1]
    card = chat.channel.to("KIMURA")[-1]
    assert "緑ケ丘5-5-5" in card.body and "至急" in card.title
    assert not any("緑ケ丘5-5-5" in t for u in ("ADMIN", "HELPER") for t in texts(chat.channel.to(u)))


def _switch(client, district, mode: str):
    answer = client.post(
        f"/admin/d/{district.id}/disaster", data={"csrf": csrf_of(client), "mode": mode, "shelter_info": ""}
    )
    assert answer.status_code == 302


def test_redrawing_the_menus_keeps_a_districts_disaster_menu_and_each_follower_gets_the_right_one(
    line_app, line_api, session
):
    from db.models import DistrictAdmin, Subscription

    safety = ["disaster.report", "disaster.shelter", "disaster.call_help"]
    normal = ["menu.need_help", "menu.give_help", "menu.circulars", "menu.usage"]
    midori = factories.district(session, "緑ケ丘")
    yawata = factories.district(session, "八幡")
    admin = factories.admin(session, midori, display_name="会長")
    session.add(DistrictAdmin(district_id=yawata.id, resident_id=admin.id))
    factories.resident(session, platform="line", user_id="Uja", district=midori)
    factories.resident(session, platform="line", user_id="Uko", district=midori, language="ko")
    both = factories.resident(session, platform="line", user_id="Uboth", district=midori)
    session.add(Subscription(resident_id=both.id, district_id=yawata.id))
    factories.resident(session, platform="line", user_id="Uyawata", district=yawata, language="en")
    session.commit()
    cli = line_app.test_cli_runner()
    assert cli.invoke(args=["rich-menu"]).exit_code == 0
    client = line_app.test_client()
    log_in(client, line_app, admin.id)
    _switch(client, midori, "on")
    assert cli.invoke(args=["rich-menu"]).exit_code == 0  # the menus drawn again during a disaster
    for user in ("Uja", "Uko", "Uboth"):
        assert _menu_of(line_api, user) == safety, user
    korean = line_api.rich_menus[line_api.links["Uko"]]
    assert [a["action"]["displayText"] for a in korean["areas"]] == ["안부 알리기", "대피소", "도움 요청"]
    assert _menu_of(line_api, "Uyawata") == normal  # English menu of a district not in disaster
    _switch(client, yawata, "on")
    assert _menu_of(line_api, "Uyawata") == safety
    _switch(client, midori, "off")
    assert _menu_of(line_api, "Uko") == normal and line_api.links["Uko"] == line_api.aliases["kyojo-ko"]
    assert _menu_of(line_api, "Uja") == normal
    assert _menu_of(line_api, "Uboth") == safety  # still follows 八幡, still in disaster mode
    _switch(client, yawata, "off")
    assert _menu_of(line_api, "Uboth") == normal and _menu_of(line_api, "Uyawata") == normal
    assert line_api.violations == []


def test_a_new_friend_who_chooses_a_district_in_disaster_mode_gets_its_safety_menu(line_app, line_api, post, session):
    midori = factories.district(session, "緑ケ丘", disaster_mode=True)
    factories.district(session, "八幡")
    session.commit()
    assert line_app.test_cli_runner().invoke(args=["rich-menu"]).exit_code == 0
    line_api.profiles["Unew"] = {"displayName": "新さん", "language": "ko"}
    post(
        event_body(
            user_event("follow", user_id="Unew", event_id="01DIS0000000000000000000001", follow={"isUnblocked": False})
        )
    )
    assert _menu_of(line_api, "Unew") == ["menu.need_help", "menu.give_help", "menu.circulars", "menu.usage"]
    post(
        event_body(
            user_event(
                "postback",
                user_id="Unew",
                event_id="01DIS0000000000000000000002",
                postback={"data": f"district.choose:{midori.id}"},
            )
        )
    )
    assert _menu_of(line_api, "Unew") == ["disaster.report", "disaster.shelter", "disaster.call_help"]
    assert line_api.violations == []
