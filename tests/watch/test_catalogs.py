"""The 見守り, support, disaster and search texts are really written in each language: none is the
English text left in place, each is in its language's script, and やさしい日本語 is plain and short."""

import re
import tomllib

import pytest

from bot.i18n import CATALOGS

AREAS = ("watch", "support", "disaster", "search")
OTHERS = ("ja", "ja-easy", "vi", "zh-Hans", "ko")
# Names and numbers that stay the same in every language once placeholders are taken out.
_NEUTRAL = re.compile(r"\{[a-z_]+\}|https?://\S+|\d+|民生委員")
_MARKS = re.compile(r"[\W_]+")
_SCRIPT = {
    "ko": re.compile(r"[\uac00-\ud7a3]"),
    "zh-Hans": re.compile(r"[\u4e00-\u9fff]"),
    "ja": re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]"),
    "ja-easy": re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]"),
    "vi": re.compile(r"[ăâđêôơưàáèéìíòóùúýĂÂĐÊÔƠƯ\u1ea0-\u1ef9]"),
}
_KANA = re.compile(r"[\u3040-\u30ff]")
_KANJI = re.compile(r"[\u4e00-\u9fff]")


def texts(locale: str, area: str) -> dict[str, str]:
    """One catalog file's texts by key (tables flattened)."""
    flat: dict[str, str] = {}

    def walk(prefix: str, table: dict) -> None:
        for name, value in table.items():
            walk(f"{prefix}{name}.", value) if isinstance(value, dict) else flat.setdefault(prefix + name, value)

    with (CATALOGS / locale / f"{area}.toml").open("rb") as file:
        walk("", tomllib.load(file))
    return flat


def words(text: str) -> str:
    return _MARKS.sub("", _NEUTRAL.sub(" ", text)).lower()


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("locale", OTHERS)
def test_no_text_is_the_english_one_left_in_place(locale, area):
    english = texts("en", area)
    same = [key for key, text in texts(locale, area).items() if words(text) and words(text) == words(english[key])]
    assert same == [], f"{locale}/{area}.toml still in English"


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("locale", OTHERS)
def test_every_text_is_written_in_its_languages_script(locale, area):
    foreign = [key for key, text in texts(locale, area).items() if words(text) and not _SCRIPT[locale].search(text)]
    assert foreign == []


@pytest.mark.parametrize("area", AREAS)
def test_simplified_chinese_has_no_japanese_kana(area):
    assert [key for key, text in texts("zh-Hans", area).items() if _KANA.search(text)] == []


@pytest.mark.parametrize("area", AREAS)
def test_yasashii_nihongo_is_plainer_than_the_japanese(area):
    """Short sentences, words spaced, few kanji: not the ordinary Japanese text copied over."""
    ja, easy = texts("ja", area), texts("ja-easy", area)
    copied = [key for key, text in easy.items() if text == ja[key] and len(words(text)) > 8]
    assert copied == []
    prose = [text for key, text in easy.items() if not key.endswith(("words", "hints"))]
    sentences = [s for text in prose for s in re.split(r"[。\n]", _NEUTRAL.sub(" ", text)) if s.strip()]
    assert max(len(s.replace(" ", "")) for s in sentences) <= 40
    kanji = sum(len(_KANJI.findall(text)) for text in prose)
    letters = sum(len(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]", text)) for text in prose)
    assert kanji / letters < 0.15, f"{kanji} kanji of {letters} letters"


def _quoted(text: str) -> list[str]:
    return re.findall(r"[\"“「]([^\"”」]+)[\"”」]", text)


@pytest.mark.parametrize("locale", ["ko", "zh-Hans", "vi", "en", "ja-easy"])
def test_the_commands_each_language_is_told_to_send_work_in_that_language(chat, session, locale):
    """Sign up with the catalog's own word, send the code as share_code says, ask for the record
    as joined says: each in the person's language, so no text names a command that does nothing."""
    from bot.i18n import t
    from tests import factories
    from tests.fakes import texts as sent

    district = factories.district(session, "緑ケ丘")
    factories.resident(
        session, user_id="MOM", district=district, language=locale, display_name="花子", address="緑ケ丘1-1"
    )
    factories.resident(session, user_id="SON", language=locale)
    factories.resident(session, user_id="MINSEI", language=locale, display_name="民生")
    got = chat.say("MOM", t("watch.words", locale).split(",")[0])
    assert sent(got)[-1] == t("watch.ask_whom", locale)
    got = chat.press("MOM", got[-1].buttons[0].data)  # myself
    assert sent(got)[-1] == t("watch.ask_time", locale, name="花子")
    for _ in range(4):  # the time, the days, the hours, who watches: the first button each time
        got = chat.press("MOM", got[-1].buttons[0].data)
    assert sent(got)[0].startswith(t("watch.signed_up", locale, name="花子", days="", time="", hours="")[:6])
    command, minsei = _quoted(sent(got)[1])[:2]
    assert re.search(r"\d{6}", command)
    got = chat.say("SON", command)
    assert sent(got)[0] == t("watch.joined", locale, name="花子")
    chat.say("MINSEI", minsei)
    assert sent(chat.channel.to("MOM"))[-1] == t("watch.joined_told_minsei", locale, name="民生")
    got = chat.say("SON", _quoted(t("watch.joined", locale, name="花子"))[-1])
    assert sent(got)[0].startswith(t("watch.history_title", locale, name="花子"))


@pytest.mark.parametrize("locale", ["vi", "zh-Hans", "ko"])
def test_the_admin_pages_for_watch_support_and_disaster_are_not_left_in_english(locale):
    english = texts("en", "admin")
    same = [
        key
        for key, text in texts(locale, "admin").items()
        if key.startswith(("watch.", "support.", "disaster.")) and words(text) == words(english[key])
    ]
    assert same == []


def test_the_admin_pages_for_watch_support_and_disaster_are_plain_in_yasashii_nihongo():
    ja = texts("ja", "admin")
    copied = [
        key
        for key, text in texts("ja-easy", "admin").items()
        if key.startswith(("watch.", "support.", "disaster.")) and text == ja[key] and len(words(text)) > 8
    ]
    assert copied == []
