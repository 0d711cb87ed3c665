"""Play each persona's conversation in a fresh town and judge it on what the platform received."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from bot.i18n import t
from db.models import District, HelperProfile, Resident, Subscription, local_now
from tests import factories
from tests.conversations import admin_play
from tests.conversations.persona import Persona, Talk, address_digits, catalog_head, date_and_part, offers
from tests.conversations.world import World, line_world, world
from tests.fakes import texts


@dataclass(frozen=True)
class Result:
    """How one conversation ended: the problems found (none: as the person meant)."""

    persona: Persona
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def run(persona: Persona, line: bool = False) -> Result:
    """One conversation from the start, judged (with `line`: through the webhook and the real
    line-bot-sdk to the fake LINE API, judged on what LINE received)."""
    with line_world() if line else world() as town:
        play = {
            "resident": _resident,
            "helper": _helper,
            "pause": _pause,
            "resume": _resume,
            "safety": _safety,
            "admin": admin_play.play,
        }[persona.role]
        try:
            problems = play(persona, town)
        except Exception as error:  # a crash is a failed conversation, shown with its cause
            problems = [f"crashed: {error!r}"]
    return Result(persona, tuple(problems))


def run_all(personas: Iterable[Persona], line: bool = False) -> list[Result]:
    """Every conversation, each in its own town."""
    return [run(p, line) for p in personas]


def _district(town: World, name: str) -> District:
    return town.chat.session.scalar(select(District).where(District.name == name))


def _person(town: World, p: Persona, user: str = "P") -> Resident:
    session = town.chat.session
    district = _district(town, p.district) if p.registered else None
    person = factories.resident(
        session,
        platform=town.platform,
        user_id=user,
        district=district,
        display_name=p.name,
        address=p.address,
        language=p.language,
    )
    session.commit()
    return person


# -- residents asking for help (or only chatting) -------------------------------------------------


def _resident(p: Persona, town: World) -> list[str]:
    _person(town, p)
    Talk(p, town).play()
    return judge_request(p, town)


def judge_request(p: Persona, town: World, user: str = "P") -> list[str]:
    """The right helper was offered the right kind, day and part; the address went to them alone."""
    received = offers(town)
    told = texts(town.channel.to(user))
    if not told:
        return ["the person got no answer at all"]
    if p.kind is None:
        return [f"offers went out to {sorted(received)}"] if received else []
    helper = town.helpers[(p.district, p.kind)]
    problems = [] if set(received) == {helper} else [f"offered to {sorted(received)}, not {helper}"]
    cards = received.get(helper, [])
    if not cards:
        return problems or ["no offer"]
    problems += _card_problems(p, cards[-1])
    return problems + _accept_problems(p, town, helper, cards[-1], user)


def _card_problems(p: Persona, card) -> list[str]:
    day, part = date_and_part(card)
    wanted = local_now().date() + timedelta(days=p.day) if p.day is not None else None
    problems = []
    if ((wanted.month, wanted.day) if wanted else None) != day:
        problems.append(f"offered for day {day}, meant {wanted}")
    if p.part != part:
        problems.append(f"offered for part {part}, meant {p.part}")
    if address_digits(p.address or p.writes_address) in card.body:
        problems.append("the address is in the offer card")
    # "I don't know" at the landmark question is no landmark, not one helpers read
    nothing = {w.strip() for locale in (p.language, "ja") for w in t("request.no_landmark_words", locale).split(",")}
    if p.landmark in nothing and p.landmark in card.body:
        problems.append(f"the offer card gives 「{p.landmark}」 as the landmark")
    return problems


def _accept_problems(p: Persona, town: World, helper: str, card, user: str) -> list[str]:
    accept = next(b.data for b in card.buttons if b.data.startswith("offer.accept"))
    town.chat.press(helper, accept)
    digits = address_digits(p.address or p.writes_address)
    readers = {s.user_id for s in town.channel.sent if any(digits in x for x in texts(s.messages))}
    problems = [] if readers <= {helper, user} and helper in readers else [f"the address went to {sorted(readers)}"]
    name = town.chat.session.scalar(select(Resident.display_name).where(Resident.platform_user_id == helper))
    if not any(name in x for x in texts(town.channel.to(user))):
        problems.append("the person was not told who took it")
    return problems


# -- helpers -------------------------------------------------------------------------------------


def _ask_for(town: World, district: str, kind: str, user: str = "R") -> None:
    """Another resident asks for this kind of help in the district (buttons all the way)."""
    session = town.chat.session
    factories.resident(
        session, platform=town.platform, user_id=user, district=_district(town, district), address=f"{district}9-9-9"
    )
    session.commit()
    town.chat.press(user, "menu.need_help")
    got = town.chat.press(user, f"request.new:{kind}")
    got = town.chat.press(user, next(b.data for m in got for b in m.buttons if b.data.endswith(":tomorrow")))
    got = town.chat.say(user, "特になし")
    town.chat.press(user, next(b.data for m in got for b in m.buttons if b.data.startswith("request.send")))


def _helper(p: Persona, town: World) -> list[str]:
    _person(town, p)
    Talk(p, town).play()
    _ask_for(town, p.district, p.skills[0])
    return [] if "P" in offers(town) else ["the new helper was offered nothing"]


def _registered_helper(p: Persona, town: World, paused: bool) -> None:
    person = _person(town, p)
    session = town.chat.session
    profile = HelperProfile(
        resident_id=person.id,
        skills=list(p.skills),
        paused=paused,
        availability=["weekday_morning", "weekday_afternoon", "weekday_evening", "weekend"],
        approved=True,
    )
    profile.districts.append(_district(town, p.district))
    session.add(profile)
    session.commit()


def _pause(p: Persona, town: World) -> list[str]:
    _registered_helper(p, town, paused=False)
    Talk(p, town).play()
    _ask_for(town, p.district, p.skills[0])
    return ["a pausing helper was still offered a task"] if "P" in offers(town) else []


def _resume(p: Persona, town: World) -> list[str]:
    _registered_helper(p, town, paused=True)
    Talk(p, town).play()
    _ask_for(town, p.district, p.skills[0])
    return [] if "P" in offers(town) else ["a helper back from a pause was offered nothing"]


# -- safety checks -------------------------------------------------------------------------------


def _safety(p: Persona, town: World) -> list[str]:
    person = _person(town, p)
    session = town.chat.session
    session.add(Subscription(resident_id=person.id, district_id=person.district_id))
    session.commit()
    admin = town.admins[p.district]
    got = town.chat.say(admin, t("safety.start_words", "ja").split(",")[-1])
    send = next(b.data for m in got for b in m.buttons if b.data.startswith("circular.send"))
    town.chat.press(admin, send)
    reached = [m for users, messages, _ in town.channel.multicasts if "P" in users for m in messages]
    asked = catalog_head("safety.ask", p.language) or "ご無事"  # the check's words in the person's language
    if not any(asked in x for x in texts(town.channel.to("P") + reached)):
        return ["the safety check did not reach the person"]
    before = len(town.channel.to(admin))
    Talk(p, town).play()
    alerted = any("【至急】" in x and p.name in x for x in texts(town.channel.to(admin)[before:]))
    if alerted != (not p.safe):
        return [f"admin alerted: {alerted}, the person is safe: {p.safe}"]
    return []
