import string

import pytest

from bot.i18n import catalog, hours_text, locales, supported, t


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_of_our_residents_has_a_catalog():
    assert {"ja", "en", "vi", "zh-Hans", "ko", "ja-easy"} <= set(locales())


@pytest.mark.parametrize("locale", [loc for loc in locales() if loc != "ja"])
def test_every_catalog_has_the_same_keys_and_placeholders_as_japanese(locale):
    ja, other = catalog("ja"), catalog(locale)
    assert sorted(set(ja) - set(other)) == [], f"missing in {locale}"
    assert sorted(set(other) - set(ja)) == [], f"only in {locale}"
    wrong = [key for key in ja if placeholders(ja[key]) != placeholders(other[key])]
    assert wrong == []


def test_unknown_locale_falls_back_to_japanese():
    assert supported("th-TH") == "ja"
    assert t("common.yes", "th") == "はい"
    assert supported(None) == "ja"


@pytest.mark.parametrize(
    ("tag", "locale"),
    [
        ("en-US", "en"),
        ("ja-JP", "ja"),
        ("ko-KR", "ko"),
        ("ko", "ko"),
        ("vi-VN", "vi"),
        ("zh-Hans", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh_TW", "zh-Hans"),
        ("zh-Hant", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("ja-easy", "ja-easy"),
    ],
)
def test_line_profile_languages_find_their_catalog(tag, locale):
    assert supported(tag) == locale


def test_hours_are_written_per_language():
    assert hours_text(90, "ja") == "1時間30分"
    assert hours_text(45, "en") == "45 min"
    assert hours_text(-120, "ja") == "-2時間"


def test_a_missing_key_is_an_error_not_a_blank_message():
    with pytest.raises(KeyError):
        t("no.such_key", "ja")


def test_dates_and_lists_follow_each_languages_catalog():
    from datetime import datetime

    from bot.i18n import list_text, when_text

    moment = datetime(2026, 11, 28, 14, 5)
    assert when_text(moment, "ja") == "11月28日(土) 14:05"
    assert when_text(moment, "en") == "Sat 28 Nov, 14:05"
    assert when_text(moment.date(), "ja") == "11月28日(土)"
    assert list_text(["緑ケ丘", "八幡"], "ja") == "緑ケ丘、八幡"
    assert list_text(["Midorigaoka", "Yahata"], "en") == "Midorigaoka, Yahata"
    assert when_text(moment, "vi") == "Thứ 7, 28/11, 14:05"
    assert when_text(moment, "zh-Hans") == "11月28日(周六) 14:05"
    assert when_text(moment, "ko") == "11월 28일 (토) 14:05"
    assert when_text(moment, "ja-easy") == "11月28日(土) 14:05"
    assert hours_text(90, "vi") == "1 giờ 30 phút"
    assert hours_text(90, "ko") == "1시간 30분"
