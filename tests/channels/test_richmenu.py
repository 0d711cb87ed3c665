"""`flask rich-menu`: a drawn menu per language, Japanese the default, English for English speakers."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from bot.channels.richmenu import alias
from bot.i18n import locales, t
from db.models import Resident
from db.session import Session
from tests import factories
from tests.channels.conftest import event_body, user_event


def run(line_app):
    result = line_app.test_cli_runner().invoke(args=["rich-menu"])
    assert result.exit_code == 0, result.output
    return result


def test_the_command_uploads_a_drawn_menu_per_language_and_makes_japanese_the_default(line_app, line_api):
    run(line_app)
    names = sorted(m["name"] for m in line_api.rich_menus.values())
    assert names == sorted(alias(language) for language in locales())
    assert line_api.default_rich_menu == line_api.aliases["kyojo-ja"]
    for menu_id, menu in line_api.rich_menus.items():
        kind, png = line_api.images[menu_id]
        assert kind == "image/png" and Image.open(io.BytesIO(png)).size == (2500, 843)
        assert [a["action"]["data"] for a in menu["areas"]] == [
            "menu.need_help",
            "menu.give_help",
            "menu.circulars",
            "menu.usage",
        ]
    uploads = line_api.calls("/content")
    assert {u.host for u in uploads} == {"data"} and len(uploads) == len(locales())
    assert line_api.violations == []


def test_the_english_menu_speaks_english(line_app, line_api):
    run(line_app)
    english = line_api.rich_menus[line_api.aliases["kyojo-en"]]
    assert [a["action"]["displayText"] for a in english["areas"]][0] == "I need help"
    assert english["chatBarText"] == "Menu"


def test_running_it_again_replaces_the_menus(line_app, line_api):
    run(line_app)
    first = dict(line_api.aliases)
    run(line_app)
    assert len(line_api.rich_menus) == len(locales())
    assert set(line_api.aliases.values()) == set(line_api.rich_menus) != set(first.values())
    assert line_api.default_rich_menu == line_api.aliases["kyojo-ja"]


def test_english_speakers_are_linked_to_the_english_menu(line_app, line_api, session):
    english = factories.resident(session, platform="line", user_id="Uenglish", language="en")
    factories.resident(session, platform="line", user_id="Ujapanese", language="ja")
    session.commit()
    run(line_app)
    assert line_api.links == {"Uenglish": line_api.aliases["kyojo-en"]}
    session.refresh(english)
    assert english.rich_menu_id == line_api.aliases["kyojo-en"]


def test_a_new_friend_whose_line_is_in_english_gets_the_english_menu(line_app, line_api, post):
    run(line_app)
    line_api.profiles["Ualice"] = {"displayName": "Alice", "language": "en"}
    post(event_body(user_event("follow", follow={"isUnblocked": False})))
    assert line_api.links == {"Ualice": line_api.aliases["kyojo-en"]}
    with Session() as s:
        assert s.scalar(select(Resident.rich_menu_id)) == line_api.aliases["kyojo-en"]


def test_without_an_access_token_the_command_says_so(line_app, line_config):
    from bot import runtime, wiring

    wiring.start(line_config.with_(line_channel_access_token=None), engine=runtime.current().engine)
    result = line_app.test_cli_runner().invoke(args=["rich-menu"])
    assert result.exit_code != 0 and "LINE_CHANNEL_ACCESS_TOKEN" in result.output


def _says(post, text: str, event_id: str) -> None:
    post(event_body(user_event("message", event_id=event_id, message={"id": event_id, "type": "text", "text": text})))


def test_asking_for_another_language_brings_its_menu_and_japanese_the_default_again(line_app, line_api, post):
    run(line_app)
    line_api.profiles["Ualice"] = {"displayName": "Alice", "language": "ja"}
    post(event_body(user_event("follow", follow={"isUnblocked": False})))
    assert line_api.links == {}
    _says(post, "Tiếng Việt", "01EVENT0000000000000000002")
    assert line_api.links == {"Ualice": line_api.aliases["kyojo-vi"]}
    _says(post, "日本語でお願いします", "01EVENT0000000000000000003")
    assert line_api.links == {}
    with Session() as s:
        assert s.scalar(select(Resident.rich_menu_id)) is None
    assert line_api.violations == []


def test_a_new_friend_whose_line_is_in_vietnamese_is_greeted_in_vietnamese(line_app, line_api, post):
    line_api.profiles["Ualice"] = {"displayName": "Lan", "language": "vi"}
    post(event_body(user_event("follow", follow={"isUnblocked": False})))
    assert line_api.sent_messages()[0]["text"] == t("onboarding.welcome", "vi", name="Lan")
    with Session() as s:
        assert s.scalar(select(Resident.language)) == "vi"


def test_every_languages_menu_is_labelled_in_that_language(line_app, line_api):
    run(line_app)
    for language in locales():
        menu = line_api.rich_menus[line_api.aliases[alias(language)]]
        assert [a["action"]["displayText"] for a in menu["areas"]] == [
            t(key, language) for key in ("menu.need_help", "menu.give_help", "menu.circulars", "menu.usage")
        ]
        assert menu["chatBarText"] == t("richmenu.chat_bar", language)


def test_every_letter_of_every_menu_label_has_a_shape_in_the_font():
    from bot.channels.richmenu import ACTIONS, font

    def shape(drawn, letter: str) -> bytes:
        return bytes(drawn.getmask(letter))

    for language in locales():
        drawn = font(100, language)
        missing = shape(drawn, "\uffff")  # what the font draws for a letter it does not have
        assert shape(drawn, "ก") == missing  # (Thai: the font has none, so this comparison works)
        letters = {c for key in ACTIONS for c in t(key, language) if not c.isspace()}
        assert [c for c in letters if shape(drawn, c) == missing] == [], language
