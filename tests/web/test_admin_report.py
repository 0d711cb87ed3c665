"""The monthly activity report: a printable page and the same as a PDF with Japanese in it."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from bot.web import report_data
from tests.web.test_admin import log_in
from tests.web.test_admin_chart import client, district  # noqa: F401  (the chart's fixtures)


def test_the_report_of_a_month_counts_what_happened_in_it(app, client, district):  # noqa: F811
    midori, admin, now = district
    log_in(client, app, admin.id)
    page = client.get(f"/admin/d/{midori.id}/report?month={now:%Y-%m}").get_data(as_text=True)
    assert f"{now.year}年{now.month}月" in page
    assert "依頼 8件（手伝えた 2件、見つからず 4件、送った後の取り消し 1件）" in page
    assert "お手伝い 1.5時間、経験マスターの教室 3.0時間。活動したサポーター 1人、経験マスター 1人。" in page
    circulars = page.split("<h2>回覧板</h2>")[1].split("</section>")[0]
    assert "<td>4</td><td>3</td><td>75%</td>" in circulars
    safety = page.split("<h2>安否確認</h2>")[1].split("</section>")[0]
    assert "<td>4</td><td>2</td><td>50%</td><td>0</td>" in safety


def test_the_report_opens_on_last_month_and_refuses_no_month(app, client, district):  # noqa: F811
    midori, admin, now = district
    log_in(client, app, admin.id)
    page = client.get(f"/admin/d/{midori.id}/report").get_data(as_text=True)
    last = report_data.next_month(f"{now:%Y-%m}", -1)
    assert f"{int(last[:4])}年{int(last[5:])}月" in page and "依頼 0件" in page
    assert "次の月" in page  # this month can be chosen next
    for wrong in ("2026-13", "next", "9999-01"):
        assert client.get(f"/admin/d/{midori.id}/report?month={wrong}").status_code == 200


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed (make test does)")
def test_the_pdf_has_the_report_in_japanese_on_one_page(app, client, district, tmp_path):  # noqa: F811
    midori, admin, now = district
    log_in(client, app, admin.id)
    answer = client.get(f"/admin/d/{midori.id}/report.pdf?month={now:%Y-%m}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert "attachment" in answer.headers["Content-Disposition"]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(answer.data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "緑ケ丘の活動報告" in text and "依頼 8件" in text and "75%" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "yes" in fonts.splitlines()[-1].split()  # the Japanese font is embedded
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page.png").stat().st_size > 10_000  # drawn, not an empty page


def test_another_districts_report_is_refused(app, client, district, session):  # noqa: F811
    from tests import factories

    midori, admin, _ = district
    other = factories.district(session, "井手川")
    session.commit()
    log_in(client, app, admin.id)
    assert client.get(f"/admin/d/{other.id}/report").status_code == 403
    assert client.get(f"/admin/d/{other.id}/report.pdf").status_code == 403
