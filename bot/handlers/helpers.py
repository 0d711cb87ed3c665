"""Registering as a helper: kinds, districts, free time, experience; editing, pausing, approval."""

from __future__ import annotations

import re

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import conversation as conversations
from bot.errors import NotAllowedError
from bot.events import Outbox, Text
from bot.handlers import Turn, button, catalog_words, on_intent, on_postback, on_state, on_text
from bot.handlers import conversation as flows
from bot.matching.describe import district_label
from bot.handlers.request_intake import ask_what_trouble, troubled
from bot.i18n import list_text, t, when_text
from bot.matching import approvals, describe, drafts
from bot.matching.rank import SLOTS
from db.models import District, HelperProfile, HelpRequest

STEPS = ("kinds", "districts", "slots", "experience")
# Where one sentence ends and another begins.
_SENTENCES = re.compile(r"[。．.!?！？\n]+")
# The profile's field each chosen-from-a-list step fills.
FIELDS = {"kinds": "skills", "districts": "districts", "slots": "availability"}
MAX_DISTRICTS = 12


def profile_of(session: Session, turn: Turn) -> HelperProfile | None:
    """The sender's helper profile, if they registered."""
    return session.scalar(select(HelperProfile).where(HelperProfile.resident_id == turn.resident.id))


@on_intent("offer_help")
@on_postback("menu.give_help")
def offer_help(session: Session, turn: Turn) -> Outbox:
    """手伝いたい: register (kinds, districts, free time, experience), or the helper's menu."""
    if turn.text and troubled(turn):  # 「困ってることがあるんだけど」 is no offer, whatever it was read as
        return ask_what_trouble(session, turn)
    profile = profile_of(session, turn)
    if profile is None:
        # 「犬の散歩なら手伝えます。平日の午後なら空いてます」: what was said is chosen already
        from bot.nlp import extract_skills

        profile = HelperProfile(
            resident_id=turn.resident.id,
            paused=True,
            skills=extract_skills(turn.text),
            availability=slots_in(turn.text, turn.locale),
        )
        if turn.resident.district is not None:
            profile.districts.append(turn.resident.district)
        session.add(profile)
        session.flush()
        return turn.reply(Text(turn.t("helper.welcome")), step(session, turn, profile, "kinds", True))
    if unfinished(profile):  # a registration stopped half-way starts again, not as an edit
        return turn.reply(Text(turn.t("helper.welcome")), step(session, turn, profile, "kinds", True))
    return turn.reply(menu(session, turn, profile))


def unfinished(profile: HelperProfile) -> bool:
    """A first registration stopped before anything one can help with was chosen."""
    return bool(profile.paused) and not profile.skills and not profile.experience


def menu(session: Session, turn: Turn, profile: HelperProfile) -> Text:
    """What a registered helper can change: kinds, districts, time, experience, pause or resume."""
    drafts.ask(session, turn.resident, "helper_menu", {}, turn.now)
    edits = [button(turn.t(f"helper.edit_{name}"), "helper.edit", name) for name in STEPS]
    toggle = ("resume", "helper.resume") if profile.paused else ("pause", "helper.pause")
    summary = turn.t(
        "helper.summary",
        kinds=kinds_text(profile.skills, turn.locale),
        districts=names_text(profile.districts, turn.locale),
        slots=slots_text(profile.availability, turn.locale),
        state=turn.t("helper.state_paused" if profile.paused else "helper.state_active"),
    )
    return Text(summary, (*edits, button(turn.t(f"helper.{toggle[0]}"), toggle[1])))


def kinds_text(kinds: list[str], locale: str) -> str:
    """Kinds of help as a short list."""
    return list_text((describe.kind(k, locale) for k in kinds), locale) or "-"


def names_text(districts: list[District], locale: str) -> str:
    """District names as a short list."""
    return list_text((d.name for d in districts), locale) or "-"


def slots_text(slots: list[str], locale: str) -> str:
    """Free-time slots as a short list."""
    return list_text((t(f"helper.slot.{s}", locale) for s in slots), locale) or "-"


def step(session: Session, turn: Turn, profile: HelperProfile, name: str, registering: bool) -> Text:
    """Ask one step of the registration (or of an edit)."""
    drafts.ask(session, turn.resident, f"helper_{name}", {"registering": registering}, turn.now)
    if name == "experience":
        return Text(turn.t("helper.ask_experience"), (button(turn.t("helper.skip"), "helper.experience_skip"),))
    chosen, options = _choices(session, turn, profile, name)
    marks = [button(("✓ " if key in chosen else "") + label, "helper.toggle", name, key) for key, label in options]
    return Text(
        turn.t(f"helper.ask_{name}", chosen=_chosen_text(turn, profile, name)),
        (*marks, button(turn.t("helper.done_button"), "helper.next", name)),
    )


def _choices(session: Session, turn: Turn, profile: HelperProfile, name: str) -> tuple[set, list]:
    from bot.kinds import KEYS as CATEGORIES

    if name == "kinds":
        return set(profile.skills), [(c, describe.kind(c, turn.locale)) for c in CATEGORIES]
    if name == "districts":
        districts = session.scalars(select(District).order_by(District.id).limit(MAX_DISTRICTS))
        return {str(d.id) for d in profile.districts}, [
            (str(d.id), district_label(d, turn.locale, 18)) for d in districts
        ]
    return set(profile.availability), [(s, turn.t(f"helper.slot.{s}")) for s in SLOTS]


def _chosen_text(turn: Turn, profile: HelperProfile, name: str) -> str:
    if name == "kinds":
        return kinds_text(profile.skills, turn.locale)
    if name == "districts":
        return names_text(profile.districts, turn.locale)
    return slots_text(profile.availability, turn.locale)


@on_postback("helper.toggle")
def toggle(session: Session, turn: Turn) -> Outbox:
    """Add or remove one kind, district or slot; the choices are shown again."""
    profile = profile_of(session, turn)
    if profile is None or len(turn.args) < 2:
        return offer_help(session, turn)
    name, key = turn.args[0], turn.args[1]
    if name not in STEPS[:3] or key not in dict(_choices(session, turn, profile, name)[1]):
        raise ValueError(f"no choice {key!r} in {name!r}")  # a forged button: answered kindly
    if name == "districts":
        district = session.get_one(District, int(key))  # a valid choice, checked above
        if district in profile.districts:
            profile.districts.remove(district)
        else:
            profile.districts.append(district)
    else:
        field = "skills" if name == "kinds" else "availability"
        values = list(getattr(profile, field))
        setattr(profile, field, [v for v in values if v != key] if key in values else values + [key])
    return turn.reply(step(session, turn, profile, name, registering(session, turn)))


def registering(session: Session, turn: Turn) -> bool:
    """Whether the pending question is part of a first registration (not an edit)."""
    conversation = conversations.current(session, turn.resident, turn.now)
    return bool(conversation and conversation.data.get("registering"))


@on_postback("helper.next")
def next_pressed(session: Session, turn: Turn) -> Outbox:
    """完了 pressed: the next step of the registration, or the edit is saved."""
    return _next(session, turn, turn.args[0] if turn.args else "kinds")


def _next(session: Session, turn: Turn, name: str) -> Outbox:
    profile = profile_of(session, turn)
    first_time = registering(session, turn)
    if profile is None:
        return offer_help(session, turn)
    if name == "kinds" and not profile.skills and not profile.experience:
        return turn.reply(step(session, turn, profile, "kinds", first_time))
    if first_time and name in STEPS[:-1]:
        return turn.reply(step(session, turn, profile, STEPS[STEPS.index(name) + 1], True))
    return saved(session, turn, profile)


def saved(session: Session, turn: Turn, profile: HelperProfile) -> Outbox:
    """The end of a registration or an edit: the helper is active (or waits for approval)."""
    first_time = registering(session, turn)
    conversations.finish(session, turn.resident)
    if not first_time:
        return turn.reply(Text(turn.t("helper.saved")), menu(session, turn, profile))
    profile.paused = False
    session.flush()
    if approvals.needs_approval(profile):
        return turn.reply(Text(turn.t("helper.registered_pending"))).extend(approvals.ask_admins(session, profile))
    return turn.reply(Text(turn.t("helper.registered", kinds=kinds_text(profile.skills, turn.locale))))


@on_postback("helper.edit")
def edit(session: Session, turn: Turn) -> Outbox:
    """Change one part of the registration."""
    profile = profile_of(session, turn)
    if profile is None or not turn.args or turn.args[0] not in STEPS:
        return offer_help(session, turn)
    return turn.reply(step(session, turn, profile, turn.args[0], False))


def typed_done(turn: Turn, chosen: bool) -> bool:
    """完了, typed: 「以上です」 "that's all"; or a plain はい once something is chosen (the list shown,
    some of it already filled in from the offer, is right)."""
    if flows.is_one_of(turn, "helper.done_words"):
        return True
    return chosen and (flows.is_one_of(turn, "conversation.yes_words") or _yes_then_done(turn))


def _yes_then_done(turn: Turn) -> bool:
    """「はい、これで全部です」「네, 그거면 돼요」: a yes, then words of done."""
    text = flows.normal(turn.text)
    done = set(flows.words(turn, "helper.done_words"))
    for yes in flows.words(turn, "conversation.yes_words"):
        if text.startswith(yes) and text[len(yes) :].strip(flows.PUNCTUATION + " 、") in done:
            return True
    return False


@on_state("helper_kinds")
def typed_kinds(session: Session, turn: Turn) -> Outbox | None:
    """Kinds written in words (ゴミ出しと買い物なら) are added to the pressed ones."""
    return typed_step(session, turn, "kinds", "skills")


@on_state("helper_districts")
def typed_districts(session: Session, turn: Turn) -> Outbox | None:
    """Districts written in words (小倉と黒崎) are added to the pressed ones."""
    return typed_step(session, turn, "districts", "districts")


def typed_step(session: Session, turn: Turn, name: str, field: str) -> Outbox | None:
    """完了 typed, or what the registration asks written in words at any of its steps: kinds,
    districts or free time (「緑ケ丘と八幡」 at the kinds step is kept for the districts step,
    where it shows chosen), and the step asked again with what is chosen; an answer to a later
    step only ("weekends and weekday evenings" asked for districts, one chosen already) goes on
    to that step, the one asked taken as it stands."""
    profile = profile_of(session, turn)
    if typed_done(turn, bool(profile and getattr(profile, field))):
        return _next(session, turn, name)
    named = took_answers(session, turn, profile) if profile is not None else set()
    if profile is None or not named:
        return None
    later = {FIELDS[step_name] for step_name in STEPS[STEPS.index(name) + 1 :] if step_name in FIELDS}
    if field not in named and named <= later and getattr(profile, field) and registering(session, turn):
        return _next(session, turn, name)
    return turn.reply(step(session, turn, profile, name, registering(session, turn)))


def took_answers(session: Session, turn: Turn, profile: HelperProfile) -> set[str]:
    """Add the kinds, districts and free time a text names to the profile; the fields it named."""
    from bot.nlp import extract_skills
    from bot.residents import district_in

    kinds = extract_skills(turn.text)
    named = [d for d in session.scalars(select(District).order_by(District.id)) if district_in(turn.text, [d])]
    slots = slots_in(turn.text, turn.locale)
    profile.skills = list(dict.fromkeys([*profile.skills, *kinds]))
    profile.districts.extend(d for d in named if d not in profile.districts)
    profile.availability = list(dict.fromkeys([*profile.availability, *slots]))
    return {field for field, found in (("skills", kinds), ("districts", named), ("availability", slots)) if found}


def slots_in(text: str, locale: str) -> list[str]:
    """The free-time slots a text names (平日の午前と週末 -> weekday_morning, weekend)."""
    text = text.lower()
    if any(word in text for word in catalog_words(locale, "helper.slot_words.any")):
        return list(SLOTS)
    return [slot for slot in SLOTS if any(word in text for word in catalog_words(locale, f"helper.slot_words.{slot}"))]


@on_state("helper_slots")
def typed_slots(session: Session, turn: Turn) -> Outbox | None:
    """Free time written in words is added to the pressed slots."""
    return typed_step(session, turn, "slots", "availability")


@on_state("helper_experience")
def typed_experience(session: Session, turn: Turn) -> Outbox | None:
    """経験マスター: free text; the skills understood are shown to confirm."""
    from bot.nlp import extract_skills

    from bot.handlers.conversation import not_an_answer

    profile = profile_of(session, turn)
    if (
        profile is None or turn.understood.intent in ("balance", "usage", "cancel", "done") or not_an_answer(turn)
    ):  # 「すまほの使いかたわからん」 is a request, not a career
        return None
    profile.experience = turn.text.strip()[:1000]
    profile.experience_skills = extract_skills(profile.experience)
    first_time = registering(session, turn)
    drafts.ask(session, turn.resident, "helper_experience_confirm", {"registering": first_time}, turn.now)
    return turn.reply(experience_check(turn, profile))


def experience_check(turn: Turn, profile: HelperProfile) -> Text:
    """The skills read from the experience, to confirm or write again."""
    return Text(
        turn.t(
            "helper.experience_understood",
            experience=profile.experience,
            kinds=kinds_text(profile.experience_skills, turn.locale),
        ),
        (
            button(turn.t("helper.experience_ok"), "helper.experience_ok"),
            button(turn.t("helper.experience_retry"), "helper.edit", "experience"),
        ),
    )


def typed_experience_ok(session: Session, turn: Turn) -> Outbox | None:
    """「はい」「それでいいです」 typed to the skills read from the experience; a correction of them
    (「子守りは違います」, "not childcare, just the computer stuff", 「パソコンだけ」) changes them and
    shows them again."""
    from bot.handlers.conversation import is_one_of

    if is_one_of(turn, "conversation.yes_words"):
        return experience_settled(session, turn)
    profile = profile_of(session, turn)
    corrected = corrected_kinds(turn, profile.experience_skills or []) if profile is not None else None
    if profile is None or corrected is None:
        return None
    profile.experience_skills = corrected
    return turn.reply(experience_check(turn, profile))


# Clauses of a correction: each read for the kinds it names and whether it refuses them.
_CLAUSES = re.compile(r"[,、，。.;!！?？]|\bbut\b|けど|が、")
_ONLY = ("だけ", "のみ", "just", "only", "chỉ", "只", "만")


def corrected_kinds(turn: Turn, kinds: list[str]) -> list[str] | None:
    """The kinds a correction leaves: those refused (「子守りじゃなくて」, "not childcare") taken out,
    those named added, or only those named when it says so (「パソコンだけ」 "just the computer
    stuff"); None when it names no kind."""
    from bot.nlp.when import CONTRAST

    text = flows.normal(turn.text)
    parts = CONTRAST.split(text)
    clauses = [(part, True) for part in parts[:-1]] + [(c, False) for c in _CLAUSES.split(parts[-1])]
    refused: set[str] = set()
    meant: list[str] = []
    for clause, before_contrast in clauses:
        named = kinds_named(turn, clause)
        if before_contrast or any(flows.holds(clause, w) for w in flows.words(turn, "conversation.refusal_words")):
            refused.update(named)
        else:
            meant.extend(k for k in named if k not in meant)
    if not refused and not meant:
        return None
    if meant and any(flows.holds(text, word) for word in _ONLY):
        return meant
    return [k for k in dict.fromkeys([*kinds, *meant]) if k not in refused]


def kinds_named(turn: Turn, text: str) -> list[str]:
    """The kinds a text names: by the words of the experience reader, or by a kind's own name
    ("childcare", 「子育て」)."""
    from bot.kinds import KEYS as CATEGORIES
    from bot.nlp import extract_skills

    found = list(extract_skills(text))
    for kind in CATEGORIES:
        names = re.split(r"\s*[/・]\s*", flows.normal(describe.kind(kind, turn.locale)))
        if kind not in found and kind != "other" and any(len(n) > 1 and flows.holds(text, n) for n in names):
            found.append(kind)
    return found


@on_postback("helper.experience_ok")
@on_postback("helper.experience_skip")
def experience_settled(session: Session, turn: Turn) -> Outbox:
    """The experience is right (or skipped): registration or edit done."""
    profile = profile_of(session, turn)
    return saved(session, turn, profile) if profile is not None else offer_help(session, turn)


@on_postback("helper.pause")
def pause(session: Session, turn: Turn) -> Outbox:
    """Take a break: no offers until resumed."""
    return _set_paused(session, turn, True)


@on_postback("helper.resume")
def resume(session: Session, turn: Turn) -> Outbox:
    """Back from a break."""
    return _set_paused(session, turn, False)


def _set_paused(session: Session, turn: Turn, paused: bool, until: datetime | None = None) -> Outbox:
    profile = profile_of(session, turn)
    if profile is None:
        return offer_help(session, turn)
    profile.paused, profile.paused_until = paused, until
    conversations.finish(session, turn.resident)
    if not paused:
        return turn.reply(Text(turn.t("helper.resumed")))
    again = (button(turn.t("helper.resume"), "helper.resume"),)  # on the message: a break lasts
    if until is None:
        return turn.reply(Text(turn.t("helper.paused"), again, lasting=True))
    last = (until - timedelta(minutes=1)).date()  # 「10日まで」 is the last day off, offers come from the 11th
    text = turn.t("helper.paused_until", last=when_text(last, turn.locale), back=when_text(until.date(), turn.locale))
    return turn.reply(Text(text, again, lasting=True))


@on_state("helper_menu")
def typed_in_menu(session: Session, turn: Turn) -> Outbox | None:
    """お休みします / 再開します written under the helper's menu: as anywhere else, with the day the
    break ends when one is said (「来週は旅行でお休みします」), and 再開 heard even when not paused."""
    return pause_in_words(session, turn, in_menu=True)


@on_postback("helper.approve")
def approve_pressed(session: Session, turn: Turn) -> Outbox:
    """A district admin approves a helper from the button in their chat."""
    try:
        return approvals.approve_helper(session, int(turn.args[0]), turn.resident.id)
    except NotAllowedError:
        return turn.reply(Text(turn.t("common.not_allowed")))


@on_text
def pause_in_words(session: Session, turn: Turn, in_menu: bool = False) -> Outbox | None:
    """A helper's 「来週は旅行でお休みします」 / 「また再開します」, wherever it is written; a paused
    helper who says they will help (「落ち着いたのでまたお手伝いします」) is back."""
    from bot.handlers.conversation import has_word
    from bot.nlp.when import period_end

    profile = profile_of(session, turn)
    understood = turn.understood
    if profile is None:
        return None
    # Said outright, a break or a return is theirs, whatever else the words are guessed to be
    # (「またお願いを送ってください」「今月いっぱい休ませてもらいます」 are no requests, nor cancels).
    if (profile.paused or in_menu) and has_word(turn, "helper.resume_words"):
        return _set_paused(session, turn, False)
    if says_stop_sending(session, turn):  # 「依頼は送らんどいて」「連絡はいらん」, whatever it was read as
        return _set_paused(session, turn, True, period_end(turn.text, turn.now))
    if understood.intent == "cancel" and not stops_offers(session, turn):
        return None
    if understood.intent == "cancel":  # 「今月いっぱい出張やけん、依頼は止めといて」: no request of theirs
        return _set_paused(session, turn, True, period_end(turn.text, turn.now))
    if has_word(turn, "helper.unable_words"):  # 「お手伝いはお休みします」: no offer either
        return _set_paused(session, turn, True, period_end(turn.text, turn.now))
    if asks_for_a_kind(turn):
        return None
    if profile.paused and understood.intent == "offer_help" and not unfinished(profile):
        return _set_paused(session, turn, False).to(turn.resident.id, menu(session, turn, profile))
    if understood.intent != "offer_help" and has_word(turn, "helper.pause_words"):
        return _set_paused(session, turn, True, period_end(turn.text, turn.now))
    return None


def stops_offers(session: Session, turn: Turn) -> bool:
    """A helper's 「依頼は止めといて」「今月いっぱいは送らんで」, read as a cancel: with no request of
    their own to cancel, it stops the offers (for the period it says)."""
    from bot.handlers.conversation import has_word
    from bot.nlp.when import period_end

    own = session.scalar(
        select(HelpRequest.id).where(
            HelpRequest.created_by_id == turn.resident.id,
            HelpRequest.status.in_(("draft", "open", "unmet", "assigned")),
        )
    )
    away = period_end(turn.text, turn.now) is not None and has_word(turn, "helper.pause_words")
    return own is None and (has_word(turn, "helper.offer_words") or away)


def says_stop_sending(session: Session, turn: Turn) -> bool:
    """What a helper receives (依頼, 連絡, requests) named with a word of not wanting it (送らんで,
    いらん, don't send) in the same sentence, by a helper with no request of their own it could be
    about (「いらない家具を運んでほしいです。連絡ください」 and "help me to the bus stop? Send me
    messages" ask for help: their words of stopping and of offers are in different sentences)."""
    from bot.handlers.conversation import holds, normal, words

    offers, stops = words(turn, "helper.offer_words"), words(turn, "helper.stop_words")
    said = any(
        any(holds(sentence, w) for w in offers) and any(holds(sentence, w) for w in stops)
        for sentence in _SENTENCES.split(normal(turn.text))
    )
    return said and stops_offers(session, turn)


def asks_for_a_kind(turn: Turn) -> bool:
    """A request naming a kind of help in words (「今日は休みなので買い物をお願いしたい」); the learned
    layer's guess alone (「しばらく休ませてもらいます」 read as childcare) is no request."""
    from bot.handlers.request_changes import names_kind

    understood = turn.understood
    category = understood.category
    if understood.intent != "help_request" or category is None or category == "other":
        return False
    return names_kind(turn, category)


# -- the registration (and an edit) as a declared conversation: the exits every question honours


def cancel_registration(session: Session, turn: Turn) -> Outbox:
    """「やめます」 at any step: the question is dropped and the person told. A first registration
    left unfinished stays paused, so nothing is offered to it. A word that says both "that's all"
    and "never mind" (됐어요) is the first where something is chosen at a list step: done."""
    name = turn.pending.state.removeprefix("helper_")
    profile = profile_of(session, turn)
    chosen = name in FIELDS and profile is not None and bool(getattr(profile, FIELDS[name]))
    if chosen and typed_done(turn, chosen):
        return _next(session, turn, name)
    key = "helper.cancelled_registration" if registering(session, turn) else "helper.cancelled_edit"
    conversations.finish(session, turn.resident)
    return turn.reply(Text(turn.t(key)))


def ask_step_again(session: Session, turn: Turn) -> list:
    """The pending step of the registration (or the helper's menu), asked again."""
    profile = profile_of(session, turn)
    state = turn.conversation.state if turn.conversation else ""
    name = state.removeprefix("helper_")
    if profile is None:
        return [Text(turn.t("helper.cancelled_registration"))]
    if name in STEPS:
        return [step(session, turn, profile, name, registering(session, turn))]
    if name == "experience_confirm":
        return [experience_check(turn, profile)]
    return [menu(session, turn, profile)]


HELPER = flows.declare(
    flows.Flow(
        name="helper",
        questions={
            "helper_kinds": typed_kinds,
            "helper_districts": typed_districts,
            "helper_slots": typed_slots,
            "helper_experience": typed_experience,
            "helper_experience_confirm": typed_experience_ok,
            "helper_menu": typed_in_menu,
        },
        free_text=frozenset({"helper_experience"}),
        cancel=cancel_registration,
        ask_again=ask_step_again,
    )
)
