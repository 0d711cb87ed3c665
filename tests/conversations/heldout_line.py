"""Session 3's personas, played through the real webhook and line-bot-sdk against the fake LINE
API: written before the LINE world was run even once, held out in session 3. Looked at in
session 4 (their failures were read and the general causes fixed), so they now count with the
tuned set; the held-out figure is session 4's set (heldout_s4.py).

Do not change these to make the suite pass; add new people to tuned.py instead.
"""

from tests.conversations.persona import Persona as P

PERSONAS = [
    # residents over 70, polite and plain
    P(
        "中島 トキ",
        "明日の朝、ゴミ出しを手伝っていただけると助かります",
        "garbage",
        writes_address="緑ケ丘5-6-7",
        landmark="集会所の前",
        confirm="はい、それでお願いします",
    ),
    P("三浦 ミサヲ", "あさっての午後、買い物についてきてほしいのですが", "shopping", day=2, part="afternoon"),
    P("和田 源蔵", "明日の朝 病院まで 車で 送ってもらえんでしょうか", "transport"),
    P("森田 シズ", "明日の午後、電球の交換をお願いできますか", "repair", part="afternoon"),
    # 北九州弁
    P(
        "城戸 カツ",
        "明日の朝、ゴミ出し手伝ってくれんやろか",
        "garbage",
        district="黒崎",
        writes_address="黒崎2-3-4",
        landmark="黒崎駅の近く",
        confirm="よかよ",
    ),
    P(
        "吉村 ヨシ",
        "あさっての夕方、犬の散歩ば頼めんやろか",
        "dog_walking",
        district="八幡",
        writes_address="八幡1-5-9",
        landmark="八幡駅のそば",
        day=2,
        part="evening",
    ),
    P(
        "有田 勝",
        "あしたの午後、買い物に連れていってくれんかね",
        "shopping",
        district="小倉",
        writes_address="小倉6-7-8",
        landmark="小倉城の近く",
        part="afternoon",
        confirm="それでよか",
    ),
    # 熊本弁
    P("緒方 ツル", "明日の朝、庭の草取りば手伝うてもらえんですか", "garden", confirm="よかです"),
    P("本田 タケ", "あさっての朝、ゴミ出しばお願いできんですか", "garbage", day=2, confirm="よかよ"),
    # hiragana only, half-width kana, voice input without punctuation
    P(
        "ひらた はな",
        "あしたの ごご かいものを てつだって ほしいです",
        "shopping",
        part="afternoon",
        writes_address="みどりがおか2-2-2",
        landmark="ゆうびんきょくの まえ",
    ),
    P("ｵｵﾀ ｹﾝｿﾞｳ", "ｱｼﾀﾉｱｻ ｺﾞﾐﾀﾞｼｦ ｵﾈｶﾞｲｼﾀｲ", "garbage"),
    P("野村 さと", "えっとあしたのあさなんですけどごみだしをてつだってもらえたらうれしいです", "garbage"),
    # English
    P(
        "Anna Berg",
        "Could someone walk my dog the day after tomorrow in the evening?",
        "dog_walking",
        day=2,
        part="evening",
        writes_address="Midorigaoka 8-1-2",
        landmark="by the shrine",
        confirm="yes please",
    ),
    # corrections
    P(
        "松下 キミ",
        "明日の朝、買い物をお願いしたいです",
        "shopping",
        day=2,
        at={"request.ask_landmark": "ごめんなさい、明日じゃなくてあさってでお願いします"},
    ),
    P(
        "高木 治",
        "明日の朝ゴミ出しを頼みたい",
        "garbage",
        part="afternoon",
        at={"request.confirm": "すみません、朝じゃなくて午後にしてください"},
    ),
    # cancels
    P(
        "荒木 ヒデ",
        "あさっての午後、棚を直してほしいんですが",
        None,
        at={"request.ask_place": "やっぱりいいです。やめておきます"},
    ),
    P("大野 トメ", "明日の朝、ゴミ出しをお願いしたい", None, at={"request.confirm": "とりけしてください"}),
    # small talk: nothing should go out
    P("杉本 ウメ", "今朝は冷えましたね。みなさんお元気ですか", None, is_request=False),
    P("竹内 シゲ", "孫が昨日ケーキを持ってきてくれたんよ", None, is_request=False),
    P("Tom Gray", "Hello! Nice to meet you", None, is_request=False),
    # helpers and pauses
    P("久野 実", "近所のお年寄りの手伝いがしたいです", role="helper", skills=("shopping",), district="八幡"),
    P("長尾 学", "何か手伝えることがあれば言ってください", role="helper", skills=("garbage",)),
    P("丸山 誠", "来月の頭まで仕事が忙しいので休ませてください", role="pause", skills=("garbage",)),
    P("栗田 恵", "落ち着いたのでまたお手伝いします", role="resume", skills=("shopping",)),
    # safety check answers
    P("水野 カメ", "うちはみんな無事ですよ", role="safety"),
    P("岩崎 サダ", "転んで起き上がれんとです、助けてください", role="safety", safe=False),
]
