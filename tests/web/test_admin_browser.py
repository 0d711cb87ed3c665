"""Every admin page in a real Chromium, on a phone and at a desk, with data in it.

axe-core finds no serious or critical WCAG 2.1 AA problem; nothing scrolls sideways at 360 px;
text is at least 16 px and tap targets at least 44 px on a phone. Screenshots of every page at
both widths are saved in tests/web/screenshots/ for a person to look at.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot import admin_link
from bot.circulars import deliveries
from db.models import Circular, Delivery, District, HelpRequest, Resident, local_now
from db.session import Session
from tests.web import browser
from tests.web.test_chat_page import dev_config, start_dev_app


@dataclass(frozen=True)
class Site:
    """The served demo town: its address, the admin's sign-in path and the pages to visit."""

    base: str
    admin_id: int
    staff_id: int
    secret: str
    pages: dict[str, str]
    staff_pages: dict[str, str]

    @property
    def login(self) -> str:
        """A fresh sign-in path: a link opens one session only."""
        return f"/admin/login/{admin_link.make_token(self.secret, self.admin_id)}"

    @property
    def staff_login(self) -> str:
        """The same for the demo city staff member (地区担当職員) of 荒尾市."""
        return f"/admin/login/{admin_link.make_token(self.secret, self.staff_id)}"


def add_town_life(session) -> dict[str, int]:
    """What the demo data lacks for every page to show something: a safety check with
    answers and a draft circular. The ids the pages need."""
    midori = session.scalar(select(District).where(District.name == "緑ケ丘"))
    admin = session.scalar(select(Resident).where(Resident.display_name.like("小林%")))
    now = local_now()
    check = Circular(
        district_id=midori.id,
        author_id=admin.id,
        kind="safety_check",
        title="地震の安否確認",
        status="sent",
        created_at=now,
        sent_at=now,
    )
    draft = Circular(
        district_id=midori.id,
        author_id=admin.id,
        title="防災訓練のお知らせ",
        body="12月7日（日）9時、公民館に集合です。\n持ち物：タオル、飲み物",
        status="draft",
        needs_confirmation=True,
        translations={"en": {"title": "Disaster drill", "body": ""}},
    )
    session.add_all([check, draft])
    session.flush()
    people = session.scalars(select(Resident).where(Resident.district_id == midori.id)).all()
    deliveries.record_sent(session, check.id, [p.id for p in people[:5]], now)
    for person, answer in zip(people, ["safe", "need_help", None, None, None]):
        session.add(
            Delivery(
                circular_id=check.id,
                resident_id=person.id,
                status="sent",
                sent_at=now,
                answer=answer,
                answered_at=now if answer else None,
                confirmed_at=now if answer else None,
            )
        )
    unmet = session.scalar(
        select(HelpRequest.id).where(HelpRequest.district_id == midori.id, HelpRequest.status == "unmet")
    )
    done = session.scalar(
        select(HelpRequest.id).where(HelpRequest.district_id == midori.id, HelpRequest.status == "done")
    )
    circular = session.scalar(
        select(Circular.id).where(
            Circular.district_id == midori.id, Circular.kind == "circular", Circular.status == "sent"
        )
    )
    staff = session.scalar(select(Resident).where(Resident.display_name.like("村上%")))
    yawata = session.scalar(select(District.id).where(District.name == "八幡"))
    return {
        "district": midori.id,
        "admin": admin.id,
        "check": check.id,
        "draft": draft.id,
        "unmet": unmet,
        "done": done,
        "circular": circular,
        "staff": staff.id,
        "yawata": yawata,
    }


def page_paths(ids: dict[str, int], report_month: str) -> dict[str, str]:
    """name -> path of every admin page, the district's pages in 緑ケ丘 (the report of `report_month`)."""
    d = f"/admin/d/{ids['district']}"
    return {
        "home": "/admin/",
        "requests": f"{d}/",
        "requests-unmet": f"{d}/?status=unmet",
        "requests-done": f"{d}/?status=done",
        "request-unmet": f"{d}/requests/{ids['unmet']}",
        "request-done": f"{d}/requests/{ids['done']}",
        "helpers": f"{d}/helpers",
        "circulars": f"{d}/circulars",
        "circular": f"{d}/circulars/{ids['circular']}",
        "safety-check": f"{d}/circulars/{ids['check']}",
        "compose": f"{d}/circular/new",
        "compose-safety": f"{d}/safety/new",
        "preview": f"{d}/circulars/{ids['draft']}/preview",
        "represented": f"{d}/represented",
        "teaching": f"{d}/teaching",
        "chart": f"{d}/chart",
        "report": f"{d}/report?month={report_month}",
        "watch": f"{d}/watch",
        "support": f"{d}/support",
        "not-found": f"{d}/requests/999999",
    }


def staff_paths(ids: dict[str, int]) -> dict[str, str]:
    """name -> path of the pages city staff see that a district's admin does not."""
    return {
        "staff-home": "/admin/",
        "staff-districts": "/admin/districts",
        "staff-setup": f"/admin/d/{ids['district']}/setup",
        "staff-requests-yawata": f"/admin/d/{ids['yawata']}/",
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The development app with the demo town, served on a free port for this module's tests."""
    app = start_dev_app(dev_config(tmp_path_factory.mktemp("admin-browser"), jobs_mode="thread"))
    with Session.begin() as session:
        ids = add_town_life(session)
        # The report of the month the demo's 大雨 check was sent in (three days ago: on the 1st to
        # the 3rd of a month, the month before), whose numbers the report tests read.
        rain = session.scalar(select(Circular.sent_at).where(Circular.title == "大雨の安否確認"))
    pages = page_paths(ids, f"{rain:%Y-%m}")
    with browser.serving(app) as base:
        yield Site(base, ids["admin"], ids["staff"], app.config["SECRET_KEY"], pages, staff_paths(ids))


@pytest.fixture(scope="module")
def chromium():
    with browser.chromium() as launched:
        yield launched


def signed_in(chromium, site: Site, width: int, staff: bool = False):
    """A new phone- or desk-sized tab, signed in as the demo district chair (or city staff)."""
    context = chromium.new_context(
        viewport={"width": width, "height": 844 if width < 500 else 900}, locale="ja-JP", device_scale_factor=1
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(site.base + (site.staff_login if staff else site.login))
    page.get_by_role("button", name="管理画面を開く").click()  # the link's page: one tap to open
    return page


def every_page(chromium, site: Site, width: int, check) -> dict[str, object]:
    """Visit every admin page at this width, then city staff's own; what `check(page, name)`
    found, by page name."""
    found = {}
    for staff, pages in ((False, site.pages), (True, site.staff_pages)):
        page = signed_in(chromium, site, width, staff)
        for name, path in pages.items():
            page.goto(site.base + path)
            if result := check(page, name):
                found[name] = result
        page.context.close()
    return found


@pytest.mark.parametrize("width", [browser.PHONE, browser.DESKTOP])
def test_every_admin_page_has_no_serious_accessibility_problem(chromium, site, width):
    def check(page, name):
        browser.screenshot(page, f"admin-{name}-{width}")
        return browser.axe_problems(page)

    assert every_page(chromium, site, width, check) == {}


def test_no_admin_page_scrolls_sideways_on_a_narrow_phone(chromium, site):
    def check(page, name):
        overflow = browser.sideways_overflow(page)
        if overflow:
            browser.screenshot(page, f"admin-{name}-{browser.NARROW_PHONE}")
        return overflow

    assert every_page(chromium, site, browser.NARROW_PHONE, check) == {}


def test_on_a_phone_text_is_large_and_every_button_easy_to_tap(chromium, site):
    def check(page, _name):
        return browser.small_text(page) + browser.small_targets(page)

    assert every_page(chromium, site, browser.PHONE, check) == {}


def test_a_district_chair_sends_a_circular_from_the_chat_link_on_a_phone(chromium, site):
    from playwright.sync_api import expect

    page = signed_in(chromium, site, browser.PHONE)  # the link from the chat, opened on a phone
    taps = [
        page.get_by_role("link", name="緑ケ丘"),
        page.get_by_role("link", name="回覧板・安否確認"),
        page.get_by_role("link", name="回覧板を作る"),
    ]
    for tap in taps:
        tap.click()
    page.get_by_label("件名 必須").fill("ごみ当番の交代")
    page.get_by_label("本文", exact=True).fill("来週のごみ当番は\n2班にかわります。")
    page.get_by_role("button", name="確認画面へ進む").click()
    expect(page.locator(".bubble").first).to_contain_text("2班にかわります")
    browser.screenshot(page, "admin-send-preview-390")
    page.get_by_role("button", name="送信", exact=True).click()
    expect(page.locator(".notice")).to_contain_text("送信を受け付けました")
    expect(page.locator("h1")).to_have_text("ごみ当番の交代")
    assert browser.sideways_overflow(page) == 0
    with Session() as session:
        sent = session.scalar(select(Circular).where(Circular.title == "ごみ当番の交代"))
        assert sent.status in ("sending", "sent") and sent.body == "来週のごみ当番は\n2班にかわります。"
    page.context.close()


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils is not installed (make test does)")
def test_the_monthly_report_pdf_is_drawn_with_japanese_text(chromium, site, tmp_path):
    page = signed_in(chromium, site, browser.DESKTOP)
    page.goto(site.base + site.pages["report"])
    with page.expect_download() as download:
        page.get_by_role("link", name="PDFで保存").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    page.context.close()
    browser.SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(browser.SCREENSHOTS / "admin-report-pdf")],
        check=True,
    )
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "緑ケ丘の活動報告" in text and "大雨の安否確認" in text


@pytest.mark.parametrize("width", [browser.PHONE, browser.DESKTOP])
def test_the_reports_numbers_are_cards_on_a_phone_and_a_table_at_a_desk(chromium, site, width):
    page = signed_in(chromium, site, width)
    page.goto(site.base + site.pages["report"])
    tables, cards = page.locator("table.report-table"), page.locator("ul.number-cards")
    assert tables.count() and cards.count()
    phone = width < 720
    assert all(cards.nth(i).is_visible() == phone for i in range(cards.count()))
    assert all(tables.nth(i).is_visible() != phone for i in range(tables.count()))
    if phone:
        assert "大雨の安否確認" in cards.last.inner_text()
        assert (
            page.evaluate(
                "Math.max(...[...document.querySelectorAll('.number-cards')].map(e => e.scrollWidth - e.clientWidth))"
            )
            == 0
        )
    page.context.close()


def test_a_sign_in_links_page_is_accessible_and_opens_the_admin_pages_with_one_tap(chromium, site):
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": browser.PHONE, "height": 844}, locale="ja-JP")
    page = context.new_page()
    page.goto(site.base + site.login)
    assert browser.axe_problems(page) == [] and browser.sideways_overflow(page) == 0
    browser.screenshot(page, "admin-login-390")
    page.get_by_role("button", name="管理画面を開く").click()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()  # signed in
    context.close()


def test_city_staff_switch_between_their_districts_on_a_phone(chromium, site):
    from playwright.sync_api import expect

    page = signed_in(chromium, site, browser.PHONE, staff=True)
    expect(page.locator(".who")).to_contain_text("地区担当職員")
    for name in ("緑ケ丘", "八幡", "井手川"):
        page.goto(site.base + "/admin/")
        page.get_by_role("link", name=name, exact=True).click()
        expect(page.locator(".district")).to_have_text(f"地区：{name}")
    page.goto(site.base + "/admin/")
    assert "小倉" not in page.content() and "黒崎" not in page.content()
    page.get_by_role("link", name="担当地区の設定").click()
    page.get_by_role("link", name="八幡を編集する").click()
    page.get_by_label("よみがな").fill("やはた")
    page.get_by_role("button", name="保存する").click()
    expect(page.locator(".notice")).to_contain_text("八幡を保存しました")
    browser.screenshot(page, "admin-staff-saved-390")
    assert browser.sideways_overflow(page) == 0
    page.context.close()
