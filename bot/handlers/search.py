"""行方不明 in chat: the family describes the person (words, then a photo), sends the search;
helpers press 協力する and report by words or a location; 見つかりました ends it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.circulars.subscriptions import admin_districts
from bot.events import Message, Outbox, Text
from bot.handlers import Turn, button, on_command, on_event, on_postback, on_state
from bot.handlers import conversation as flows
from bot.handlers.onboarding import ask_district, other_event
from bot.i18n import t
from bot.matching.unmet import admins
from bot.watch import search as searches
from db.models import Search, SearchOptIn

ASK_MINUTES = 60
# Intents that are not a finder's report even while helping.
NOT_A_REPORT = ("offer_help", "cancel", "done", "balance", "subscribe", "unsubscribe", "usage")


def _draft(session: Session, turn: Turn, state: str) -> Search | None:
    conversation = turn.conversation or conversations.current(session, turn.resident, turn.now)
    if conversation is None or conversation.state != state:
        return None
    found = session.get(Search, int((conversation.data or {}).get("search_id", 0)))
    return found if found is not None and found.status == "draft" else None


def _ask(session: Session, turn: Turn, state: str, found: Search) -> None:
    conversations.ask(session, turn.resident, state, {"search_id": found.id}, now=turn.now, minutes=ASK_MINUTES)


@on_command("search.words")
def start(session: Session, turn: Turn) -> Outbox:
    """行方不明 / 探しています: first, how to recognise the person."""
    districts = admin_districts(session, turn.resident)
    district_id = turn.resident.district_id or (districts[0].id if districts else None)
    if district_id is None:
        return turn.reply(Text(turn.t("search.district_first")), ask_district(session, turn))
    found = searches.start(session, turn.resident, district_id)
    _ask(session, turn, "search_description", found)
    return turn.reply(*_question(turn, "search_description"))


def _typed(session: Session, turn: Turn, state: str, field: str, limit: int, then: str) -> Outbox | None:
    """A typed answer kept on the draft (its event remembered, to be emptied later); the next question."""
    found = _draft(session, turn, state)
    if found is None or not turn.text.strip():
        return None
    setattr(found, field, turn.text.strip()[:limit])
    searches.remember_event(session, found, turn.inbound.platform, turn.inbound.event_id)
    _ask(session, turn, then, found)
    return turn.reply(*_question(turn, then))


def _question(turn: Turn, state: str) -> list[Message]:
    if state == "search_description":
        return [Text(turn.t("search.ask_description"))]
    if state == "search_last_seen":
        return [Text(turn.t("search.ask_last_seen"))]
    return [Text(turn.t("search.ask_photo"), (button(turn.t("search.no_photo"), "search.no_photo"),))]


def described(session: Session, turn: Turn) -> Outbox | None:
    """Their looks, age, clothes: then where and when they were last seen."""
    return _typed(session, turn, "search_description", "description", 1000, "search_last_seen")


def last_seen(session: Session, turn: Turn) -> Outbox | None:
    """Where and when: then a photo, if there is one."""
    return _typed(session, turn, "search_last_seen", "last_seen", 500, "search_photo")


def _photo_in_words(session: Session, turn: Turn) -> Outbox | None:
    """Words at the photo question are not a photo (the exits still apply)."""
    return None


def _cancel_draft(session: Session, turn: Turn) -> Outbox:
    """やめます while describing: nothing goes out and nothing is kept."""
    found = _draft(session, turn, turn.pending.state)
    conversations.finish(session, turn.resident)
    if found is None:
        return turn.reply(Text(turn.t("search.ended_cancelled")))
    return searches.found(session, found.id, turn.resident, turn.now, status="cancelled")


@on_event("image")
def image(session: Session, turn: Turn) -> Outbox:
    """A photo: the missing person's, when the search asked for one; else the usual kind word."""
    found = _draft(session, turn, "search_photo")
    if found is None or not turn.inbound.media_id:
        return other_event(session, turn)
    channel = turn.channels[turn.inbound.platform]
    found.photo, found.photo_type = channel.content(turn.inbound.media_id)
    # The event names the photo at LINE (its message id): emptied with the search, like the words.
    searches.remember_event(session, found, turn.inbound.platform, turn.inbound.event_id)
    return _preview(session, turn, found)


@on_postback("search.no_photo")
def no_photo(session: Session, turn: Turn) -> Outbox:
    """No photo: straight to the preview."""
    found = _draft(session, turn, "search_photo")
    if found is None:
        return turn.reply(Text(turn.t("common.stale_button")))
    return _preview(session, turn, found)


def _preview(session: Session, turn: Turn, found: Search) -> Outbox:
    conversations.finish(session, turn.resident)
    return searches.preview(found, turn.resident)


@on_postback("search.send")
def send(session: Session, turn: Turn) -> Outbox:
    """送る: out to the helpers and opted-in neighbours; the admins are told; 見つかりました ready."""
    found = session.get(Search, int(turn.args[0]))
    if found is None or found.status != "draft" or found.started_by_id != turn.resident.id:
        return turn.reply(Text(turn.t("common.stale_button")))
    searches.send(session, found, turn.now)
    done = button(turn.t("search.found_button"), "search.found", found.id)
    box = turn.reply(Text(turn.t("search.sent"), (done,)))
    for admin in admins(session, found.district_id):
        if admin.id != turn.resident.id:
            box.to(admin.id, Text(t("search.admin_told", admin.language, name=turn.resident.display_name or "")))
    return box


@on_postback("search.cancel")
def cancel(session: Session, turn: Turn) -> Outbox:
    """やめる before sending: nothing went out, nothing is kept."""
    return searches.found(session, int(turn.args[0]), turn.resident, turn.now, status="cancelled")


@on_postback("search.found")
def found_pressed(session: Session, turn: Turn) -> Outbox:
    """見つかりました: thanks to everyone, every detail erased."""
    return searches.found(session, int(turn.args[0]), turn.resident, turn.now)


@on_command("search.found_words")
def found_typed(session: Session, turn: Turn) -> Outbox | None:
    """見つかりました typed by the family of an open search (from anyone else: not a command)."""
    mine = session.scalar(
        select(Search)
        .where(Search.started_by_id == turn.resident.id, Search.status == "open")
        .order_by(Search.id.desc())
        .limit(1)
    )
    return None if mine is None else searches.found(session, mine.id, turn.resident, turn.now)


@on_postback("search.join")
def join(session: Session, turn: Turn) -> Outbox:
    """協力する: the details, for this person only."""
    return searches.join(session, int(turn.args[0]), turn.resident, turn.now, turn.config)


@on_state(searches.HELPING)
def reported(session: Session, turn: Turn) -> Outbox | None:
    """Words from someone helping: they reach the family, without the helper's name."""
    if getattr(turn.understanding, "intent", "") in NOT_A_REPORT:
        return None
    search_id = int((turn.pending.data or {}).get("search_id", 0))
    return _report(session, turn, search_id, turn.text.strip())


@on_event("location")
def location(session: Session, turn: Turn) -> Outbox:
    """A place sent while helping: to the family as a map link; else the usual kind word."""
    conversation = conversations.current(session, turn.resident, turn.now)
    if conversation is None or conversation.state != searches.HELPING or turn.inbound.latitude is None:
        return other_event(session, turn)
    search_id = int((conversation.data or {}).get("search_id", 0))
    return _report(
        session,
        turn,
        search_id,
        turn.inbound.text or "",
        latitude=turn.inbound.latitude,
        longitude=turn.inbound.longitude,
    )


def _report(session: Session, turn: Turn, search_id: int, text: str, **place: float | None) -> Outbox:
    """Pass a helper's report on to the family, and remember its event (erased with the search)."""
    box = searches.report(session, search_id, turn.resident, text, turn.now, **place)
    found = session.get(Search, search_id)
    if found is not None:
        searches.remember_event(session, found, turn.inbound.platform, turn.inbound.event_id)
    return box


@on_command("search.optin_words")
def opt_in(session: Session, turn: Turn) -> Outbox:
    """行方不明の情報を受け取る: searches near the person's district reach them too."""
    if session.get(SearchOptIn, turn.resident.id) is None:
        session.add(SearchOptIn(resident_id=turn.resident.id))
    return turn.reply(Text(turn.t("search.opted_in")))


DRAFT = flows.declare(
    flows.Flow(
        name="search",
        questions={"search_description": described, "search_last_seen": last_seen, "search_photo": _photo_in_words},
        free_text=frozenset({"search_description", "search_last_seen"}),
        timeout_minutes=ASK_MINUTES,
        cancel=_cancel_draft,
        ask_again=lambda session, turn: _question(turn, turn.pending.state),
    )
)
