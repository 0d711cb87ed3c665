"""Intent and category of single messages, with and without context."""

import pytest

from bot.nlp import CATEGORIES, INTENTS, classify

CATEGORY_CASES = [
    ("燃えないゴミを出してもらえませんか", "garbage"),
    ("ごみすてたのみたい", "garbage"),
    ("犬のさんぽをお願いします", "dog_walking"),
    ("庭の草むしりをしてほしい", "garden"),
    ("スーパーで買い物をしてきてほしい", "shopping"),
    ("スマートフォンの設定を手伝ってください", "smartphone"),
    ("押し入れの片付けを手伝ってほしい", "tidying"),
    ("病院まで車で送ってほしいです", "transport"),
    ("電球を替えてもらえませんか", "repair"),
    ("子どもを一時間見ててほしい", "childcare"),
    ("雪かきをお願いしたいです", "other"),
]


@pytest.mark.parametrize(("text", "category"), CATEGORY_CASES)
def test_each_category(text: str, category: str) -> None:
    assert classify(text) == ("help_request", category)


def test_labels_follow_labels_md() -> None:
    assert CATEGORIES[0] == "garbage" and CATEGORIES[-1] == "other" and len(CATEGORIES) == 10
    assert set(INTENTS) >= {"help_request", "accept", "decline", "safe", "need_help", "chitchat"}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("ボランティアとして手伝いたいです", "offer_help"),
        ("さっきのお願いは取り消してください", "cancel"),
        ("ゴミ出し終わりました", "done"),
        ("私のポイントはいくつ？", "balance"),
        ("緑ケ丘の回覧板を受け取りたい", "subscribe"),
        ("お知らせはもういりません", "unsubscribe"),
        ("使い方を教えて", "usage"),
        ("ありがとうございました", "chitchat"),
        ("おはようございます", "chitchat"),
    ],
)
def test_each_intent_without_context(text: str, intent: str) -> None:
    assert classify(text)[0] == intent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("犬の散歩は自分でできるけど、買い物をお願いしたい", ("help_request", "shopping")),
        # what the sender will fit or mend themselves is the reason; the need comes after it
        ("電池と電球は自分で替えるので、明日の朝それを買ってきてほしいです", ("help_request", "shopping")),
        ("棚は自分で組み立てるので買ってきてほしい", ("help_request", "shopping")),
        ("自分で替えられないので電球を替えてほしい", ("help_request", "repair")),
        ("庭の水やりは終わりました", ("done", None)),
        ("草取りは終わりましたが、電球の交換をお願いしたい", ("help_request", "repair")),
        ("お手伝いできることがあれば教えてください", ("offer_help", None)),
        ("先日はゴミ出しをありがとうございました", ("chitchat", None)),
        ("買い物をしてもらって助かりました", ("chitchat", None)),
    ],
)
def test_negation_and_near_misses(text: str, expected: tuple) -> None:
    assert classify(text) == expected


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("はい", "accept"),
        ("行けます", "accept"),
        ("りょ", "accept"),
        ("引き受けます", "accept"),
        ("ちょっと無理", "decline"),
        ("行けません", "decline"),
        ("今回は遠慮します", "decline"),
        ("使い方を教えて", "usage"),
        ("ポイント残高を教えて", "balance"),
    ],
)
def test_offer_pending_replies(text: str, intent: str) -> None:
    assert classify(text, "offer_pending")[0] == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("無事です", "safe"),
        ("大丈夫", "safe"),
        ("けがはありません", "safe"),
        ("被害なし", "safe"),
        ("たすけて", "need_help"),
        ("動けない", "need_help"),
        ("薬がなくて困っています", "need_help"),
        ("使い方を教えて", "usage"),
    ],
)
def test_safety_check_replies(text: str, intent: str) -> None:
    assert classify(text, "safety_check")[0] == intent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("畑の草取りば手伝ってはいよ", ("help_request", "garden")),
        ("膝の痛かけん、ゴミ出しば頼めんやろか", ("help_request", "garbage")),
        ("犬の散歩しちょるけど、買い物もお願いしたいっちゃけど", ("help_request", "shopping")),
    ],
)
def test_kyushu_dialect(text: str, expected: tuple) -> None:
    assert classify(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a favour someone already does (来てくれるけど, してもらっとるので) is not the ask
        ("洗濯はヘルパーさんがしてくれるけど、犬の散歩だけは誰もおらんとです", ("help_request", "dog_walking")),
        ("病院は嫁が乗せて行ってくれるので、庭の草むしりをお願いしたいです", ("help_request", "garden")),
        ("スーパーには娘が連れて行ってくれよるけど、電球の交換が自分じゃできん", ("help_request", "repair")),
    ],
)
def test_a_favour_told_beside_the_need_is_not_the_need(text: str, expected: tuple) -> None:
    assert classify(text) == expected


@pytest.mark.parametrize(
    ("text", "context", "intent"),
    [
        ("雨漏りしよるけど、ケガはなかです", "safety_check", "safe"),  # なか: Kumamoto and Hakata's ない
        ("家は大丈夫じゃなか、屋根が半分なくなっとる", "safety_check", "need_help"),
        ("町内のお知らせ、もう送らんでよかよ", None, "unsubscribe"),
    ],
)
def test_kumamoto_and_hakata_negations(text: str, context: str | None, intent: str) -> None:
    assert classify(text, context)[0] == intent


@pytest.mark.parametrize(
    ("text", "context", "intent"),
    [
        ("行くばい", "offer_pending", "accept"),
        ("みんな無事やけん", "safety_check", "safe"),
    ],
)
def test_dialect_replies(text: str, context: str, intent: str) -> None:
    assert classify(text, context)[0] == intent


def test_unknown_words_fall_back_to_surface() -> None:
    assert classify("ﾌｼﾞｺｰﾎﾟﾚｰｼｮﾝの件で、スマホのLINEを見てほしい") == ("help_request", "smartphone")
    assert classify("ポチの散歩おねがい") == ("help_request", "dog_walking")


def test_typos_are_forgiven() -> None:
    assert classify("すまほのせっていおしえて") == ("help_request", "smartphone")
    assert classify("ごみだしおねがいしまう") == ("help_request", "garbage")


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("Can someone walk my dog tomorrow?", None, ("help_request", "dog_walking")),
        ("I need a ride to the dentist", None, ("help_request", "transport")),
        ("Please cancel my request", None, ("cancel", None)),
        ("Yes, I can do it", "offer_pending", ("accept", None)),
        ("Sorry, I can't make it", "offer_pending", ("decline", None)),
        ("We are safe", "safety_check", ("safe", None)),
    ],
)
def test_english(text: str, context: str | None, expected: tuple) -> None:
    assert classify(text, context) == expected


@pytest.mark.parametrize(
    ("text", "context", "intent"),
    [
        ("ﾀﾞｲｼﾞｮｳﾌﾞｼﾞｬﾅｲ ｺｼｶﾞｲﾀｲ", "safety_check", "need_help"),  # its ない is read, not lost in one noun
        ("ｶｲﾗﾝﾊﾞﾝ ﾖﾐﾀｲﾃﾞｽ", None, "subscribe"),  # not the いらん inside かいらん
    ],
)
def test_a_sentence_in_half_width_katakana_is_read_like_kana(text: str, context: str | None, intent: str) -> None:
    assert classify(text, context)[0] == intent
