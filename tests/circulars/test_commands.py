"""`flask circulars ...` for staff at a desk: the same steps as the admin's chat."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from bot.circulars import commands
from db.models import Circular
from tests.circulars.conftest import add_followers


def run(*args: str):
    app = Flask("circulars-test")
    commands.register(app.cli)
    return app.test_cli_runner().invoke(args=["circulars", *args])


def test_staff_send_then_status(session, channel, midori, midori_admin):
    people = add_followers(session, midori, 4)
    session.commit()
    result = run(
        "send",
        "--district",
        "緑ケ丘",
        "--admin",
        str(midori_admin.id),
        "--title",
        "回覧",
        "--body",
        "本文",
        "--confirm",
        "--yes",
    )
    assert result.exit_code == 0, result.output
    assert "4 LINE messages (unlimited)" in result.output
    assert sorted(channel.multicasts[0][0]) == sorted(people)
    result = run("status", str(session.scalar(select(Circular.id))))
    assert "sent=4" in result.output and "confirmed=0" in result.output
    assert result.output.count("silent:") == 4


def test_staff_schedule_and_safety_check(session, rt, channel, midori, midori_admin):
    add_followers(session, midori, 2)
    session.commit()
    result = run(
        "schedule",
        "--district",
        str(midori.id),
        "--admin",
        str(midori_admin.id),
        "--title",
        "夏祭り",
        "--at",
        "2099-08-01T09:00:00",
        "--yes",
    )
    assert "scheduled" in result.output and channel.multicasts == []
    result = run("safety-start", "--district", "緑ケ丘", "--admin", str(midori_admin.id), "--yes")
    assert result.exit_code == 0, result.output
    check_id = session.scalar(select(Circular.id).where(Circular.kind == "safety_check"))
    assert "safety_check" in run("safety-status", str(check_id)).output
    assert len(channel.multicasts) == 1


def test_non_admin_is_refused_at_the_desk(session, channel, midori):
    add_followers(session, midori, 2)
    session.commit()
    result = run("send", "--district", "緑ケ丘", "--admin", "999", "--title", "x", "--yes")
    assert result.exit_code != 0 and "not an admin" in result.output
    session.expire_all()
    assert session.query(Circular).count() == 0
