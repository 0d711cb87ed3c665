"""Every message of the labelled sets, sent by residents in different situations, gets an
answer and never the apology that means a handler failed."""

import json
from pathlib import Path

import pytest

from bot.i18n import t
from tests import factories
from tests.fakes import texts

HERE = Path(__file__).resolve().parent
SETS = [HERE.parent.parent.parent / "shared" / "nlp" / "dev_set.jsonl", HERE.parent / "nlp" / "held_out.jsonl"]
MESSAGES = [
    json.loads(line)["text"]
    for path in SETS
    if path.exists()
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip()
]
SORRY = t("common.sorry", "ja")


@pytest.fixture
def town(session):
    midori = factories.district(session, "緑ケ丘")
    factories.district(session, "八幡")
    factories.helper(session, user_id="H1", skills=["garbage", "shopping", "smartphone"], district=midori)
    factories.admin(session, midori, user_id="A1")
    session.commit()
    return midori


def test_every_message_from_a_new_person_gets_a_kind_answer(chat, town):
    assert MESSAGES
    for number, text in enumerate(MESSAGES):
        got = texts(chat.say(f"N{number}", text))
        assert got and SORRY not in got, text


def test_every_message_from_a_helper_with_an_offer_and_an_admin_gets_a_kind_answer(chat, session, town):
    factories.resident(session, user_id="REQ", district=town)
    for text in MESSAGES:
        for user in ("H1", "A1", "REQ"):
            got = texts(chat.say(user, text))
            assert SORRY not in got, (user, text)


def test_forged_or_stale_button_presses_get_a_kind_answer_not_a_failure(chat, session, town):
    from bot import handlers

    handlers.load_all()
    for action in sorted(handlers.POSTBACKS):
        for args in ("", ":x", ":999999", ":1:2:3", ":-1:abc"):
            for user in ("H1", "A1", "STRANGER"):
                got = texts(chat.press(user, f"{action}{args}"))
                assert SORRY not in got, (user, action + args)
