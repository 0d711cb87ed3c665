"""Following districts' circulars: by free text (intents subscribe / unsubscribe) or buttons."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import residents
from bot.circulars import subscriptions
from bot.events import Outbox, Text
from bot.handlers import Turn, button, main_menu, on_intent, on_postback
from bot.handlers.circulars import recent_circulars, refuse
from bot.handlers.onboarding import district_buttons
from db.models import District


def named_district(session: Session, turn: Turn) -> District | None:
    """The district the text names, if any."""
    return residents.district_in(turn.text, list(session.scalars(select(District))))


@on_intent("subscribe")
def subscribe(session: Session, turn: Turn) -> Outbox:
    """緑ケ丘の回覧板を受け取りたい / 最近の回覧板."""
    district = named_district(session, turn)
    if district is not None:
        return follow(session, turn, district)
    if subscriptions.followed(session, turn.resident):
        return recent_circulars(session, turn)
    return turn.reply(
        Text(turn.t("subscription.choose_add"), district_buttons(session, "subscription.add", turn.locale))
    )


@on_intent("unsubscribe")
def unsubscribe(session: Session, turn: Turn) -> Outbox:
    """お知らせはもういりません: stop the named district, the only one, or ask which."""
    followed = subscriptions.followed(session, turn.resident)
    district = named_district(session, turn) or (followed[0] if len(followed) == 1 else None)
    if district is not None:
        return unfollow(session, turn, district)
    if not followed:
        return turn.reply(Text(turn.t("subscription.none"), main_menu(turn.locale)))
    return turn.reply(
        Text(turn.t("subscription.choose_remove"), tuple(button(d.name, "subscription.remove", d.id) for d in followed))
    )


@on_postback("subscription.choose")
def choose(session: Session, turn: Turn) -> Outbox:
    """他の地区も受け取る pressed: one button per district."""
    return turn.reply(
        Text(turn.t("subscription.choose_add"), district_buttons(session, "subscription.add", turn.locale))
    )


@on_postback("subscription.add")
def add_pressed(session: Session, turn: Turn) -> Outbox:
    """A district pressed to follow."""
    district = session.get(District, int(turn.args[0])) if turn.args else None
    return follow(session, turn, district) if district else choose(session, turn)


@on_postback("subscription.remove")
def remove_pressed(session: Session, turn: Turn) -> Outbox:
    """A district pressed to stop."""
    district = session.get(District, int(turn.args[0])) if turn.args else None
    return unfollow(session, turn, district) if district else unsubscribe(session, turn)


def follow(session: Session, turn: Turn, district: District) -> Outbox:
    """Follow and say so."""
    key = "subscription.added" if subscriptions.subscribe(session, turn.resident, district) else "subscription.already"
    return turn.reply(Text(turn.t(key, district=district.name), main_menu(turn.locale)))


def unfollow(session: Session, turn: Turn, district: District) -> Outbox:
    """Stop and say so."""
    key = (
        "subscription.removed"
        if subscriptions.unsubscribe(session, turn.resident, district)
        else "subscription.not_following"
    )
    return turn.reply(Text(turn.t(key, district=district.name), main_menu(turn.locale)))


@on_postback("admin.districts")
def follower_counts(session: Session, turn: Turn) -> Outbox:
    """An admin's districts and how many follow each."""
    districts = subscriptions.admin_districts(session, turn.resident)
    if not districts:
        return refuse(turn)
    lines = [
        turn.t("subscription.count_line", district=d.name, followers=subscriptions.follower_count(session, d.id))
        for d in districts
    ]
    return turn.reply(Text("\n".join([turn.t("subscription.counts_title"), *lines])))
