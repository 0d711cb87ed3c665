"""Greeting, choosing a district, usage, small talk, leaving."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot import residents
from bot.events import Outbox, Text
from bot.matching.describe import district_label
from bot.handlers import INTENTS, Turn, button, main_menu, on_event, on_intent, on_postback, on_state, on_text
from bot.handlers.conversation import answer_questions, answered_questions, has_word, normal
from bot.i18n import t
from db.models import District, Resident, Subscription

MAX_DISTRICT_BUTTONS = 12


def district_buttons(session: Session, action: str = "district.choose", locale: str = "ja") -> tuple:
    """One quick reply per district (LINE shows at most 13)."""
    districts = session.scalars(select(District).order_by(District.id).limit(MAX_DISTRICT_BUTTONS))
    return tuple(button(district_label(d, locale), action, d.id) for d in districts)


# What goes on once the district is known, by name (the watch sign-up registers its own): a flow
# that needed the district first resumes instead of leaving the person to start it again.
AFTER_DISTRICT: dict[str, Callable[[Session, Turn], Outbox]] = {}
# What a message that names the district also asks goes on after it (「黒崎です。明日の朝、犬の散歩を…」,
# "I live in Yahata. I'd like to help people with their phones"): it is not dropped for the district.
GO_ON = ("help_request", "offer_help")
# How long the district question waits for its answer.
DISTRICT_MINUTES = 24 * 60
# Small talk this soon after a sign-up asked the district is likely an answer to its next question
# (「朝9時」); later, it is small talk.
REASK_WITHIN = timedelta(minutes=30)


def ask_district(session: Session, turn: Turn, key: str = "onboarding.ask_district", then: str | None = None) -> Text:
    """Ask which district the person lives in; the answer may be typed or pressed. `then` names
    what goes on once it is known (see AFTER_DISTRICT)."""
    data = {"then": then} if then else None
    conversations.ask(session, turn.resident, "choose_district", data, now=turn.now, minutes=DISTRICT_MINUTES)
    return Text(turn.t(key), district_buttons(session, locale=turn.locale))


def welcome(resident: Resident) -> str:
    """The first greeting, with the LINE name when there is one (a profile LINE would not give is no
    「さん、友だち追加…」 with nothing before it)."""
    if resident.display_name and resident.display_name.strip():
        return t("onboarding.welcome", resident.language, name=resident.display_name.strip())
    return t("onboarding.welcome_unnamed", resident.language)


@on_event("follow")
def follow(session: Session, turn: Turn) -> Outbox:
    """A new friend (or one coming back after a block): greet, then ask the district."""
    coming_back = turn.resident.left_at is not None or turn.inbound.data == "unblocked"
    turn.resident.active = True
    turn.resident.left_at = None
    if coming_back:
        greeting = Text(turn.t("onboarding.welcome_back"))
    else:
        greeting = Text(welcome(turn.resident))
    if turn.resident.district_id is None:
        return turn.reply(greeting, ask_district(session, turn))
    return turn.reply(Text(greeting.text, main_menu(turn.locale)))


@on_event("unfollow")
def unfollow(session: Session, turn: Turn) -> Outbox:
    """Blocked: stop everything to this person at once (they cannot read a goodbye)."""
    residents.deactivate(session, turn.resident, turn.now)
    return Outbox()


@on_event("other")
def other_event(session: Session, turn: Turn) -> Outbox:
    """A sticker, a photo, a location...: a kind word about what the bot can read."""
    if turn.inbound.in_group or turn.inbound.kind not in ("sticker", "image", "video", "audio", "file", "location"):
        return Outbox()  # group joins, beacons, read receipts...: recorded, nothing to say
    return turn.reply(Text(turn.t("onboarding.media"), main_menu(turn.locale)))


@on_postback("district.choose")
def choose_district(session: Session, turn: Turn) -> Outbox:
    """The person pressed their district."""
    district = session.get(District, int(turn.args[0])) if turn.args else None
    return settle_district(session, turn, district)


@on_state("choose_district")
def typed_district(session: Session, turn: Turn) -> Outbox | None:
    """The person typed their district's name (or something else: then not ours)."""
    from bot.residents import district_in

    chosen = district_in(turn.text, list(session.scalars(select(District))))
    then = (turn.pending.data or {}).get("then")
    intent = turn.understood.intent
    if chosen is not None and then not in AFTER_DISTRICT and intent in GO_ON and intent in INTENTS:
        settle_district(session, turn, chosen)
        turn.conversation = None
        said = Text(turn.t("onboarding.district_set", district=chosen.name))
        return turn.reply(said).extend(INTENTS[intent](session, turn) or Outbox())
    if chosen is not None:
        return settle_district(session, turn, chosen)
    if then in AFTER_DISTRICT and turn.understood.intent == "chitchat" and _just_asked(turn):
        # a sign-up waits for the district (「朝9時」 written for its next question): asked again,
        # not answered as small talk that leaves the sign-up behind unseen
        sorry = Text(turn.t("conversation.not_understood"))
        return turn.reply(sorry, ask_district(session, turn, then=then))
    return None


def _just_asked(turn: Turn) -> bool:
    """Whether the district question was asked in the last minutes (it waits a day)."""
    expires = turn.pending.expires_at
    return expires is not None and turn.now < expires - timedelta(minutes=DISTRICT_MINUTES) + REASK_WITHIN


def settle_district(session: Session, turn: Turn, district: District | None) -> Outbox:
    """Remember the district and follow its circulars."""
    if district is None:
        return turn.reply(ask_district(session, turn))
    turn.resident.district_id = district.id
    subscription = session.scalar(
        select(Subscription).where(
            Subscription.resident_id == turn.resident.id, Subscription.district_id == district.id
        )
    )
    if subscription is None:
        session.add(Subscription(resident_id=turn.resident.id, district_id=district.id))
    else:
        subscription.active = True
    pending = conversations.current(session, turn.resident, turn.now)
    then = (pending.data or {}).get("then") if pending is not None and pending.state == "choose_district" else None
    conversations.finish(session, turn.resident)
    said = turn.t("onboarding.district_set", district=district.name)
    if then in AFTER_DISTRICT:
        return turn.reply(Text(said)).extend(AFTER_DISTRICT[then](session, turn))
    return turn.reply(Text(said, main_menu(turn.locale)))


@on_intent("usage")
@on_postback("menu.usage")
def usage(session: Session, turn: Turn) -> Outbox:
    """How to use the service, in a few lines."""
    return turn.reply(Text(turn.t("onboarding.usage"), main_menu(turn.locale)))


@on_text
def usage_and_balance(session: Session, turn: Turn) -> Outbox | None:
    """「使い方と残高を教えて」: both questions answered, one after the other."""
    return answer_questions(session, turn) if len(answered_questions(turn)) > 1 else None


def helps_somewhere(turn: Turn) -> bool:
    """Whether the person is a helper with districts chosen."""
    profile = turn.resident.helper_profile
    return profile is not None and bool(profile.districts)


def small_talk(turn: Turn) -> Outbox:
    """A short warm answer: a greeting for a greeting (おはよう for おはよう, not こんにちは), thanks
    for thanks, else a friendly word."""
    greeting = greeting_back(turn)
    if greeting:
        return turn.reply(Text(turn.t("onboarding.chitchat_greeting_back", greeting=greeting), main_menu(turn.locale)))
    for kind in ("thanks", "greeting"):  # 「ありがとう、よろしくお願いします」 thanks first
        if has_word(turn, f"onboarding.{kind}_words"):
            return turn.reply(Text(turn.t(f"onboarding.chitchat_{kind}"), main_menu(turn.locale)))
    return turn.reply(Text(turn.t("onboarding.chitchat"), main_menu(turn.locale)))


def greeting_back(turn: Turn) -> str | None:
    """The greeting that answers the one the message starts with (おはようございます), if any."""
    text = normal(turn.text)
    for pair in turn.t("onboarding.greetings_back").split(","):
        said, _, back = pair.partition("=")
        if said and back and text.startswith(normal(said)):
            return back
    return None


@on_intent("leave")
def leave(session: Session, turn: Turn) -> Outbox:
    """退会: say what it means and ask for a confirming press."""
    return turn.reply(
        Text(
            turn.t("onboarding.leave_confirm"),
            (
                button(turn.t("onboarding.leave_yes"), "account.leave"),
                button(turn.t("common.back"), "account.stay"),
            ),
        )
    )


@on_postback("account.stay")
def stay(session: Session, turn: Turn) -> Outbox:
    """The person chose not to leave."""
    return turn.reply(Text(turn.t("common.cancelled"), main_menu(turn.locale)))


@on_postback("account.leave")
def leave_confirmed(session: Session, turn: Turn) -> Outbox:
    """退会, confirmed: erase personal data and stop everything."""
    resident, now = turn.resident, turn.now
    turn.afterwards.append(lambda s: residents.erase(s, resident, now))
    return turn.reply(Text(turn.t("onboarding.left")))
