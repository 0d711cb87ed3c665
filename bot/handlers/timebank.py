"""The time bank in chat: the balance, giving hours to a neighbour, an admin recording a class."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from bot.circulars.subscriptions import admin_districts
from bot.errors import LedgerError
from bot.events import Outbox, Text
from bot.handlers import Turn, button, main_menu, on_intent, on_postback, on_text
from bot.handlers.conversation import has_word
from bot.i18n import hours_text, t, when_text
from bot.timebank import ledger, people
from db.models import Resident

GIFT_AMOUNTS = (15, 30, 60, 120)
CLASS_SIZES = (1, 2, 3, 5, 8, 10, 15, 20, 30)
CLASS_LENGTHS = (30, 60, 90, 120, 180)


def name_of(person: Resident, locale: str) -> str:
    """How the bot names a person to others."""
    return person.display_name or t("timebank.someone", locale)


def statement(turn: Turn, balance: int, movements: list[ledger.Movement]) -> str:
    """The balance and the latest movements as one message."""
    lines = [turn.t("timebank.balance", amount=hours_text(balance, turn.locale)), ""]
    lines.append(turn.t("timebank.recent_title") if movements else turn.t("timebank.nothing_yet"))
    for m in movements:
        key = "timebank.recent_line_with" if m.other_name else "timebank.recent_line"
        amount = ("+" if m.minutes > 0 else "") + hours_text(m.minutes, turn.locale)
        lines.append(
            turn.t(
                key,
                when=when_text(m.at.date(), turn.locale),
                name=m.other_name,
                what=turn.t(f"timebank.kind.{m.kind}"),
                amount=amount,
            )
        )
    return "\n".join(lines)


@on_intent("balance")
@on_postback("timebank.balance")
def balance(session: Session, turn: Turn) -> Outbox:
    """残高: the balance and the latest movements, with what one can do next."""
    me = turn.resident.id
    ledger.grant(session, me, config=turn.config)
    text = statement(turn, ledger.balance(session, me), ledger.recent(session, me))
    actions = [button(turn.t("timebank.give"), "timebank.give")]
    if admin_districts(session, turn.resident):
        actions.append(button(turn.t("timebank.record_teaching"), "timebank.teach"))
    return turn.reply(Text(text, (*actions, *main_menu(turn.locale))))


@on_postback("timebank.cancel")
def cancel(session: Session, turn: Turn) -> Outbox:
    """The person pressed いいえ in a time-bank question."""
    return turn.reply(Text(turn.t("common.cancelled"), main_menu(turn.locale)))


# -- giving hours ----------------------------------------------------------------------------


@on_postback("timebank.give")
def give(session: Session, turn: Turn) -> Outbox:
    """時間を贈る: choose the person."""
    candidates = people.gift_candidates(session, turn.resident)
    if not candidates:
        return turn.reply(Text(turn.t("timebank.gift.no_one"), main_menu(turn.locale)))
    choices = tuple(button(name_of(p, turn.locale), "timebank.give_to", p.id) for p in candidates)
    return turn.reply(Text(turn.t("timebank.gift.choose_person"), choices))


@on_text
def give_in_words(session: Session, turn: Turn) -> Outbox | None:
    """「時間を贈りたい」「お礼に時間をあげたい」 "I'd like to give some time": the same as the button."""
    return give(session, turn) if has_word(turn, "timebank.give_words") else None


def _recipient(session: Session, turn: Turn) -> Resident | None:
    """The person named in the button, if the sender may give to them."""
    wanted = int(turn.args[0]) if turn.args and turn.args[0].isdigit() else None
    return next((p for p in people.gift_candidates(session, turn.resident) if p.id == wanted), None)


def _unknown_person(turn: Turn) -> Outbox:
    return turn.reply(Text(turn.t("timebank.gift.unknown_person"), main_menu(turn.locale)))


@on_postback("timebank.give_to")
def give_to(session: Session, turn: Turn) -> Outbox:
    """The person is chosen: choose the amount."""
    person = _recipient(session, turn)
    if person is None:
        return _unknown_person(turn)
    amounts = tuple(button(hours_text(m, turn.locale), "timebank.give_amount", person.id, m) for m in GIFT_AMOUNTS)
    return turn.reply(Text(turn.t("timebank.gift.choose_amount", name=name_of(person, turn.locale)), amounts))


@on_postback("timebank.give_amount")
def give_amount(session: Session, turn: Turn) -> Outbox:
    """The amount is chosen: confirm (the yes button carries a key, so a second press gives nothing)."""
    person, minutes = _recipient(session, turn), _amount(turn.args, 1)
    if person is None or minutes is None:
        return _unknown_person(turn)
    text = turn.t("timebank.gift.confirm", name=name_of(person, turn.locale), amount=hours_text(minutes, turn.locale))
    return turn.reply(Text(text, _yes_no(turn, "timebank.give_confirm", person.id, minutes)))


@on_postback("timebank.give_confirm")
def give_confirm(session: Session, turn: Turn) -> Outbox:
    """はい: give the hours and tell the receiver."""
    person, minutes, key = _recipient(session, turn), _amount(turn.args, 1), _key(turn.args, 2)
    if person is None or minutes is None or key is None:
        return _unknown_person(turn)
    if ledger.recorded(session, key):
        return turn.reply(Text(turn.t("timebank.gift.already"), main_menu(turn.locale)))
    me, amount = turn.resident, hours_text(minutes, turn.locale)
    try:
        ledger.give(session, me.id, person.id, minutes, config=turn.config, transfer_id=key)
    except LedgerError:
        left = hours_text(ledger.balance(session, me.id), turn.locale)
        return turn.reply(Text(turn.t("timebank.gift.too_much", balance=left), main_menu(turn.locale)))
    left = hours_text(ledger.balance(session, me.id), turn.locale)
    outbox = turn.reply(
        Text(
            turn.t("timebank.gift.given", name=name_of(person, turn.locale), amount=amount, balance=left),
            main_menu(turn.locale),
        )
    )
    return outbox.to(
        person.id,
        Text(
            t(
                "timebank.gift.received",
                person.language,
                name=name_of(me, person.language),
                amount=hours_text(minutes, person.language),
            )
        ),
    )


def _amount(args: list[str], index: int, allowed: tuple[int, ...] = GIFT_AMOUNTS) -> int | None:
    value = args[index] if len(args) > index else ""
    return int(value) if value.isdigit() and int(value) in allowed else None


def _key(args: list[str], index: int) -> str | None:
    value = args[index] if len(args) > index else ""
    return value if len(value) == 36 else None


def _yes_no(turn: Turn, action: str, *args: object) -> tuple:
    return (button(turn.t("common.yes"), action, *args, uuid.uuid4()), button(turn.t("common.no"), "timebank.cancel"))


# -- an admin records a class taught by an experience master -----------------------------------


@on_postback("timebank.teach")
def teach(session: Session, turn: Turn) -> Outbox:
    """教室の時間を記録 (admins): choose the experience master."""
    districts = [d.id for d in admin_districts(session, turn.resident)]
    if not districts:
        return turn.reply(Text(turn.t("common.not_allowed"), main_menu(turn.locale)))
    masters = people.experience_masters(session, districts)
    if not masters:
        return turn.reply(Text(turn.t("timebank.teach.no_master"), main_menu(turn.locale)))
    choices = tuple(button(name_of(m, turn.locale), "timebank.teach_step", d, m.id) for d, m in masters)
    return turn.reply(Text(turn.t("timebank.teach.choose_master"), choices))


def _class_master(session: Session, turn: Turn) -> tuple[int, Resident] | None:
    """(district id, master) of the button, if the sender administers that district."""
    wanted = tuple(turn.args[:2])
    districts = [d.id for d in admin_districts(session, turn.resident)]
    return next(
        ((d, m) for d, m in people.experience_masters(session, districts) if (str(d), str(m.id)) == wanted), None
    )


@on_postback("timebank.teach_step")
def teach_step(session: Session, turn: Turn) -> Outbox:
    """Ask what the class still lacks (how many people, how long), then confirm."""
    found = _class_master(session, turn)
    if found is None:
        return turn.reply(Text(turn.t("common.not_allowed"), main_menu(turn.locale)))
    (district_id, master), name = found, name_of(found[1], turn.locale)
    count, length = _amount(turn.args, 2, CLASS_SIZES), _amount(turn.args, 3, CLASS_LENGTHS)
    if count is None:
        sizes = tuple(
            button(turn.t("timebank.teach.people", count=n), "timebank.teach_step", district_id, master.id, n)
            for n in CLASS_SIZES
        )
        return turn.reply(Text(turn.t("timebank.teach.choose_people", name=name), sizes))
    if length is None:
        lengths = tuple(
            button(hours_text(n, turn.locale), "timebank.teach_step", district_id, master.id, count, n)
            for n in CLASS_LENGTHS
        )
        return turn.reply(Text(turn.t("timebank.teach.choose_length"), lengths))
    text = turn.t(
        "timebank.teach.confirm",
        name=name,
        count=count,
        length=hours_text(length, turn.locale),
        earned=hours_text(count * length, turn.locale),
    )
    return turn.reply(Text(text, _yes_no(turn, "timebank.teach_confirm", *turn.args[:4])))


@on_postback("timebank.teach_confirm")
def teach_confirm(session: Session, turn: Turn) -> Outbox:
    """はい: record the class and thank the master."""
    found, key = _class_master(session, turn), _key(turn.args, 4)
    count, length = _amount(turn.args, 2, CLASS_SIZES), _amount(turn.args, 3, CLASS_LENGTHS)
    if found is None or key is None or count is None or length is None:
        return turn.reply(Text(turn.t("common.not_allowed"), main_menu(turn.locale)))
    if ledger.recorded(session, key):
        return turn.reply(Text(turn.t("timebank.teach.already"), main_menu(turn.locale)))
    district_id, master = found
    earned = ledger.teach(
        session, master.id, district_id, count, length, turn.resident.id, config=turn.config, transfer_id=key
    )
    outbox = turn.reply(
        Text(
            turn.t(
                "timebank.teach.recorded", name=name_of(master, turn.locale), earned=hours_text(earned, turn.locale)
            ),
            main_menu(turn.locale),
        )
    )
    return outbox.to(
        master.id,
        Text(t("timebank.teach.received", master.language, count=count, earned=hours_text(earned, master.language))),
    )
