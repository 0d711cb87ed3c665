"""The summary helpers read in an offer: the need as a short phrase, no times, no address."""

from datetime import datetime

import re

import pytest

from bot.nlp import understand

NOW = datetime(2026, 11, 30, 10, 0)  # a Monday morning (as in test_languages.py)

ADDRESS_OR_PHONE = re.compile(r"\d+-\d+|\d+丁目|\d+番地?|\d{3,}")


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("明日の朝ゴミ出しを手伝ってほしい", "ゴミ出し"),
        ("病院に連れて行ってほしい", "病院に連れて行く"),
        ("水がありません", "水がない"),
        ("薬が届きません", "薬が届かない"),
        ("犬の散歩をお願いします", "犬の散歩"),
        ("明日の朝、燃えるゴミを集積所までお願いしたいです", "燃えるゴミ"),
        ("スーパーで買い物をしてきてほしい", "買い物"),
        ("部屋を掃除してほしい", "部屋を掃除"),
        ("スマートフォンの設定を手伝ってください", "スマートフォンの設定"),
        ("今夜8時ごろ、お風呂の電球を替えてもらえませんか", "お風呂の電球を替える"),
        ("来週末に粗大ゴミを運んでほしい", "粗大ゴミを運ぶ"),
        ("週末に庭の木の剪定をお願いできますか", "庭の木の剪定"),
        ("土曜日の午後3時に庭の草むしりをお願いします", "庭の草むしり"),
        ("ポチの散歩おねがい", "ポチの散歩"),
        ("芝刈り機はあるので、芝生を刈ってもらえる方を探しています", "芝生を刈る"),
        ("透析の通院が週3回あるんですが、送迎してくれる方を探しています", "送迎"),
        ("郵便受けのフタが壊れて閉まらなくなりました。直してくれる人いますか？", "直す"),
    ],
)
def test_summary_is_the_need_in_a_few_words(text: str, summary: str) -> None:
    assert understand(text, now=NOW).summary == summary


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("膝が痛いので重い荷物を二階に運んでほしい", "重い荷物を二階に運ぶ"),
        ("足が悪くて病院まで行けないので、車で送ってもらえませんか", "車で送る"),
        ("電球が切れたので替えてほしい", "電球"),
        ("犬の散歩は自分でできるけど、買い物をお願いしたい", "買い物"),
        ("草取りは終わりましたが、電球の交換をお願いしたい", "電球の交換"),
        ("市役所に手続きに行きたいのですが、一人で行くのが不安なので付き添ってほしいです", "付き添う"),
    ],
)
def test_reasons_and_side_remarks_are_left_out(text: str, summary: str) -> None:
    assert understand(text, now=NOW).summary == summary


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("畑の草取りば手伝ってはいよ", "畑の草取り"),
        ("膝の痛かけん、ゴミ出しば頼めんやろか", "ゴミ出し"),
        ("犬の散歩しちょるけど、買い物もお願いしたいっちゃけど", "買い物"),
    ],
)
def test_kyushu_dialect(text: str, summary: str) -> None:
    assert understand(text, now=NOW).summary == summary


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("Can someone walk my dog tomorrow morning?", "walk my dog"),
        ("I need a ride to the dentist on Saturday", "a ride to the dentist"),
        ("Please help me sort my trash this evening.", "sort my trash"),
        ("Hi! Could someone please help me with my smartphone settings tomorrow?", "my smartphone settings"),
        ("I'd like someone to walk my dog next weekend", "walk my dog"),
        ("this weekend please mow my lawn", "mow my lawn"),
        ("Looking for someone to mow my lawn and pull weeds.", "mow my lawn and pull weeds"),
    ],
)
def test_english(text: str, summary: str) -> None:
    assert understand(text, now=NOW).summary == summary


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("緑ケ丘町1-2-3の家の電球を替えてほしい", "家の電球を替える"),
        ("緑ケ丘3丁目5番地の家の網戸を直してほしいです。電話は090-1234-5678です", "家の網戸を直す"),
        ("Could you take out my garbage? I live at 12 Oak Street", "take out my garbage"),
        ("My phone number is 090-1234-5678, can you fix my door", "fix my door"),
    ],
)
def test_addresses_and_phone_numbers_are_left_out(text: str, summary: str) -> None:
    assert understand(text, now=NOW).summary == summary


@pytest.mark.parametrize(
    "text",
    [
        "八幡東区西本町1-2-3 田中です。ゴミ出しをお願いします",
        "電話090-1234-5678までお願いします",
        "3丁目12番地の田中です、電球を替えてほしい",
        "住所は緑ケ丘2-14-7、電話は093-123-4567です。犬の散歩を頼みたい",
        "〒805-0061 緑ケ丘町2-3 の家まで迎えに来てほしい",
        "09012345678に電話ください",
        "Please call me at 093-123-4567 about my broken door",
    ],
)
def test_no_summary_leaks_an_address(text: str) -> None:
    summary = understand(text, now=NOW).summary
    assert summary and not ADDRESS_OR_PHONE.search(summary), summary


@pytest.mark.parametrize(
    "text",
    [
        "明日の朝ゴミ出しを手伝ってほしい",
        "来週火曜の午後に病院まで送ってほしい",
        "今夜8時ごろ、お風呂の電球を替えて",
        "週末に草取りを",
        "お昼ごろ薬局で薬を受け取ってきてほしい",
        "Can someone walk my dog this evening?",
    ],
)
def test_no_time_words_and_no_trailing_particle(text: str) -> None:
    summary = understand(text, now=NOW).summary
    assert not re.search(r"明日|来週|今夜|週末|朝|夜|昼|午後|\d時|evening", summary), summary
    assert not summary.endswith(("を", "に", "は", "が", "で", "の", "も", "へ", "まで")), summary


def test_long_summary_is_cut() -> None:
    text = "入院中の母の家の庭の物置の奥にしまってある古い家具と段ボールと衣装ケースの片付けをお願いしたいです"
    assert len(understand(text, now=NOW).summary) <= 40


@pytest.mark.parametrize(
    ("text", "negative"),
    [
        ("文字が小さくて読めんのよ", "読めない"),
        ("市役所から来た手紙の字が小さくて読めんのよ、読んでもらえんかね", "読めない"),
        ("文字が小さくて読めんです", "読めない"),
        ("ドアが閉まらんとです", "閉まらない"),
        ("高いところに手が届かんとよ", "届かない"),
        ("蛇口の水が止まりません", "止まらない"),
        ("脚立に上れんけん電球が替えられん", "替えられない"),
        ("電球が替えられません", "替えられない"),
        ("重くてゴミ袋が持てんとよ", "持てない"),
        ("一人じゃ起き上がれんとよ", "起き上がれない"),
        ("LINEの写真が送れません", "送れない"),
        ("車の運転ができんけん病院に行けん", "行けない"),
        ("熱があって子どもを学校に行かせられん", "行かせられない"),
    ],
)
def test_a_negative_stays_negative(text: str, negative: str) -> None:
    summary = understand(text, now=NOW).summary
    assert summary.endswith(negative), summary


def test_no_corpus_summary_flips_a_negative_or_shows_a_number() -> None:
    from bot.nlp.evaluate import CORPUS_DIR, read_rows

    for name in ("train_ja.jsonl", "held_out_ja.jsonl"):
        for row in read_rows(CORPUS_DIR / name):
            summary = understand(row["text"], now=NOW).summary
            assert not ADDRESS_OR_PHONE.search(summary), (row["text"], summary)
            for positive in re.findall(r"(\w+)る$", summary):  # 読める said of 読めん
                assert positive + "ん" not in row["text"] and positive + "ない" not in row["text"], (
                    row["text"],
                    summary,
                )
