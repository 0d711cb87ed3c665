"""The district admin's 見守り page: silent or unwell people first, 30 days each, other districts refused."""

from datetime import timedelta

from bot.watch import checkins
from db.models import CheckInDay, local_now
from tests import factories
from tests.web.test_admin import log_in


def test_the_watch_page_puts_the_silent_first_and_hides_other_districts(app, session):
    midori = factories.district(session, "緑ケ丘")
    yawata = factories.district(session, "八幡")
    admin = factories.admin(session, midori, display_name="会長")
    now = local_now()
    for name, answered in (("元気な梅子", True), ("静かな松子", False)):
        person = factories.resident(session, district=midori, display_name=name, address="秘密の住所1-1")
        check_in = checkins.sign_up(session, person, checkins.Plan(9 * 60), by=person, now=now)
        session.add(
            CheckInDay(
                check_in_id=check_in.id,
                day=now.date(),
                greeted_at=now,
                answered_at=now if answered else None,
                answer="fine" if answered else None,
                reminded_at=None if answered else now,
                alerted_at=None if answered else now,
            )
        )
        session.add(
            CheckInDay(
                check_in_id=check_in.id,
                day=now.date() - timedelta(days=1),
                greeted_at=now - timedelta(days=1),
                answered_at=now - timedelta(days=1),
                answer="words",
            )
        )
    other = factories.resident(session, district=yawata, display_name="八幡の竹子")
    checkins.sign_up(session, other, checkins.Plan(9 * 60), by=other, now=now)
    session.commit()
    client = app.test_client()
    log_in(client, app, admin.id)
    page = client.get(f"/admin/d/{midori.id}/watch").get_data(as_text=True)
    assert page.index("静かな松子") < page.index("元気な梅子")
    assert "要確認" in page and "お返事なし" in page and page.count("お返事あり") == 2
    assert "八幡の竹子" not in page and "秘密の住所" not in page
    assert client.get(f"/admin/d/{yawata.id}/watch").status_code == 403


def test_an_admin_marks_a_person_names_a_supporter_and_sees_their_state(app, session):
    from sqlalchemy import select

    from db.models import SupportNeed
    from tests.web.test_admin_actions import csrf_of

    midori = factories.district(session, "緑ケ丘")
    yawata = factories.district(session, "八幡")
    admin = factories.admin(session, midori, display_name="会長")
    tome = factories.resident(session, district=midori, display_name="トメ", address="秘密の住所2-2")
    kimura = factories.resident(session, district=midori, display_name="木村")
    session.commit()
    client = app.test_client()
    log_in(client, app, admin.id)
    page = client.get(f"/admin/d/{midori.id}/support").get_data(as_text=True)
    token = csrf_of(client)
    answer = client.post(
        f"/admin/d/{midori.id}/support", data={"csrf": token, "resident_id": tome.id, "note": "車いす"}
    )
    assert answer.status_code == 302
    need = session.scalar(select(SupportNeed))
    client.post(f"/admin/d/{midori.id}/support/{need.id}/supporters", data={"csrf": token, "supporter_id": kimura.id})
    page = client.get(f"/admin/d/{midori.id}/support").get_data(as_text=True)
    assert "トメ" in page and "車いす" in page and "木村" in page and "安否確認なし" in page
    assert "秘密の住所" not in page
    assert (
        client.post(f"/admin/d/{midori.id}/support/{need.id}/supporters", data={"supporter_id": kimura.id}).status_code
        == 403
    )  # no CSRF token
    assert client.get(f"/admin/d/{yawata.id}/support").status_code == 403


def test_an_admin_names_a_minsei_iin_who_is_then_told_like_the_family(app, session):
    from sqlalchemy import select

    from bot.watch.schedule import alert_due, greet_due, remind_due
    from db.models import Watcher
    from tests.web.test_admin_actions import csrf_of

    midori = factories.district(session, "緑ケ丘")
    yawata = factories.district(session, "八幡")
    admin = factories.admin(session, midori, display_name="会長")
    ume = factories.resident(session, district=midori, display_name="梅子", address="秘密の住所1-1")
    tanaka = factories.resident(session, district=midori, display_name="田中")
    outsider = factories.resident(session, district=yawata, display_name="八幡の人")
    now = local_now().replace(hour=6, minute=0, second=0, microsecond=0)
    check_in = checkins.sign_up(session, ume, checkins.Plan(7 * 60), by=ume, now=now - timedelta(days=1))
    session.commit()
    client = app.test_client()
    log_in(client, app, admin.id)
    token = csrf_of(client)
    path = f"/admin/d/{midori.id}/watch/{check_in.id}/minsei"
    assert client.post(path, data={"csrf": token, "minsei_id": outsider.id}).status_code == 400
    answer = client.post(path, data={"csrf": token, "minsei_id": tanaka.id})
    assert answer.status_code == 302
    assert session.scalar(select(Watcher.role).where(Watcher.resident_id == tanaka.id)) == "minsei"
    page = client.get(f"/admin/d/{midori.id}/watch").get_data(as_text=True)
    assert "民生委員として梅子さんの見守りに加えました" in page and "民生委員：田中" in page
    assert (
        client.post(
            f"/admin/d/{yawata.id}/watch/{check_in.id}/minsei", data={"csrf": token, "minsei_id": tanaka.id}
        ).status_code
        == 403
    )
    greet_due(session, now.replace(hour=7))
    remind_due(session, now.replace(hour=8))
    told = alert_due(session, now.replace(hour=11))
    assert [e.resident_id for e in told] == [tanaka.id]  # told when she stays silent, like family
