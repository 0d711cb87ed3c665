"""Conversation steps shared by the request, offer and proxy tests."""

from tests.fakes import buttons, texts


def press(chat, user: str, label: str, messages: list):
    """Press the button whose label ends with `label` under the messages."""
    data = next(b.data for m in messages for b in m.buttons if b.label.endswith(label))
    return chat.press(user, data)


def ask_for_help(
    chat,
    user: str = "REQ",
    text: str = "明日の朝ゴミ出しをお願いできますか",
    place: str = "緑ケ丘3-2-1 山田",
    landmark: str = "緑ケ丘公園の近く",
) -> list:
    """Ask for help, answer every question, press お願いする; what the requester got last."""
    got = chat.say(user, text)
    assert "住所" in texts(got)[-1] or "待ち合わせ" in texts(got)[-1]
    got = chat.say(user, place)
    assert "目印" in texts(got)[-1]
    got = chat.say(user, landmark)
    assert {"内容を変える", "日時を変える", "地区を変える"} <= set(buttons(got))
    return press(chat, user, "お願いする", got)


def offers_to(chat, user: str) -> list:
    """The offer cards a helper received."""
    return [m for m in chat.channel.to(user) if any(b.data.startswith("offer.accept") for b in m.buttons)]
