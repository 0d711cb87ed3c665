"""The local chat page: what it sends goes through the real LINE webhook; what the bot says comes back."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from app import create_app
from bot import demo, runtime
from bot.channels import local
from bot.config import DEV_CHANNEL_SECRET, Config
from bot.errors import ConfigError
from bot.events import Button, Card, Text
from db.models import InboundEvent, LocalMessage, local_now
from db.session import Session, upgrade

CHROMIUM = Path("/usr/bin/chromium")


def dev_config(tmp_path: Path, jobs_mode: str = "eager") -> Config:
    """Development as `make run` has it: no LINE access token, the dev channel secret."""
    return Config(
        database_url=f"sqlite:///{tmp_path / 'kyojo.sqlite'}",
        jobs_mode=jobs_mode,
        line_channel_secret=DEV_CHANNEL_SECRET,
    )


def start_dev_app(config: Config):
    """The app on a migrated database with the demo data."""
    app = create_app(config)
    upgrade(runtime.current().engine)
    with Session.begin() as session:
        demo.load(session, local_now())
    return app


@pytest.fixture
def client(tmp_path):
    return start_dev_app(dev_config(tmp_path)).test_client()


def say(client, user: str, kind: str, **fields) -> list[dict]:
    """Do something on the page as `user`; what the bot said back (LINE message objects)."""
    before = client.get(f"/dev/chat/api/messages?user={user}").get_json()
    answer = client.post("/dev/chat/api/send", json={"user": user, "kind": kind, **fields})
    assert answer.status_code == 200
    after = client.get(f"/dev/chat/api/messages?user={user}&after={before[-1]['id'] if before else 0}")
    return [m for row in after.get_json() if row["kind"] == "bot" for m in row["messages"]]


def newcomer(client, name: str, language: str = "ja") -> str:
    """A new made-up person, made on the page; their LINE user id."""
    person = client.post("/dev/chat/api/residents", json={"name": name, "language": language})
    assert person.status_code == 201
    return person.get_json()["user_id"]


def quick_replies(messages: list[dict]) -> dict[str, str]:
    """label -> postback data of the last message's quick replies."""
    items = messages[-1].get("quickReply", {}).get("items", [])
    return {item["action"]["label"]: item["action"]["data"] for item in items}


def test_a_new_resident_follows_and_the_event_goes_through_callback(client):
    user = newcomer(client, "テスト 太郎")
    got = say(client, user, "follow")
    assert "テスト 太郎さん、友だち追加ありがとうございます" in got[0]["text"]
    assert {"緑ケ丘", "八幡", "井手川", "小倉", "黒崎"} <= set(quick_replies(got))
    with Session() as session:
        stored = session.scalars(select(InboundEvent).where(InboundEvent.platform == "line")).all()
    assert [(e.event_type, e.payload["source"]["userId"], e.status) for e in stored] == [("follow", user, "done")]


def test_pressing_a_district_then_asking_how_it_works(client):
    user = newcomer(client, "テスト 次郎")
    buttons = quick_replies(say(client, user, "follow"))
    got = say(client, user, "postback", data=buttons["八幡"], text="八幡")
    assert "八幡で登録しました" in got[0]["text"]
    got = say(client, user, "text", text="使い方を教えて")
    assert "使い方はかんたんです" in got[0]["text"]
    assert "使い方" in quick_replies(got)
    people = {p["user_id"]: p for p in client.get("/dev/chat/api/residents").get_json()}
    assert people[user]["district"] == "八幡"


def test_the_page_shows_what_the_person_did(client):
    user = demo.demo()["residents"][1]["user_id"]
    say(client, user, "text", text="こんにちは")
    rows = client.get(f"/dev/chat/api/messages?user={user}").get_json()
    assert rows[0] == {
        "id": rows[0]["id"],
        "kind": "person",
        "event": "text",
        "text": "こんにちは",
        "data": None,
        "label": None,
    }
    assert rows[1]["kind"] == "bot"


def test_a_body_signed_with_another_secret_is_refused(client):
    body = local.webhook_body("Udemo0000000000000000000000000001", "follow")
    answer = client.post(
        "/callback", data=body, headers={"X-Line-Signature": local.signature(body, "not-the-channel-secret")}
    )
    assert answer.status_code == 400


def test_a_retried_send_shows_once_and_a_multicast_reaches_each(client):
    channel = runtime.current().channels["line"]
    hello = [Text("お知らせです", (Button("見ました", "circular.read:1"),))]
    channel.send("Ua", hello, reply_token=None, retry_key="k1")
    channel.send("Ua", hello, reply_token=None, retry_key="k1")
    channel.multicast(["Ua", "Ub"], hello, retry_key="k2")
    with Session() as session:
        rows = session.scalars(select(LocalMessage).order_by(LocalMessage.id)).all()
    assert [row.user_id for row in rows] == ["Ua", "Ua", "Ub"]
    assert rows[0].payload["messages"][0]["quickReply"]["items"][0]["action"]["data"] == "circular.read:1"


def test_production_has_no_chat_page(tmp_path):
    config = dev_config(tmp_path).with_(
        production=True, line_channel_access_token="token", secret_key="production-secret"
    )
    assert create_app(config).test_client().get("/dev/chat").status_code == 404


def test_the_dev_secret_is_never_used_in_production():
    assert Config.from_env({}).line_channel_secret == DEV_CHANNEL_SECRET
    with pytest.raises(ConfigError, match="LINE_CHANNEL_SECRET"):
        Config.from_env({"KYOJO_ENV": "production", "LINE_CHANNEL_ACCESS_TOKEN": "t", "SECRET_KEY": "s"})


# -- In a real browser ---------------------------------------------------------------------


@pytest.fixture
def served(tmp_path):
    """The development app on a free local port, jobs in background threads as with `make run`."""
    from werkzeug.serving import make_server

    app = start_dev_app(dev_config(tmp_path, jobs_mode="thread"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def page(served):
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium (`make test` installs it with apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 900, "height": 1400}, locale="ja-JP")
        page.set_default_timeout(20_000)
        page.goto(f"{served}/dev/chat")
        yield page
        browser.close()


def test_chatting_in_the_browser(page):
    from playwright.sync_api import expect

    page.get_by_text("新しい住民をつくる").click()
    page.get_by_label("名前").fill("ブラウザ 花子")
    page.get_by_role("button", name="つくる").click()
    expect(page.locator("#speaker option:checked")).to_contain_text("ブラウザ 花子")
    page.get_by_role("button", name="友だち追加する").click()
    expect(page.locator("#log")).to_contain_text("ブラウザ 花子さん、友だち追加ありがとうございます")
    page.locator("#quick").get_by_role("button", name="緑ケ丘").click()
    expect(page.locator("#log")).to_contain_text("緑ケ丘で登録しました")
    page.get_by_label("メッセージ").fill("使い方を教えて")
    page.get_by_role("button", name="送信").click()
    expect(page.locator("#log")).to_contain_text("使い方はかんたんです")
    page.locator("#quick").get_by_role("button", name="使い方").click()
    expect(page.locator("#log .bot", has_text="使い方はかんたんです")).to_have_count(2)
    page.screenshot(path="/tmp/chat.png", full_page=True)


def test_speaking_as_a_demo_resident_in_the_browser(page):
    from playwright.sync_api import expect

    tanaka = demo.demo()["residents"][0]
    for _ in range(3):  # choosing the same person again must not show their messages twice
        page.locator("#speaker").select_option(tanaka["user_id"])
    page.get_by_label("メッセージ").fill("ありがとうございました")
    page.get_by_role("button", name="送信").click()
    expect(page.locator("#log .person")).to_contain_text("ありがとうございました")
    expect(page.locator("#log .bot")).to_have_count(1)
    page.wait_for_timeout(1500)  # a few polls later, still once
    expect(page.locator("#log li")).to_have_count(2)
    assert json.loads(page.evaluate("JSON.stringify(localStorage)"))["kyojo.user"] == tanaka["user_id"]


def test_a_card_and_its_button_in_the_browser(page):
    from playwright.sync_api import expect

    tanaka = demo.demo()["residents"][0]["user_id"]
    card = Card(
        "回覧板：夏祭りのお知らせ",
        "8月3日（土）18時から、緑ケ丘公園で夏祭りがあります。",
        (Button("使い方", "menu.usage", "使い方"),),
    )
    runtime.current().channels["line"].send(tanaka, [card], reply_token=None, retry_key="card-1")
    page.locator("#speaker").select_option(tanaka)
    bubble = page.locator("#log .card")
    expect(bubble).to_contain_text("回覧板：夏祭りのお知らせ")
    expect(bubble).to_contain_text("緑ケ丘公園で夏祭り")
    bubble.get_by_role("button", name="使い方").click()
    expect(page.locator("#log .bot").last).to_contain_text("使い方はかんたんです")
    page.screenshot(path="/tmp/chat-card.png", full_page=True)
