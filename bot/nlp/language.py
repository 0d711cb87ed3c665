"""Which language a short message is written in, and whether it asks to switch language.

Scripts decide most messages: Hangul is Korean, kana is Japanese, kanji with no kana is
Chinese (a few kanji-only words are everyday Japanese too, see JAPANESE_KANJI_WORDS), and
Latin letters are Vietnamese when they carry its marks (ơ, ư, đ, ạ...) or its common
syllables typed without marks; otherwise English.
"""

from __future__ import annotations

import re
import unicodedata

_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile("[\u3040-\u30ff\uff66-\uff9f]")
_HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf]")
_LATIN_WORD = re.compile(r"[^\W\d_]+")
_LATIN_ONLY = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]+")
_LATIN_IN_CHINESE = 2  # Latin words a Chinese message may hold (ok, sorry, app, LINE)
# Letters only Vietnamese uses among the languages we meet (French has â/ê/ô but not these).
_VIETNAMESE_LETTERS = frozenset("ăâđêôơưĂÂĐÊÔƠƯ")
# Syllables that are very common in Vietnamese typed without marks and rare in English.
_VIETNAMESE_BARE = frozenset(
    "toi ban cua khong duoc nguoi giup minh em anh chi co can lam nha con cho mot nhung va ve di "
    "nhe voi dang roi xin cam on viec mai sang chieu toi nay hom ngay chua biet the nao gi dau "
    "ong ba chau rat nuoc tieng viet oi dung sao vay muon nhieu giup do xin chao toan bi thuong "
    # chat shorthand and southern words (không, được, mình, hết, tôi, không)
    "ko hok dc mik mk het tui hong nua qua lam".split()
)
_ENGLISH_WORDS = frozenset(
    "i you he she we they it is are am was the a an to of and or my your me please can could "
    "help need want with for on in at this that tomorrow today thanks thank yes no ok not do "
    "how what who where when will would someone anyone dog shopping garbage".split()
)
# English words that are also Vietnamese syllables typed bare (đổ, ăn, mẹ, ổn, tờ, nó, in, thẻ):
# from someone who writes Vietnamese, 「do rac」 is Vietnamese (and ok, which Vietnamese chat uses as its own).
_ALSO_VIETNAMESE = frozenset("a an am the to do no on me he in my can ok".split())
# Everyday Japanese written in kanji only, with characters Chinese shares: read as Japanese.
JAPANESE_KANJI_WORDS = frozenset({"了解", "承知", "大丈夫", "感謝", "至急", "平気", "元気"})
# Chinese grammar words that kanji-only Japanese does not use (我, 你, 的, 吗...).
_CHINESE_FUNCTION = frozenset("我你他她的吗很呢吧么啊呀哪谁是在没")

# Traditional characters typed into a Chinese message (a phone set to 繁體, a message pasted from
# Taiwan or Hong Kong) read as their simplified forms: 幫我買藥 is 帮我买药. The vocabulary and the
# model know the simplified ones, and a sender who writes Chinese is not taken for Japanese (買 is
# a kanji). The characters of everyday help and safety messages only.
SIMPLIFIED = str.maketrans(
    (
        "幫謝們沒關醫藥買賣車門鎖燈電話機開麼嗎請問給讓點個這來過還時間後會說對現為裡裏從東幾難應該當樣總體頭腳傷無煩須務級處掃髒"
        "亂傢裝貓餵澆種樹園飯網絡軟設圖發訊號碼兒學託顧護診療區辦續證災颱風壞壓嚴緊氣煙聽見覺讀寫語譯鄰獨歲爺媽妳誰愛歡樂週約準備"
        "確認訂單記錄報註冊隻條張塊歸錢費貴換線雜簡邊遠離場廳廁燒熱涼凍雙絕囉擔憂聯繫係鬆輕鬧錯夠習慣趕較輛飛態談論試題鐘暈斷腦臉"
        "結業員專師驗經歷義願隊參與協勞動權雖並將帶陽陰雲鏟掛擺櫃櫥戶牆頂樓層鄉靜聲響塵溫濕淺滿漲灣爭狀猶環產畫盡監禮穩節範築糧紅"
        "純紙細終組絲統綠緒練縣織罰聞肅脫膽興舊艱藝蘭蟲術衛補製複規視親觀計訴詢詳誤課調諒謎講變貨負貼資賬質購趙跡蹤軍載輔輸轉農遞"
        "運遊達遲選遺郵針鍋鎮長閉閒閱闆陸險隨雞靈預領顏類顯飲館馬驚髮鬥魚鳥麵齊齒龍"
    ),
    (
        "帮谢们没关医药买卖车门锁灯电话机开么吗请问给让点个这来过还时间后会说对现为里里从东几难应该当样总体头脚伤无烦须务级处扫脏"
        "乱家装猫喂浇种树园饭网络软设图发讯号码儿学托顾护诊疗区办续证灾台风坏压严紧气烟听见觉读写语译邻独岁爷妈你谁爱欢乐周约准备"
        "确认订单记录报注册只条张块归钱费贵换线杂简边远离场厅厕烧热凉冻双绝啰担忧联系系松轻闹错够习惯赶较辆飞态谈论试题钟晕断脑脸"
        "结业员专师验经历义愿队参与协劳动权虽并将带阳阴云铲挂摆柜橱户墙顶楼层乡静声响尘温湿浅满涨湾争状犹环产画尽监礼稳节范筑粮红"
        "纯纸细终组丝统绿绪练县织罚闻肃脱胆兴旧艰艺兰虫术卫补制复规视亲观计诉询详误课调谅谜讲变货负贴资账质购赵迹踪军载辅输转农递"
        "运游达迟选遗邮针锅镇长闭闲阅板陆险随鸡灵预领颜类显饮馆马惊发斗鱼鸟面齐齿龙"
    ),
)


def _letters(text: str) -> str:
    """The letters of a text (no digits, punctuation, emoji)."""
    return "".join(c for c in text if c.isalpha())


def _strip_marks(word: str) -> str:
    """A Latin word without tone and vowel marks (việc -> viec, đi -> di)."""
    decomposed = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _looks_vietnamese(text: str, usual: str | None = None) -> bool:
    """Vietnamese letters or tone marks, or mostly Vietnamese syllables typed bare
    (for someone who writes Vietnamese anyway, one such syllable is enough)."""
    if any(c in _VIETNAMESE_LETTERS for c in text):
        return True
    decomposed = unicodedata.normalize("NFD", text)
    if "\u0323" in decomposed or "\u0309" in decomposed:
        return True  # dot below (ạ) and hook above (ả) are Vietnamese tone marks
    words = {_strip_marks(w).lower() for w in _LATIN_WORD.findall(text)}
    english = len(words & _ENGLISH_WORDS - _VIETNAMESE_BARE)
    if any(unicodedata.combining(c) for c in decomposed) and not english:
        return True  # marked vowels (chào, tốt) and no English word
    enough = 1 if usual == "vi" else 2
    return len(words & _VIETNAMESE_BARE - _ENGLISH_WORDS) >= enough and len(words & _VIETNAMESE_BARE) > english


def _encodable(char: str, codec: str) -> bool:
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _han_language(text: str) -> str | None:
    """Kanji with no kana: Chinese unless its characters are Japanese forms (確認, 無事, 駅).

    Simplified characters (认, 帮, 时) exist only in the Chinese character set, Japanese forms
    (認, 気, 駅) only in the Japanese one; shared ones (我, 明天) say nothing.
    """
    chinese = japanese = 0
    for char in _HAN.findall(text):
        in_chinese, in_japanese = _encodable(char, "gb2312"), _encodable(char, "shift_jis")
        chinese += (in_chinese and not in_japanese) or char in _CHINESE_FUNCTION
        japanese += in_japanese and not in_chinese
    if japanese > chinese or (not chinese and any(w in text for w in JAPANESE_KANJI_WORDS)):
        return "ja"
    return "zh-Hans" if chinese else None


def detect(text: str, usual: str | None = None) -> str:
    """ "ja", "en", "vi", "zh-Hans" or "ko" for one message.

    `usual` is the language the sender has been using: kanji shared by Chinese and Japanese
    (明日, 安全) are read in it, and so is a message with no letters.
    """
    family = "ja" if usual in ("ja", "ja-easy", None) else usual
    letters = _letters(text)
    if not letters:
        return family if family in ("ja", "en", "vi", "zh-Hans", "ko") else "ja"
    hangul = len(_HANGUL.findall(letters))
    kana = len(_KANA.findall(letters))
    han = len(_HAN.findall(letters))
    if hangul and hangul >= kana:
        return "ko"
    if kana:
        if family == "zh-Hans" and kana < han and _han_language(_KANA.sub("", text)) == "zh-Hans":
            return "zh-Hans"  # a Japanese word in Chinese: 这边的ゴミ分类太复杂了
        return "ja"
    if family == "zh-Hans":
        text = text.translate(SIMPLIFIED)  # 幫我買菜 from a Chinese writer is not Japanese (買 is a kanji)
    if han * 2 >= len(letters):
        found = _han_language(text)
        return found or ("zh-Hans" if family == "zh-Hans" or (usual is None and han > 1) else "ja")
    if (
        han
        and len(_LATIN_ONLY.findall(text)) <= _LATIN_IN_CHINESE
        and (family == "zh-Hans" or _han_language(text) == "zh-Hans")
    ):
        return "zh-Hans"  # Chinese with a Latin word or two: 我ok, 去不了，sorry, 我的iPhone坏了
    if _looks_vietnamese(text, usual):
        return "vi"
    if usual == "vi" and not _english_words(text) - _ALSO_VIETNAMESE:
        return "vi"  # 「1-2-3 Midorigaoka」, a name: no sign of English from a Vietnamese writer
    return "en"


def _english_words(text: str) -> set[str]:
    """The common English words of a text."""
    return {w.lower() for w in _LATIN_WORD.findall(text)} & _ENGLISH_WORDS


# Names people use for each language, in any of our languages ("English", 英語, 영어...).
_NAMES = {
    "ja-easy": (
        "やさしい日本語",
        "やさしいにほんご",
        "易しい日本語",
        "優しい日本語",
        "easy japanese",
        "simple japanese",
        "plain japanese",
        "ひらがな",
    ),
    "ja": ("日本語", "にほんご", "japanese", "tiếng nhật", "tieng nhat", "日语", "日文", "일본어"),
    "en": ("english", "英語", "えいご", "英语", "英文", "tiếng anh", "tieng anh", "영어"),
    "vi": ("tiếng việt", "tieng viet", "vietnamese", "ベトナム語", "越南语", "越南文", "베트남어"),
    "zh-Hans": (
        "中文",
        "汉语",
        "簡体字",
        "简体中文",
        "普通话",
        "chinese",
        "中国語",
        "tiếng trung",
        "tieng trung",
        "중국어",
    ),
    "ko": ("한국어", "한국말", "korean", "韓国語", "韓国語", "韩语", "韩国语", "tiếng hàn", "tieng han"),
}
# What may stand around a language's name in a request to switch ("… please", "…で", "…로 해 주세요").
_FILLERS = sorted(
    (
        "can you",
        "could you",
        "please",
        "speak",
        "write",
        "reply",
        "switch to",
        "change to",
        "use",
        "in",
        "language",
        "only",
        "でお願いします",
        "でおねがいします",
        "お願いします",
        "おねがいします",
        "お願い",
        "おねがい",
        "で話して",
        "でしゃべって",
        "にしてください",
        "にして",
        "に変えて",
        "に切り替えて",
        "ください",
        "がいい",
        "で",
        "bằng",
        "bang",
        "nói",
        "noi",
        "dùng",
        "dung",
        "đổi sang",
        "doi sang",
        "chuyển sang",
        "chuyen sang",
        "cho tôi",
        "làm ơn",
        "lam on",
        "vui lòng",
        "xin",
        "nhé",
        "nhe",
        "được không",
        "đi",
        "ạ",
        "请用",
        "请说",
        "请",
        "用",
        "说",
        "讲",
        "换成",
        "改成",
        "吧",
        "可以吗",
        "谢谢",
        "麻烦",
        "으로 해 주세요",
        "로 해 주세요",
        "로 해주세요",
        "으로 해주세요",
        "로 말해 주세요",
        "로 부탁해요",
        "로 부탁합니다",
        "으로",
        "로",
        "해 주세요",
        "해주세요",
        "주세요",
        "부탁해요",
        "요",
    ),
    key=len,
    reverse=True,
)
_SWITCH_MAX_LENGTH = 40
# Said in Japanese about one's own Japanese: a person who writes 「かんじが よめません」 reads
# やさしい日本語 best. (Writing in hiragana alone is no sign: many older people and voice input
# write so, and they read ordinary Japanese.)
_EASY_HINTS = (
    "漢字が読めない",
    "漢字が読めん",
    "かんじがよめん",
    "漢字が読めません",
    "漢字がわからない",
    "漢字がわかりません",
    "漢字が分からない",
    "かんじがよめない",
    "かんじがよめません",
    "かんじがわからない",
    "かんじがわかりません",
    "かんじよめない",
    "かんじわからない",
    "にほんごすこし",
    "日本語すこし",
    "日本語が少し",
    "にほんごがすこし",
    "むずかしいにほんご",
    "難しい日本語はわからない",
    "にほんごむずかしい",
    "日本語が難しい",
    "にほんごがむずかしい",
)  # compared without spaces
_EASY_REST = 6  # what else the message may say (です, わかります)


def requested_language(text: str) -> str | None:
    """The language a message asks the bot to use (「English please」, 「日本語で」, "한국어로"), if any."""
    lowered = unicodedata.normalize("NFKC", text).lower().strip()
    if len(lowered) > _SWITCH_MAX_LENGTH:
        return None
    # 「やさしい にほんごで おねがいします」: Japanese written with spaces between words
    compact = lowered.replace(" ", "")
    if _tells_easy_japanese(compact):
        return "ja-easy"
    for language, names in _NAMES.items():  # やさしい日本語 before 日本語
        for name in names:
            if name in lowered and _only_fillers(lowered.replace(name, " ", 1)):
                return language
            if " " not in name and not name.isascii() and name in compact:
                if _only_fillers(compact.replace(name, " ", 1)):
                    return language
    return None


def _tells_easy_japanese(text: str) -> bool:
    """「かんじが よめません」 said on its own (not 「漢字が読めんけん手紙を読んでほしい」, a request)."""
    return any(hint in text and len(text.replace(hint, "", 1)) <= _EASY_REST for hint in _EASY_HINTS)


def _only_fillers(rest: str) -> bool:
    """Whether what is left besides the language's name is only please/で/로 and punctuation."""
    for filler in _FILLERS:
        spaced = filler[0].isascii() and filler[0].isalpha()
        rest = re.sub(rf"\b{re.escape(filler)}\b", " ", rest) if spaced else rest.replace(filler, " ")
    return not _letters(rest)
