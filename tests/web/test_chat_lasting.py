"""The local chat page shows a lasting choice (a buttons template or a bubble) with its buttons on
the message, still there and still working after later messages, as on LINE."""

from __future__ import annotations

from bot import demo, runtime
from bot.events import Button, Text
from tests.web.test_chat_page import page, served  # noqa: F401  (fixtures)


def test_a_lasting_choice_keeps_its_buttons_after_later_messages(page):  # noqa: F811
    from playwright.sync_api import expect

    tanaka = demo.demo()["residents"][0]["user_id"]
    line = runtime.current().channels["line"]
    choice = Text(
        "どうしますか？",
        (Button("使い方", "menu.usage", "使い方"), Button("残高", "menu.balance", "残高")),
        lasting=True,
    )
    line.send(tanaka, [choice], reply_token=None, retry_key="lasting-1")
    line.send(
        tanaka,
        [Text("別のお知らせです", (Button("はい", "menu.usage", "はい"),))],
        reply_token=None,
        retry_key="lasting-2",
    )
    page.locator("#speaker").select_option(tanaka)
    card = page.locator("#log .card", has_text="どうしますか？")
    expect(card.get_by_role("button", name="使い方")).to_be_visible()
    expect(page.locator("#quick").get_by_role("button", name="使い方")).to_have_count(0)
    card.get_by_role("button", name="使い方").click()  # the old button, after a later message
    expect(page.locator("#log .bot").last).to_contain_text("使い方はかんたんです")
    expect(card.get_by_role("button", name="残高")).to_be_visible()  # and the choice is still there
