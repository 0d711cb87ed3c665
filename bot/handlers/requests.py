"""Asking for help: understand the need, ask only for what is missing, confirm, send it out."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.events import Button, Message, Outbox, Text
from bot.handlers import Turn, button, on_postback
from bot.handlers import conversation as flows
from bot.handlers import request_several as several
from bot.handlers.onboarding import district_buttons
from bot.matching import describe, offers
from bot.privacy import address_in, has_address
from db.models import District, HelpRequest, Resident

# Intents that, written in the middle of a question, mean the person moved on to something else.
OTHER_INTENTS = {"offer_help", "balance", "subscribe", "unsubscribe", "usage", "done"}
WHEN_CHOICES = {"today": 0, "tomorrow": 1, "day_after": 2}
# A landmark is a short phrase (「公民館の近く」), not a sentence that names one in passing.
LANDMARK_CHARS = 30
# LINE shows at most 20 characters on a quick-reply button.
LABEL_CHARS = 20
# What may follow the landmark word at the end of the phrase (「公民館の前です」「역 앞이요」「超市旁边吧」).
_AFTER_LANDMARK = re.compile(r"(です|でございます|で|に|よ|ね|あたり|らへん|이요|에요|이에요|요|吧|呀)+$")
# この前 / その先 are "the other day" / "from now on", not a place in front of something.
_NOT_A_PLACE = re.compile(r"(この|その|あの|どの)(前|まえ|先|さき)")


def represented(session: Session, resident: Resident) -> list[Resident]:
    """The people without a phone this resident asks for (as their proxy)."""
    return list(
        session.scalars(
            select(Resident).where(
                Resident.proxy_id == resident.id, Resident.platform == "none", Resident.active.is_(True)
            )
        )
    )


def help_request(session: Session, turn: Turn, details: Turn | None = None) -> Outbox:
    """A need written in free text: a draft request, then the first missing piece. `details` is a
    later message that answered a question before it was asked (「黒崎」 at 「お手伝いのお願いですか？」):
    its district, time and address are kept."""
    understood = turn.understood
    request = draft(
        session,
        turn.resident,
        understood.category or "other",
        turn.text,
        understood.summary,
        understood.when,
        understood.time_of_day,
    )
    if details is not None:
        take_details(session, request, details)
    several.named_together(session, turn, request)
    intro = Text(turn.t("request.understood", kind=describe.kinds(request, turn.locale)))
    people = represented(session, turn.resident)
    if people:
        return turn.reply(intro, ask_for_whom(session, turn, request, people))
    return turn.reply(intro, *next_step(session, turn, request))


def draft(
    session: Session,
    resident: Resident,
    category: str,
    text: str,
    summary: str,
    when: datetime | None,
    time_of_day: str | None,
) -> HelpRequest:
    """A new request in draft, for the person themself (an older unfinished draft is dropped)."""
    session.execute(
        update(HelpRequest)
        .where(HelpRequest.created_by_id == resident.id, HelpRequest.status == "draft")
        .values(status="cancelled")
    )
    request = HelpRequest(
        resident_id=resident.id,
        created_by_id=resident.id,
        category=category,
        text=text,
        summary=summary[:200],
        when=when,
        time_of_day=time_of_day,
        district_id=resident.district_id,
        meeting_point=resident.address,
    )
    session.add(request)
    session.flush()
    return request


def details_in(session: Session, turn: Turn) -> bool:
    """A district, a time or an address written: what the questions of a request ask for."""
    from bot.residents import district_in

    understood = turn.understood
    return bool(
        understood.when
        or understood.time_of_day
        or address_in(turn.text)
        or district_in(turn.text, list(session.scalars(select(District))))
    )


def take_details(session: Session, request: HelpRequest, turn: Turn) -> None:
    """The district, time and address of `turn` put on the draft."""
    from bot.residents import district_in

    chosen = district_in(turn.text, list(session.scalars(select(District))))
    if chosen is not None:
        request.district_id = chosen.id
    if turn.understood.when or turn.understood.time_of_day:
        request.when, request.time_of_day = turn.understood.when, turn.understood.time_of_day
    address = address_in(turn.text)
    if address:
        district = chosen or (session.get(District, request.district_id) if request.district_id else None)
        request.meeting_point = place_in(address, district)


def place_in(address: str, district: District | None) -> str:
    """An address as the helper will read it: a bare number (「みどりがおかの1-2-3」) is in the
    district named."""
    return (district.name + address if address[0].isdigit() and district is not None else address)[:500]


@on_postback("menu.need_help")
def need_help_menu(session: Session, turn: Turn) -> Outbox:
    """The rich menu's 助けてほしい: ask what the need is (typed, or a kind pressed)."""
    flows.ask(session, turn, "request_what", {})
    proxy = button(turn.t("request.proxy_button"), "proxy.start")
    return turn.reply(Text(turn.t("request.ask_what"), (*kind_buttons(turn.locale, "request.new"), proxy)))


def typed_need(session: Session, turn: Turn) -> Outbox | None:
    """Whatever is written after 助けてほしい is the need, unless it is clearly something else."""
    if turn.understood.intent in OTHER_INTENTS:
        return None
    return help_request(session, turn)


@on_postback("request.new")
def pressed_kind(session: Session, turn: Turn) -> Outbox:
    """A kind pressed after 助けてほしい."""
    category = turn.args[0] if turn.args else "other"
    request = draft(session, turn.resident, category, "", "", None, None)
    people = represented(session, turn.resident)
    if people:
        return turn.reply(ask_for_whom(session, turn, request, people))
    return turn.reply(*next_step(session, turn, request))


def kind_buttons(locale: str, action: str, *args: object) -> tuple:
    """One button per kind of help."""
    from bot.kinds import KEYS as CATEGORIES

    return tuple(button(describe.kind(c, locale), action, *args, c) for c in CATEGORIES)


def ask_for_whom(session: Session, turn: Turn, request: HelpRequest, people: list[Resident]) -> Text:
    """A proxy is asked whose request this is."""
    flows.ask(session, turn, "request_for", {"request_id": request.id})
    choices = [button(turn.t("request.for_me"), "request.for", request.id, turn.resident.id)]
    choices += [button(p.display_name, "request.for", request.id, p.id) for p in people]
    return Text(turn.t("request.ask_for_whom"), tuple(choices))


@on_postback("request.for")
def chose_for_whom(session: Session, turn: Turn) -> Outbox:
    """The proxy chose the person: the request, its district and place become theirs."""
    request, person = mine(session, turn), session.get(Resident, int(turn.args[1]))
    if (
        request is None
        or person is None
        or person.id not in (turn.resident.id, *(p.id for p in represented(session, turn.resident)))
    ):
        return turn.reply(Text(turn.t("request.not_found")))
    request.resident_id, request.district_id = person.id, person.district_id or request.district_id
    request.meeting_point = person.address or turn.resident.address
    return continue_draft(session, turn, request)


def mine(session: Session, turn: Turn) -> HelpRequest | None:
    """The draft request named by the button, if this person is writing it."""
    request = session.get(HelpRequest, int(turn.args[0])) if turn.args else None
    if request is None or request.created_by_id != turn.resident.id or request.status != "draft":
        return None
    return request


def on_draft(action: str):
    """A button about a draft request: the handler gets the draft, or the person hears it is gone."""

    def decorator(function):
        @functools.wraps(function)
        def handler(session: Session, turn: Turn) -> Outbox:
            request = mine(session, turn)
            if request is None:
                return turn.reply(Text(turn.t("request.not_found")))
            return function(session, turn, request)

        on_postback(action)(handler)
        return function

    return decorator


def next_step(session: Session, turn: Turn, request: HelpRequest) -> list[Message]:
    """Ask the first missing piece; with nothing missing, show the request to confirm."""
    data = {"request_id": request.id}
    if request.district_id is None:
        flows.ask(session, turn, "request_district", data)
        return [
            Text(
                turn.t("request.ask_district"), district_buttons(session, f"request.district:{request.id}", turn.locale)
            )
        ]
    if request.when is None and request.time_of_day is None:
        flows.ask(session, turn, "request_when", data)
        return [Text(turn.t("request.ask_when"), when_buttons(turn, request))]
    if request.meeting_point is None:
        flows.ask(session, turn, "request_place", data)
        last = last_place(session, request)
        if last is None:
            return [Text(turn.t("request.ask_place"))]
        same = (button(turn.t("request.same_place"), "request.same_place", request.id),)
        return [Text(turn.t("request.ask_place") + "\n" + turn.t("request.last_place", place=last), same)]
    if request.landmark is None:
        flows.ask(session, turn, "request_landmark", data)
        buttons: tuple[Button, ...] = (button(turn.t("request.no_landmark"), "request.landmark", request.id),)
        place = request.meeting_point or ""
        if len(place) <= LABEL_CHARS and reads_as_landmark(turn, place):
            # 「小倉城の近く」 given as the place: one press makes it the landmark too
            buttons = (button(place, "request.place_as_landmark", request.id), *buttons)
        elif last := last_landmark(session, request):
            # the same place as last time: its landmark offered again, in one press
            again = button(turn.t("request.same_landmark"), "request.same_landmark", request.id)
            asked = turn.t("request.ask_landmark") + "\n" + turn.t("request.last_landmark", landmark=last)
            return [Text(asked, (again, *buttons))]
        return [Text(turn.t("request.ask_landmark"), buttons)]
    flows.ask(session, turn, "request_confirm", data)
    return [confirmation(turn, request)]


def when_buttons(turn: Turn, request: HelpRequest) -> tuple:
    """Today, tomorrow, the day after, any time."""
    return tuple(
        button(turn.t(f"request.when_{name}"), "request.when", request.id, name) for name in (*WHEN_CHOICES, "any")
    )


def confirmation(turn: Turn, request: HelpRequest) -> Text:
    """What will be sent, with buttons to send it or to correct the kind, the time or the district."""
    for_whom = (
        ""
        if request.resident_id == turn.resident.id
        else turn.t("request.for_line", name=request.resident.display_name)
    )
    kinds = describe.kinds(request, turn.locale)
    if request.more_kinds:
        kinds = turn.t("request.several_kinds", kinds=kinds, count=1 + len(request.more_kinds))
    text = turn.t(
        "request.confirm",
        kind=kinds,
        when=describe.whens(request, turn.locale),
        district=describe.district_name(request, turn.locale),
        place=request.meeting_point,
        landmark=request.landmark or "-",
        for_whom=for_whom,
        note=turn.t("request.note_line", note=request.note) if request.note else "",
    )
    actions = [
        ("send", "request.send"),
        ("change_kind", "request.change_kind"),
        ("change_when", "request.change_when"),
        ("change_district", "request.change_district"),
        ("discard", "request.discard"),
    ]
    return Text(text, tuple(button(turn.t(f"request.button_{name}"), action, request.id) for name, action in actions))


def answered(session: Session, turn: Turn) -> HelpRequest | None:
    """The draft the pending question is about."""
    request_id = (turn.conversation.data or {}).get("request_id") if turn.conversation else None
    request = session.get(HelpRequest, request_id) if request_id else None
    return request if request is not None and request.status == "draft" else None


def typed_district(session: Session, turn: Turn) -> Outbox | None:
    """The district of the request, typed."""
    from bot.residents import district_in

    request = answered(session, turn)
    chosen = district_in(turn.text, list(session.scalars(select(District))))
    if request is None or chosen is None:
        return None
    request.district_id = chosen.id
    address = address_in(turn.text)  # 「緑ケ丘1-2-3です」 answers the address question too
    if address:
        request.meeting_point = place_in(address, chosen)
    return continue_draft(session, turn, request)


@on_draft("request.district")
def pressed_district(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """The district of the request, pressed."""
    request.district_id = int(turn.args[1])
    return continue_draft(session, turn, request)


def typed_when(session: Session, turn: Turn) -> Outbox | None:
    """When, typed (明日の朝, 27日の午後...)."""
    request = answered(session, turn)
    understood = turn.understood
    if request is not None and flows.has_word(turn, "request.any_time_words"):
        # 「土曜ならいつでも」, 토요일이면 언제든지: that day (or that part of any day) at any hour
        request.when, request.time_of_day = understood.when, understood.time_of_day
        if request.when is None and request.time_of_day is None:
            request.time_of_day = "any"
        return continue_draft(session, turn, request)
    if request is None or (understood.when is None and understood.time_of_day is None):
        return None
    request.when, request.time_of_day = understood.when, understood.time_of_day
    return continue_draft(session, turn, request)


@on_draft("request.when")
def pressed_when(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """When, pressed: a day, or any time."""
    choice = turn.args[1]
    if choice in WHEN_CHOICES:
        day = turn.now.replace(hour=0, minute=0, second=0, microsecond=0)
        request.when, request.time_of_day = day + timedelta(days=WHEN_CHOICES[choice]), None
    else:
        request.when, request.time_of_day = None, "any"
    return continue_draft(session, turn, request)


def typed_place(session: Session, turn: Turn) -> Outbox | None:
    """The address or meeting point: private, for the accepted helper only (「前と同じ」: the place of
    the person's last request)."""
    request = answered(session, turn)
    if request is None:
        return None
    last = last_place(session, request)
    if last is not None and flows.has_word(turn, "request.same_place_words") and not has_address(turn.text):
        request.meeting_point = last
    elif flows.is_one_of(turn, "request.no_landmark_words"):
        # 「わからない」「ないです」 "none": no place to go to; why it is needed, and asked again
        again = (button(turn.t("request.same_place"), "request.same_place", request.id),) if last else ()
        return turn.reply(Text(turn.t("request.place_needed"), again))
    else:
        request.meeting_point = turn.text.strip()[:500]
    return continue_draft(session, turn, request)


def last_place(session: Session, request: HelpRequest) -> str | None:
    """Where the person's last request in the same district was to be done: offered again, since
    most ask again and again from home. Only they see it."""
    return _last_given(session, request, HelpRequest.meeting_point)


def last_landmark(session: Session, request: HelpRequest) -> str | None:
    """The landmark the person gave last time for the same place (「ファミマの近く」 for the same
    house): offered again with it."""
    return _last_given(session, request, HelpRequest.landmark, HelpRequest.meeting_point == request.meeting_point)


def _last_given(session: Session, request: HelpRequest, column, *also) -> str | None:
    """What the person (asking for the same one, in the same district) last gave for this column
    of a request sent before, when it was not left empty."""
    return session.scalar(
        select(column)
        .where(
            HelpRequest.resident_id == request.resident_id,
            HelpRequest.created_by_id == request.created_by_id,
            HelpRequest.district_id == request.district_id,
            HelpRequest.id != request.id,
            HelpRequest.status != "draft",
            column.is_not(None),
            column != "",
            *also,
        )
        .order_by(HelpRequest.id.desc())
        .limit(1)
    )


@on_draft("request.same_landmark")
def same_landmark(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """The landmark of last time, pressed."""
    last = last_landmark(session, request)
    if last is not None and request.landmark is None:
        request.landmark = last
    return continue_draft(session, turn, request)


@on_draft("request.same_place")
def same_place(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """前と同じ場所, pressed."""
    last = last_place(session, request)
    if last is None or request.meeting_point is not None:
        return turn.reply(*next_step(session, turn, request))
    request.meeting_point = last
    return continue_draft(session, turn, request)


def typed_landmark(session: Session, turn: Turn) -> Outbox | None:
    """A public landmark or street, shown in offers."""
    request = answered(session, turn)
    if request is None:
        return None
    text = turn.text.strip()
    last = last_landmark(session, request)
    if flows.is_one_of(turn, "request.no_landmark_words"):  # 「とくにないです」「ｱﾘﾏｾﾝ」
        text = ""
    elif last is not None and flows.has_word(turn, "request.same_place_words") and not has_address(text):
        text = last  # 「前と同じ」 "same as last time": the landmark given for this place before
    elif has_address(text):  # offers go to several people: a landmark, never the address
        return turn.reply(
            Text(
                turn.t("request.landmark_has_address"),
                (button(turn.t("request.no_landmark"), "request.landmark", request.id),),
            )
        )
    request.landmark = text[:200]
    return continue_draft(session, turn, request)


@on_draft("request.place_as_landmark")
def place_as_landmark(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """The place given (a landmark phrase, no address) is shown to helpers as the landmark too. The
    button may be pressed after the place changed to an address: then the landmark is asked again."""
    place = request.meeting_point or ""
    if request.landmark is None and reads_as_landmark(turn, place):
        request.landmark = place
    return continue_draft(session, turn, request)


def reads_as_landmark(turn: Turn, text: str) -> bool:
    """Whether a text is a landmark phrase fit to show to several people: short, beginning or ending
    with a word of place ("near the hall", 「駅の前です」), with no house number, and not a phrase of
    time (「この前」「その先」)."""
    text = unicodedata.normalize("NFKC", text).strip()
    if len(text) > LANDMARK_CHARS or has_address(text) or _NOT_A_PLACE.search(text):
        return False
    phrase = _AFTER_LANDMARK.sub("", flows.normal(text)).strip()
    words = flows.words(turn, "request.landmark_words")
    return any(phrase.endswith(word) or phrase.startswith(word + " ") for word in words)


@on_draft("request.landmark")
def no_landmark(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """No landmark to give."""
    request.landmark = ""
    return continue_draft(session, turn, request)


def continue_draft(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """After a change to the draft, ask its next missing piece (or show it to confirm)."""
    session.flush()
    session.expire(request, ["resident", "district"])  # read again if used: their ids may have changed
    return turn.reply(*next_step(session, turn, request))


def typed_confirmation(session: Session, turn: Turn) -> Outbox | None:
    """はい / お願いします sends it; something more said about the request (「お米は10キロです」,
    「瓶もあるけど大丈夫？」) is kept for its helper and the summary shown with it; a question is
    never a yes ("is that ok?"); anything else is not an answer to this question."""
    request = answered(session, turn)
    if request is not None and (
        flows.is_one_of(turn, "conversation.no_words")
        or (flows.has_word(turn, "request.not_yes_words") and not flows.accepts_as_is(turn))
    ):
        return turn.reply(what_to_change(turn, request))  # 「いいえ、お願いしません」 is no yes
    if request is None:
        return None
    note = added_note(turn, request)
    if note and (flows.asks_back(turn) or not starts_with_yes(turn)):
        keep_note(request, note)
        return turn.reply(Text(turn.t("request.noted", note=note)), confirmation(turn, request))
    if flows.asks_back(turn) and says_yes(turn) and not flows.has_word(turn, "request.polite_ask_words"):
        # "is it ok to send?", "ok?": a yes-word in a question, asked again with its buttons
        # (「お願いできますか？」 "could you send it please?" ask politely: a yes)
        return turn.reply(Text(turn.t("conversation.yes_or_no")), confirmation(turn, request))
    if not says_yes(turn):
        return None
    if flows.has_word(turn, "request.hesitation_words"):
        return None  # 「そうですか、うーん、考えます」: not sent; the summary is shown again
    if note:
        keep_note(request, note)  # "yes, and the bottles are heavy": sent, with its note
    return send(session, turn, request)


def starts_with_yes(turn: Turn) -> bool:
    """「はい、袋は裏口にあります」 "yes please, and the bags are by the back door": a yes first, then
    more (a please at the end, "someone strong please", is not the yes)."""
    text = flows.normal(turn.text)
    return any(
        text.startswith(word) and not text[len(word) : len(word) + 1].isalpha()
        for word in flows.found_words(turn, "request.yes_words")
    ) and says_yes(turn)


# How much a note must say beyond its yes-words: a letter of a Latin script counts 1, a kana,
# kanji or Hangul syllable 2 (「瓶もある」 says enough, "is it ok to send?" does not).
NOTE_WEIGHT = 10
NOTE_CHARS = 300
_WIDE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]")


def added_note(turn: Turn, request: HelpRequest) -> str | None:
    """What a message at the summary says about this request for its helper: a detail of the same
    kind (「お米は10キロです」 for 買い物, "the dog is big" for a walk) or a question about it (「瓶も
    あるけど大丈夫？」), saying more than a yes; None for anything else (another kind is another
    request), and for the words the request was asked with, said again."""
    understood = turn.understood
    kinds = {request.category, *(extra["category"] for extra in request.more_kinds or [])}
    asked = understood.intent == "help_request"
    same_kind = asked and understood.category in kinds
    sure = getattr(turn.understanding, "confidence", 1.0) >= SURE_KIND
    another_kind = sure and asked and understood.category not in (None, "other") and understood.category not in kinds
    question = flows.asks_back(turn) and understood.intent in ("chitchat", "help_request")
    yes_then_more = starts_with_yes(turn) and not another_kind  # 「はい、鍵は開けておきます」
    text = " ".join(turn.text.split())
    if not (same_kind or question or yes_then_more) or flows.normal(text) == flows.normal(request.text or ""):
        return None
    if yes_then_more and not question:
        text = _after_yes(turn, text)
    rest = flows.normal(text)
    for key in NOT_A_NOTE:
        for word in flows.found_words(turn, key):
            rest = rest.replace(word, " ")
    weight = sum(2 if _WIDE.match(ch) else 1 for ch in rest if ch.isalnum())
    return text[:NOTE_CHARS] if weight >= NOTE_WEIGHT else None


# How sure a reading of another kind must be for 「はい、…」 to be another request, not a note
# (「はい、鍵は開けておきます」 is read as repair at 0.38)
SURE_KIND = 0.6
# Words that say nothing for the helper: a yes, thanks, a greeting, a polite ask.
NOT_A_NOTE = (
    "request.yes_words",
    "request.yes_alone_words",
    "request.polite_ask_words",
    "conversation.yes_words",
    "conversation.filler_words",
    "onboarding.greeting_words",
    "onboarding.thanks_words",
)


def _after_yes(turn: Turn, text: str) -> str:
    """「はい、鍵は開けておきます」 without its 「はい、」: what the yes is followed by."""
    lowered = unicodedata.normalize("NFKC", text).lower()
    for word in sorted(flows.found_words(turn, "request.yes_words"), key=len, reverse=True):
        if lowered.startswith(word):
            return text[len(word) :].lstrip(flows.PUNCTUATION + "-~") or text
    return text


def keep_note(request: HelpRequest, note: str) -> None:
    """Add the words to the request's note (each said once)."""
    kept = request.note or ""
    if note not in kept and len(kept) + len(note) < NOTE_CHARS * 2:  # a note is never cut
        request.note = f"{kept} / {note}" if kept else note


# A Korean yes of one syllable (네, 예, 응): Korean endings hold it (별로예요 "not really", 이상하네요
# "that looks odd", 거예요), so it is a yes only as a word of its own.
_WORD = re.compile(r"\w+")


def says_yes(turn: Turn) -> bool:
    """Whether the text holds a yes-word of the summary (네 only standing alone), or is one that is a
    yes only alone (よし, not the one in 「よします」), or says it is fine as it is (「これで結構です」)."""
    if flows.is_one_of(turn, "request.yes_alone_words") or flows.accepts_as_is(turn):
        return True
    alone = set(_WORD.findall(flows.normal(turn.text)))
    return any(
        word in alone or not flows.one_korean_syllable(word) for word in flows.found_words(turn, "request.yes_words")
    )


def what_to_change(turn: Turn, request: HelpRequest) -> Text:
    """「いいえ」 to the summary: not sent; which part to correct, or stop."""
    actions = ("change_kind", "change_when", "change_district", "discard")
    return Text(
        turn.t("request.what_to_change"),
        tuple(button(turn.t(f"request.button_{name}"), f"request.{name}", request.id) for name in actions),
    )


@on_draft("request.send")
def pressed_send(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """Send the request out."""
    return send(session, turn, request)


def send(session: Session, turn: Turn, request: HelpRequest) -> Outbox:
    """The request is out (one per kind asked for); offers follow after the commit."""
    kinds = describe.kinds(request, turn.locale)
    for each in (request, *several.companions(session, request)):
        offers.open_request(session, each)
    conversations.finish(session, turn.resident)
    return turn.reply(Text(turn.t("request.sent", kind=kinds)))
