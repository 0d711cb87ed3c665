"""The local chat page sends what LINE's app can: several lines, a sticker, a photo and a place.

Each goes to /callback as the body LINE's reference documents (checked against LINE's webhook
schema and its documented examples); a photo is fetched back by the bot through LINE's content
API call, served by the page at <PUBLIC_URL>/dev/chat/line-data/v2/bot/message/<id>/content.
Then the same in a real Chromium on a 390 px phone: accessible, nothing sideways at 360 px.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot import demo
from bot.channels import local
from db.models import InboundEvent, Search
from db.session import Session
from tests.line_spec import SCHEMA_PREFIX, SpecValidator, _with_discriminators
from tests.web import browser
from tests.web.test_chat_page import dev_config, start_dev_app

SPEC = Path(__file__).resolve().parents[1] / "channels" / "line_openapi"
TANAKA = demo.demo()["residents"][0]["user_id"]


def documented(name: str) -> dict:
    """The message of one of LINE's documented webhook examples."""
    return json.loads((SPEC / "webhook-examples" / name).read_text())["body"]["events"][0]["message"]


def schema_problems(event: dict) -> list[str]:
    """What LINE's webhook schema (webhook.yml) finds wrong with a body holding this event."""
    spec = yaml.safe_load((SPEC / "webhook.yml").read_text())
    spec["components"]["schemas"] = _with_discriminators(spec["components"]["schemas"])
    validator = SpecValidator({"components": spec["components"], "$ref": SCHEMA_PREFIX + "CallbackRequest"})
    body = {"destination": local.DESTINATION, "events": [event]}
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]


def photo_bytes(color=(200, 80, 40)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The development app served on a port it knows (the bot fetches photos from it)."""
    port = browser.free_port()
    config = dev_config(tmp_path_factory.mktemp("chat-media")).with_(public_url=f"http://127.0.0.1:{port}")
    app = start_dev_app(config)
    with browser.serving(app, port) as base:
        yield app, base


@pytest.fixture
def client(site):
    return site[0].test_client()


def send(client, kind: str, **fields) -> list[dict]:
    """Do something on the page as 田中 花子; what the bot said back (LINE message objects)."""
    before = client.get(f"/dev/chat/api/messages?user={TANAKA}").get_json()
    answer = client.post("/dev/chat/api/send", json={"user": TANAKA, "kind": kind, **fields})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    after = client.get(f"/dev/chat/api/messages?user={TANAKA}&after={before[-1]['id'] if before else 0}")
    return [m for row in after.get_json() if row["kind"] == "bot" for m in row["messages"]]


def last_event() -> dict:
    with Session() as session:
        return session.scalars(select(InboundEvent).order_by(InboundEvent.id.desc())).first().payload


@pytest.mark.parametrize(
    "kind, fields, example",
    [
        ("sticker", {"sticker": "thanks"}, "09_sticker.json"),
        (
            "location",
            {"title": "荒尾市役所", "address": "熊本県荒尾市宮内出目390", "latitude": 32.98675, "longitude": 130.43335},
            "08_location.json",
        ),
        ("image", {"content_type": "image/jpeg", "image": base64.b64encode(photo_bytes()).decode()}, "03_image.json"),
        ("text", {"text": "明日の朝\nゴミ出しを\nお願いできますか"}, None),
    ],
)
def test_each_kind_reaches_the_webhook_as_line_documents_it_and_gets_an_answer(client, kind, fields, example):
    answer = send(client, kind, **fields)
    assert answer and any(m.get("text") or m.get("altText") for m in answer)  # never silence
    event = last_event()
    assert schema_problems(event) == []
    assert event["type"] == "message" and event["message"]["type"] == kind
    if example:  # the same fields as LINE's own example (an image alone has no imageSet)
        assert set(event["message"]) == set(documented(example)) - {"imageSet"}
    if kind == "location":
        assert (event["message"]["latitude"], event["message"]["address"]) == (32.98675, "熊本県荒尾市宮内出目390")
    if kind == "text":
        assert event["message"]["text"] == "明日の朝\nゴミ出しを\nお願いできますか"


def test_a_photo_sent_for_a_search_is_fetched_by_the_bot_through_lines_content_api(client):
    send(client, "text", text="行方不明の家族を探してください")
    send(client, "text", text="父です。80歳、白髪\n紺色のジャンパー")
    asked = send(client, "text", text="今朝9時ごろ、荒尾駅の近く")
    assert any("写真" in (m.get("text") or "") for m in asked)
    photo = photo_bytes((10, 120, 200))
    preview = send(client, "image", content_type="image/jpeg", image=base64.b64encode(photo).decode())
    assert preview
    with Session() as session:
        search = session.scalars(select(Search).order_by(Search.id.desc())).first()
        assert search.photo == photo and search.photo_type == "image/jpeg"
        assert search.description == "父です。80歳、白髪\n紺色のジャンパー"
    rows = client.get(f"/dev/chat/api/messages?user={TANAKA}").get_json()
    shown = [row for row in rows if row.get("event") == "image"][-1]
    assert "content" not in shown  # the page lists it by its URL, not its bytes
    assert client.get(shown["src"]).get_data() == photo


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "sticker", "sticker": "not-a-sticker"},
        {"kind": "image", "content_type": "image/jpeg", "image": "not base64!"},
        {"kind": "image", "content_type": "text/html", "image": base64.b64encode(b"<p>").decode()},
        {"kind": "image", "content_type": "image/jpeg", "image": base64.b64encode(b"x" * 720_000).decode()},
        {"kind": "location", "latitude": "north", "longitude": 130.4},
        {"kind": "location", "latitude": 95, "longitude": 130.4},
        {"kind": "location", "latitude": float("nan"), "longitude": 130.4},
    ],
)
def test_what_line_could_not_send_is_refused_by_the_page(client, fields):
    assert client.post("/dev/chat/api/send", json={"user": TANAKA, **fields}).status_code == 400


def test_an_unknown_photo_id_is_not_found(client):
    assert client.get(f"{local.CONTENT_PATH}/v2/bot/message/123456789012345678/content").status_code == 404


# -- in a real browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    with browser.chromium() as launched:
        yield launched


def chat_page(chromium, base: str, width: int):
    context = chromium.new_context(
        viewport={"width": width, "height": 844 if width < 500 else 900}, locale="ja-JP", device_scale_factor=1
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    made = page.request.post(f"{base}/dev/chat/api/residents", data={"name": f"画面 太郎{width}"})
    page.goto(f"{base}/dev/chat")
    page.locator("#speaker").select_option(made.json()["user_id"])  # a new person: an empty conversation
    return page


def test_on_a_phone_several_lines_a_sticker_a_place_and_a_photo(chromium, site, tmp_path):
    from playwright.sync_api import expect

    page = chat_page(chromium, site[1], browser.PHONE)
    box = page.get_by_label("メッセージ")
    box.click()
    box.type("ありがとうございました")
    box.press("Enter")  # a new line, not sent
    box.type("助かりました")
    expect(page.locator("#log .person")).to_have_count(0)
    box.press("Control+Enter")
    said = page.locator("#log .person .bubble").last
    expect(said).to_have_text("ありがとうございました\n助かりました")
    assert said.evaluate("e => e.getClientRects().length && e.offsetHeight") > 50  # two lines shown
    expect(page.locator("#log .bot")).to_have_count(1)
    composer = page.locator(".composer").bounding_box()
    assert composer["y"] + composer["height"] <= 844 + 1  # the input is on the screen after a reply

    page.get_by_role("button", name="スタンプ").click()
    page.get_by_role("button", name="ありがとう", exact=True).click()
    expect(page.locator("#log .person").last).to_contain_text("スタンプ：ありがとう")
    expect(page.locator("#log .bot")).to_have_count(2)

    page.get_by_role("button", name="位置情報").click()
    page.get_by_label("送る場所").select_option(label="荒尾駅")
    page.get_by_role("button", name="この場所を送る").click()
    expect(page.locator("#log .person").last).to_contain_text("熊本県荒尾市大正町1丁目")
    expect(page.locator("#log .bot")).to_have_count(3)

    picture = tmp_path / "photo.jpg"
    picture.write_bytes(photo_bytes())
    page.locator("#photo").set_input_files(str(picture))
    shown = page.locator("#log .person img.photo").last
    expect(shown).to_be_visible()
    assert shown.evaluate("img => img.complete && img.naturalWidth") == 64
    expect(page.locator("#log .bot")).to_have_count(4)
    browser.screenshot(page, "chat-media-390")
    assert browser.axe_problems(page) == []
    page.context.close()


def test_a_card_shows_its_line_breaks(chromium, site):
    from playwright.sync_api import expect

    from bot import runtime
    from bot.events import Button, Card

    card = Card(
        "回覧板：防災訓練",
        "12月7日（日）9時\n公民館に集合です。\n持ち物：タオル、飲み物",
        (Button("使い方", "menu.usage", "使い方"),),
    )
    page = chat_page(chromium, site[1], browser.PHONE)
    user = page.locator("#speaker").input_value()
    runtime.current().channels["line"].send(user, [card], reply_token=None, retry_key="card-lines")
    body = page.locator("#log .card .bubble-text", has_text="公民館に集合です")
    expect(body).to_be_visible()
    assert body.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    assert body.evaluate("e => e.offsetHeight") > 60  # three lines, not one
    browser.screenshot(page, "chat-card-390")
    page.context.close()


@pytest.mark.parametrize("width", [browser.PHONE, browser.DESKTOP])
def test_the_chat_page_has_no_serious_accessibility_problem(chromium, site, width):
    page = chat_page(chromium, site[1], width)
    page.get_by_role("button", name="スタンプ").click()  # the stickers open
    problems = browser.axe_problems(page)
    page.get_by_role("button", name="位置情報").click()  # the places instead
    browser.screenshot(page, f"chat-{width}")
    assert problems + browser.axe_problems(page) == []
    page.context.close()


def test_the_chat_page_does_not_scroll_sideways_on_a_narrow_phone(chromium, site):
    page = chat_page(chromium, site[1], browser.NARROW_PHONE)
    page.get_by_role("button", name="位置情報").click()
    overflow = browser.sideways_overflow(page)
    browser.screenshot(page, f"chat-{browser.NARROW_PHONE}")
    assert overflow == 0
    page.context.close()
