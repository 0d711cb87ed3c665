"""District admins in the simulated town: what they do in chat, judged on what LINE received.

An admin persona's `task` says what they mean to do:
  circular  send their district a circular (typed 「回覧: …」, or asked for it and written when asked);
  safety    send their district a safety check;
  assign    answer an unmet-request alert by choosing a helper (the persona's `kind`'s) with its button;
  approve   approve a helper who registered in a district that asks for approval;
  status    ask who has not answered the latest safety check.
Their first message is `says` (empty: they only press the buttons of the alert they received).
"""

from __future__ import annotations

from sqlalchemy import select

from bot.events import Card
from bot.i18n import t
from db.models import District, HelperProfile, Resident, Subscription
from tests import factories
from tests.conversations.persona import Persona, Talk, offers
from tests.conversations.world import World
from tests.fakes import texts

ADMIN = "ADMIN"  # the admins' user ids start with it (world.py)


def play(p: Persona, town: World) -> list[str]:
    """The admin's task, played and judged."""
    return {"circular": _circular, "safety": _safety, "assign": _assign, "approve": _approve, "status": _status}[
        p.task
    ](p, town)


def _district(town: World, name: str) -> District:
    return town.chat.session.scalar(select(District).where(District.name == name))


def _follower(town: World, user: str, district: str, name: str) -> Resident:
    """A resident who follows a district's circulars."""
    session = town.chat.session
    person = factories.resident(
        session, platform=town.platform, user_id=user, district=_district(town, district), display_name=name
    )
    session.add(Subscription(resident_id=person.id, district_id=person.district_id))
    session.commit()
    return person


def _reached(town: World, user: str) -> list[str]:
    """What a resident received, pushed or multicast."""
    multicast = [m for users, messages, _ in town.channel.multicasts if user in users for m in messages]
    return texts(town.channel.to(user) + multicast)


def _other_district(p: Persona) -> str:
    return "黒崎" if p.district != "黒崎" else "緑ケ丘"


def _admin_talk(p: Persona, town: World) -> list:
    admin = town.admins[p.district]
    return Talk(p, town, user=admin).play()


def _circular(p: Persona, town: World) -> list[str]:
    _follower(town, "F1", p.district, "回覧を読む人")
    _follower(town, "F2", _other_district(p), "よその地区の人")
    _admin_talk(p, town)
    title = (p.writes or p.says.split(":", 1)[-1].split("：", 1)[-1]).strip().splitlines()[0].strip()
    problems = [] if any(title in x for x in _reached(town, "F1")) else [f"the circular 「{title}」 did not reach"]
    if any(title in x for x in _reached(town, "F2")):
        problems.append("the circular reached another district")
    return problems


def _safety(p: Persona, town: World) -> list[str]:
    _follower(town, "F1", p.district, "見守られる人")
    _follower(town, "F2", _other_district(p), "よその地区の人")
    _admin_talk(p, town)
    problems = [] if any("ご無事" in x for x in _reached(town, "F1")) else ["the safety check did not reach"]
    if any("ご無事" in x for x in _reached(town, "F2")):
        problems.append("the safety check reached another district")
    return problems


def _status(p: Persona, town: World) -> list[str]:
    """Two followers get a safety check; one answers; the admin asks who has not."""
    _follower(town, "F1", p.district, "安田 答子")
    _follower(town, "F2", p.district, "沈 黙子")
    admin = town.admins[p.district]
    got = town.chat.say(admin, "安否確認")
    town.chat.press(admin, next(b.data for m in got for b in m.buttons if b.data.startswith("circular.send")))
    town.chat.say("F1", "無事です")
    answer = texts(_admin_talk(p, town))
    if not any("沈 黙子" in x for x in answer):
        return ["the admin was not told who has not answered"]
    return ["the admin was told a person who answered is silent"] if any("安田 答子" in x for x in answer) else []


# -- an unmet request: the admin chooses a helper ------------------------------------------------


def _assign(p: Persona, town: World) -> list[str]:
    """Nobody of the kind is free: the admin is alerted and chooses one of the district's helpers."""
    session = town.chat.session
    kind = p.kind or "garbage"
    for (district, skill), user in town.helpers.items():
        if district == p.district and skill == kind:
            _profile(town, user).paused = True
    session.commit()
    asker = factories.resident(
        session,
        platform=town.platform,
        user_id="R",
        district=_district(town, p.district),
        display_name="頼む人",
        address=f"{p.district}9-8-7",
    )
    session.commit()
    Talk(Persona(asker.display_name, f"明日の朝{t(f'request.kind.{kind}', 'ja')}をお願いしたいです"), town, "R").play()
    admin = town.admins[p.district]
    if not any("引き受け手" in x for x in texts(town.channel.to(admin))):
        return ["the admin was not told that nobody took the request"]
    if p.interrupted:
        _urgent(town, p)
    if p.says:  # a word to the alert first (「了解です」), then the choice
        town.chat.say(admin, p.says)
    chosen = town.helpers[(p.district, p.choose)]
    name = session.scalar(select(Resident.display_name).where(Resident.platform_user_id == chosen))
    button = next((b for m in _still_pressable(town.channel.to(admin)) for b in m.buttons if b.label == name), None)
    if button is None:
        return [f"no button to choose {name} was left on the alert"]
    town.chat.press(admin, button.data)
    problems = [] if chosen in offers(town) else [f"{name} was not offered the request"]
    if not any(name in x for x in texts(town.channel.to("R"))):
        problems.append("the person who asked was not told whom the admin asked")
    return problems


def _still_pressable(received: list) -> list:
    """The messages whose buttons a person can still press: buttons on the message (a template, a
    card) stay; quick replies go as soon as a later message arrives."""
    return [m for i, m in enumerate(received) if isinstance(m, Card) or m.lasting or i == len(received) - 1]


def _urgent(town: World, p: Persona) -> None:
    """A follower's call for help reaches the admin (a 【至急】 message) after the alert."""
    _follower(town, "F9", p.district, "至急 さん")
    admin = town.admins[p.district]
    got = town.chat.say(admin, "安否確認")
    town.chat.press(admin, next(b.data for m in got for b in m.buttons if b.data.startswith("circular.send")))
    town.chat.say("F9", "足をけがして動けません")


def _profile(town: World, user: str) -> HelperProfile:
    session = town.chat.session
    person = session.scalar(select(Resident).where(Resident.platform_user_id == user))
    return session.scalar(select(HelperProfile).where(HelperProfile.resident_id == person.id))


# -- a helper waiting for approval -----------------------------------------------------------------


def _approve(p: Persona, town: World) -> list[str]:
    """A new helper registers in a district that asks for approval; offered nothing until the admin
    approves them, offered after."""
    from tests.conversations.runner import _ask_for, _person

    session = town.chat.session
    _district(town, p.district).requires_approval = True
    session.commit()
    kind = p.kind or "garbage"
    newcomer = Persona("新人 さん", "手伝いたいです", role="helper", skills=(kind,), district=p.district)
    _person(town, newcomer, user="N")
    Talk(newcomer, town, user="N").play()
    admin = town.admins[p.district]
    alert = next(
        (m for m in town.channel.to(admin) if any(b.data.startswith("helper.approve") for b in m.buttons)), None
    )
    if alert is None:
        return ["the admin was not asked to approve the new helper"]
    _ask_for(town, p.district, kind, user="R1")
    problems = ["a helper waiting for approval was offered a task"] if "N" in offers(town) else []
    if p.says:
        town.chat.say(admin, p.says)
    else:
        town.chat.press(admin, next(b.data for b in alert.buttons if b.data.startswith("helper.approve")))
    if not any("承認されました" in x for x in texts(town.channel.to("N"))):
        problems.append("the helper was not told they were approved")
    _ask_for(town, p.district, kind, user="R2")
    return problems if "N" in offers(town) else [*problems, "the approved helper was offered nothing"]
