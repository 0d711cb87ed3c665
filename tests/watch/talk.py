"""Steps shared by the 見守り tests: signing up in chat, and the clock's ticks."""

from __future__ import annotations

from datetime import datetime

from bot.jobs import watch_tick
from tests.fakes import texts
from tests.handlers.talk import press

MONDAY = datetime(2026, 11, 30, 6, 0)  # a Monday morning, before the greeting


def sign_up(
    chat,
    user: str,
    *,
    time: str = "9:00",
    days: str = "毎日",
    hours: str = "3時間",
    who: str = "家族・民生委員",
    address: str | None = "緑ケ丘3-2-1",
) -> str:
    """Sign up for the daily check-in by chat; the invitation code the bot gave."""
    got = chat.say(user, "見守りをお願いしたい")
    got = press(chat, user, "自分", got)
    assert "何時ごろ" in texts(got)[-1]
    got = press(chat, user, time, got)
    got = press(chat, user, days, got)
    got = press(chat, user, hours, got)
    got = press(chat, user, who, got)
    assert "見守りを始めました" in texts(got)[0]
    code = next((t.split("見守りコード ")[1][:6] for t in texts(got) if "見守りコード " in t), "")
    if address is not None and "ご住所" in texts(got)[-1]:
        chat.say(user, address)
    return code


def at(chat, moment: datetime) -> None:
    """Move the clock to `moment` and let the scheduler tick there."""
    chat.clock = moment
    chat.session.commit()
    watch_tick(moment.isoformat())
    chat.session.expire_all()


def greeting_button(chat, user: str) -> str:
    """The data of the 元気です button on the last greeting the user received."""
    return next(b.data for m in reversed(chat.channel.to(user)) for b in m.buttons if b.data.startswith("watch.fine"))
