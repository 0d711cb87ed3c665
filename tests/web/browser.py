"""A real Chromium for page tests: accessibility (axe-core), width on a phone, screenshots.

axe-core is vendored under tests/web/vendor/axe-core (its MPL-2.0 licence beside it), so the
tests need no network. Screenshots go to tests/web/screenshots/ (git ignores it) to be looked at.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PHONE, NARROW_PHONE, DESKTOP = 390, 360, 1280
BLOCKING = ("serious", "critical")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def free_port() -> int:
    """A local port nobody listens on now (for an app that must know its own address)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(app, port: int = 0):
    """The app on a local port (a free one unless given) in a background thread; its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@contextmanager
def chromium():
    """A launched Chromium (the test is skipped where there is none)."""
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium (`make test` installs it with apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_problems(page) -> list[str]:
    """The serious and critical WCAG 2.1 AA violations axe-core finds on the page, described."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # from outside: the pages' CSP allows no inline script
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def sideways_overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when nothing scrolls sideways)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def small_text(page) -> list[str]:
    """Visible text set smaller than 16 px (its tag and first words)."""
    return page.evaluate("""() => {
      const found = [];
      for (const el of document.querySelectorAll('body *')) {
        const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        if (!own || !el.getClientRects().length) continue;
        if (parseFloat(getComputedStyle(el).fontSize) < 16)
          found.push(el.tagName + ': ' + el.textContent.trim().slice(0, 20));
      }
      return found;
    }""")


def small_targets(page) -> list[str]:
    """Links, buttons and fields smaller than 44 px tall (a radio button counts with its label)."""
    return page.evaluate("""() => {
      const found = [];
      for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
        const box = el.getBoundingClientRect();
        if (!box.width) continue;
        if (el.type === 'hidden') continue;
        const radio = el.type === 'radio' || el.type === 'checkbox';
        const target = radio ? (el.closest('label') || el).getBoundingClientRect() : box;
        if (target.height < 44) found.push(el.tagName + ' ' + (el.textContent || el.name).trim().slice(0, 20)
                                        + ' ' + Math.round(target.height) + 'px');
      }
      return found;
    }""")


def screenshot(page, name: str) -> Path:
    """Save the whole page as tests/web/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
