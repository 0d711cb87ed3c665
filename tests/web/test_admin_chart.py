"""The district chart (地域カルテ): what really happened, month by month, as bars, tables and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from bot import runtime
from bot.timebank import ledger
from bot.circulars import deliveries
from db.models import Circular, Delivery, Task, local_now
from tests import factories
from tests.web.test_admin import log_in


@pytest.fixture
def client(app):
    return app.test_client()


def month_label(moment) -> str:
    return f"{moment.year}年{moment.month}月"


@pytest.fixture
def district(session):
    """緑ケ丘 this month: requests in every state, a class, a circular and a safety check."""
    midori = factories.district(session, "緑ケ丘")
    yawata = factories.district(session, "八幡")
    admin = factories.admin(session, midori, display_name="田中")
    asker = factories.resident(session, district=midori, display_name="山田")
    helper = factories.helper(session, district=midori, display_name="鈴木")
    master = factories.helper(session, district=midori, display_name="大工の佐藤", experience="大工を40年")
    now = local_now().replace(day=1, hour=10) + timedelta(days=1)
    for status, offer_round in [
        ("draft", 0),
        ("cancelled", 0),
        ("cancelled", 1),
        ("unmet", 1),
        ("open", 1),
        ("assigned", 1),
    ]:
        factories.help_request(
            session, asker, "garden", status=status, offer_round=offer_round, created_at=now, summary="庭の草取り"
        )
    done = factories.help_request(session, asker, "garbage", status="done", offer_round=1, created_at=now)
    session.add(
        Task(
            request_id=done.id,
            helper_id=helper.id,
            accepted_at=now + timedelta(minutes=30),
            done_at=now + timedelta(hours=2),
            minutes=90,
        )
    )
    for text in ["空き家の草が伸びて困っています", "隣の空き家に猫がいる", "電球を替えてほしい"]:
        factories.help_request(session, asker, "other", status="unmet", offer_round=1, created_at=now, text=text)
    factories.help_request(
        session, factories.resident(session, district=yawata), "garden", status="unmet", offer_round=1, created_at=now
    )
    ledger.teach(session, master.id, midori.id, 3, 60, admin.id, config=runtime.current().config)
    add_sent(session, midori, admin, "circular", now, confirmed=3, of=4)
    add_sent(session, midori, admin, "safety_check", now, confirmed=2, of=4)
    session.add(Circular(district_id=midori.id, author_id=admin.id, title="下書き", status="draft"))
    session.commit()
    return midori, admin, now


def add_sent(session, district, admin, kind, at, confirmed: int, of: int) -> None:
    """A circular or safety check sent to `of` people, `confirmed` of whom confirmed or answered."""
    circular = Circular(
        district_id=district.id,
        author_id=admin.id,
        kind=kind,
        title=kind,
        status="sent",
        sent_at=at,
        needs_confirmation=kind == "circular",
    )
    session.add(circular)
    session.flush()
    people = [factories.resident(session, district=district) for _ in range(of)]
    deliveries.record_sent(session, circular.id, [p.id for p in people], at)
    for n, person in enumerate(people):
        answered = n < confirmed
        session.add(
            Delivery(
                circular_id=circular.id,
                resident_id=person.id,
                status="sent",
                sent_at=at,
                confirmed_at=at if answered else None,
                answer="safe" if answered and kind == "safety_check" else None,
            )
        )


def bar(page: str, chart: str, label: str) -> str:
    """The value written beside the bar `label` of one chart section."""
    section = page.split(f'id="chart-{chart}"')[1].split("</section>")[0]
    return re.search(rf'data-label="{re.escape(label)}" data-value="([^"]+)"', section).group(1)


def test_the_chart_counts_what_was_sent_never_drafts(app, client, district):
    midori, admin, now = district
    log_in(client, app, admin.id)
    page = client.get(f"/admin/d/{midori.id}/chart").get_data(as_text=True)
    month = month_label(now)
    # sent: cancelled after sending, unmet, open, assigned, done, three "other" unmet = 8
    assert bar(page, "requests", month) == "8"
    assert bar(page, "per_category", "庭の手入れ") == "4"  # not the draft nor the dropped draft
    assert bar(page, "unmet_rate", month) == "80"  # 4 unmet of 5 closed (done or unmet)
    assert bar(page, "first_accept", month) == "30"  # minutes until 鈴木 took it
    assert bar(page, "hours", month) == "4.5"  # 1.5 h of help and a 3 x 60 min class
    assert bar(page, "active", month) == "1"  # 鈴木 helped; the master taught
    assert bar(page, "circular_reads", month) == "75"
    assert bar(page, "safety_answers", month) == "50"


def test_unmet_needs_and_requests_that_fit_no_kind_are_listed_by_theme(app, client, district):
    midori, admin, _ = district
    log_in(client, app, admin.id)
    page = client.get(f"/admin/d/{midori.id}/chart").get_data(as_text=True)
    unmet = page.split('id="unmet"')[1].split("</section>")[0]
    assert unmet.count('class="unmet-need"') == 4 and "庭の草取り" in unmet
    themes = page.split('id="themes"')[1].split("</section>")[0]
    assert re.search(r"空き家 <span class=\"count\">2件</span>", themes)
    assert "電球を替えてほしい" in themes.split("そのほか")[1]


def test_each_chart_is_also_a_csv_file(app, client, district):
    midori, admin, now = district
    log_in(client, app, admin.id)
    answer = client.get(f"/admin/d/{midori.id}/chart/requests.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")  # spreadsheet programs then read it as UTF-8
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["月", "依頼", "手伝えた", "見つからず", "送った後の取り消し"]
    assert rows[-1] == [month_label(now), "8", "2", "4", "1"]
    assert len(rows) == 13  # a header and twelve months
    assert client.get(f"/admin/d/{midori.id}/chart/nothing.csv").status_code == 404


def test_another_districts_csv_is_refused(app, client, district, session):
    midori, admin, _ = district
    other = factories.district(session, "井手川")
    session.commit()
    log_in(client, app, admin.id)
    assert client.get(f"/admin/d/{other.id}/chart/requests.csv").status_code == 403
