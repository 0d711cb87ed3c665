"""Safety checks in chat: answers by button or text, the admin's start and follow-up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot import outbox as outboxes
from bot.circulars import circulars, safety, subscriptions
from bot.circulars.circulars import Draft
from bot.errors import NotAllowedError
from bot.events import Outbox, Text
from bot.handlers import Turn, button, main_menu, on_command, on_postback, on_state
from bot.handlers.circulars import answering_for, follow_up, not_yours, preview, refuse
from bot.i18n import t
from bot.residents import district_in
from db.models import Circular, Resident

REMIND_AFTER_MINUTES = 60
# Below this calibrated confidence a typed answer read as safe is asked again with the buttons (a
# need read as safe leaves someone without help; in cross-validation the few safe readings under it
# were mostly needs, and those above it all right).
SURE = 0.6


@on_postback("safety.safe")
def safe_pressed(session: Session, turn: Turn) -> Outbox:
    """無事です pressed (by a proxy: for the person they represent)."""
    return pressed(session, turn, "safe")


@on_postback("safety.need_help")
def need_help_pressed(session: Session, turn: Turn) -> Outbox:
    """助けが必要 pressed (by a proxy: for the person they represent)."""
    return pressed(session, turn, "need_help")


def pressed(session: Session, turn: Turn, said: str) -> Outbox:
    """A safety check button: the answer of the presser or of whom they speak for; else refused."""
    person = answering_for(session, turn)
    if person is None:
        return not_yours(turn)
    return record(session, turn, int(turn.args[0]), said, person=person)


def answered_in_words(session: Session, turn: Turn) -> Outbox | None:
    """A typed reply to a safety check (無事です / はい / 足をけがして動けません); small talk gets the
    question again with its buttons (the check must not stay unanswered behind a pleasantry);
    anything else is not ours."""
    said = reads_as(turn)
    circular_id = int(turn.pending.data.get("circular_id", 0))
    if said is None and turn.understood.intent == "safe":  # safe only guessed: thanked, asked again
        return ask_again(turn, circular_id, "safety.ask_again_unsure")
    if said is None:  # small talk: asked again
        return ask_again(turn, circular_id) if turn.understood.intent == "chitchat" else None
    return record(session, turn, circular_id, said, text=turn.text, category=_category(turn.text, turn.now))


def reads_as(turn: Turn) -> str | None:
    """safe / need_help as the answer to 「ご無事ですか？」 (a bare はい is safe), or None."""
    from bot.handlers.conversation import is_one_of

    said = getattr(turn.understanding, "intent", None)
    if is_one_of(turn, "safety.yes_words") and said != "need_help":
        return "safe"
    if said == "safe" and getattr(turn.understanding, "confidence", 1.0) < SURE:
        return None  # 真っ暗で何も見えんし、怖かとです read as safe at 0.58: never recorded on a guess
    return said if said in safety.ANSWERS else None


def ask_again(turn: Turn, circular_id: int, key: str = "safety.ask_again") -> Outbox:
    """「ご無事ですか？」 again, with its answers on the message."""
    buttons = (
        button(turn.t("safety.safe_button"), "safety.safe", circular_id),
        button(turn.t("safety.need_help_button"), "safety.need_help", circular_id),
    )
    return turn.reply(Text(turn.t(key), buttons, lasting=True))


def _category(text: str, now: datetime) -> str:
    """What kind of help the words name, read on their own (other when unclear)."""
    from bot.nlp import understand

    alone = understand(text, now=now)
    return (alone.category if alone.intent == "help_request" else None) or "other"


def record(
    session: Session,
    turn: Turn,
    circular_id: int,
    said: str,
    *,
    text: str = "",
    category: str | None = None,
    person: Resident | None = None,
) -> Outbox:
    """Record the answer (of `person`, whom the presser speaks for); a call for help alerts the
    district's admins at once."""
    person = person or turn.resident
    by_proxy = person.id != turn.resident.id
    answered = safety.answer(
        session, person, circular_id, said, turn.now, text=text, category=category, by=turn.resident
    )
    if answered is None:
        return turn.reply(Text(turn.t("safety.not_asked"), main_menu(turn.locale)))
    if not by_proxy:
        conversations.finish(session, turn.resident)
    name = person.display_name or turn.t("circular.no_name")
    if said == "safe":
        thanks = turn.t("safety.thanks_safe_for", name=name) if by_proxy else turn.t("safety.thanks_safe")
        return turn.reply(Text(thanks, main_menu(turn.locale)))
    alone = not any(
        outboxes.recipient(session, admin_id) is not None
        for admin_id in subscriptions.admins_of(session, answered.circular.district_id)
    )
    key = "safety.help_coming_for" if by_proxy else "safety.help_coming"
    coming = turn.t(key + ("_helpers" if alone else ""), name=name)
    if answered.request is None:  # said before: the admins already know
        return turn.reply(Text(coming))
    return alert_admins(session, turn.reply(Text(coming)), person, answered.circular, text)


def alert_admins(session: Session, outbox: Outbox, person: Resident, circular: Circular, text: str) -> Outbox:
    """Tell every admin of the district who needs help (after the sender's confirmation)."""
    for admin_id in subscriptions.admins_of(session, circular.district_id):
        admin = session.get_one(Resident, admin_id)
        alert = t(
            "safety.alert",
            admin.language,
            name=person.display_name or t("circular.no_name", admin.language),
            district=circular.district.name,
            text=text or t("safety.need_help_button", admin.language),
        )
        outbox.to(admin_id, Text(alert))
    return outbox


@on_command("safety.start_words")
def prepare_typed(session: Session, turn: Turn) -> Outbox | None:
    """安否確認, typed by an admin: the same as the button (from anyone else: not a command);
    「安否確認の返事がない人は？」 asks who has not answered."""
    from bot.handlers.conversation import has_word

    districts = subscriptions.admin_districts(session, turn.resident)
    if not districts:
        return None
    if has_word(turn, "adminchat.silent_words"):
        return status(session, turn)
    if has_word(turn, "adminchat.how_words"):
        return None  # 「安否確認はどうやって送るの？」 asks how, it is no order to send one
    named = district_in(turn.text, districts)  # 「緑ケ丘に安否確認を送って」
    if len(districts) > 1 and named is None:
        conversations.ask(session, turn.resident, "safety_district", {}, now=turn.now)
        return turn.reply(
            Text(
                turn.t("safety.choose_district"),
                tuple(
                    button(turn.t("safety.start_button", district=d.name), "safety.prepare", d.id) for d in districts
                ),
            )
        )
    turn.args = [str((named or districts[0]).id)]
    return prepare(session, turn)


@on_state("safety_district")
def typed_district(session: Session, turn: Turn) -> Outbox | None:
    """The district for the safety check written (「緑ケ丘」) instead of pressed."""
    named = district_in(turn.text, subscriptions.admin_districts(session, turn.resident))
    if named is None:
        return None
    turn.args = [str(named.id)]
    return prepare(session, turn)


@on_command("safety.status_words")
def status_typed(session: Session, turn: Turn) -> Outbox | None:
    """未回答の人, typed by an admin."""
    return status(session, turn) if subscriptions.admin_districts(session, turn.resident) else None


@on_postback("safety.prepare")
def prepare(session: Session, turn: Turn) -> Outbox:
    """安否確認 pressed by an admin: draft it and show the preview, cost and 送信 / やめる."""
    districts = subscriptions.admin_districts(session, turn.resident)
    chosen = int(turn.args[0]) if turn.args else (districts[0].id if districts else 0)
    pending = conversations.current(session, turn.resident, turn.now)
    if pending is not None and pending.state == "safety_district":
        conversations.finish(session, turn.resident)
    spec = Draft(
        chosen,
        turn.t("safety.default_title"),
        turn.t("safety.default_body"),
        kind="safety_check",
        remind_after_minutes=REMIND_AFTER_MINUTES,
    )
    try:
        circular = circulars.draft(session, turn.resident.id, spec)
    except NotAllowedError:
        return refuse(turn)
    return preview(session, turn, circular)


@on_postback("safety.status")
def status(session: Session, turn: Turn) -> Outbox:
    """未回答の人: live counts safe / need help / no answer and who has not answered."""
    return follow_up(session, turn, "safety")
