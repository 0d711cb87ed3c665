"""Migration 0023: the deliveries of circulars sent before become their batches (and back), on
SQLite and PostgreSQL, so that their counts and who is still to answer stay the same."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from alembic import command
from sqlalchemy import Table, insert, text, update

from bot.circulars import circulars
from db.models import Circular, Delivery, District, Resident
from db.session import Session, alembic_config, make_engine
from tests.faults.conftest import database_url  # noqa: F401 - the fixture

AT = datetime(2026, 11, 1, 9, 0)
BEFORE = "0023_delivery_batches-1"  # the revision before 0023, whichever it is


def migrate(engine, revision: str, down: bool = False) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def old_deliveries(engine) -> None:
    """A circular sent in two batches before 0023: one skipped, one who confirmed, one pending
    (the models' other tables are as they were then)."""
    with Session(bind=engine) as session:
        district = District(name="緑ケ丘")
        session.add(district)
        session.flush()
        # The residents by their table, not the model: an ORM insert names (or reads back) the
        # columns added to residents since, such as watched (0028).
        residents = cast(Table, Resident.__table__)
        people = list(
            session.connection().scalars(
                insert(residents).returning(residents.c.id, sort_by_parameter_order=True),
                [{"platform": "line", "platform_user_id": f"U{n}"} for n in range(5)],
            )
        )
        circular = Circular(district_id=district.id, author_id=people[0], title="お知らせ", status="sent", sent_at=AT)
        session.add(circular)
        session.flush()
        rows = [(0, "sent", None), (0, "skipped", None), (0, "sent", AT), (1, "sent", None), (1, "pending", None)]
        for person, (batch, status, confirmed) in zip(people, rows):
            sent_at = AT if status == "sent" else None
            session.add(Delivery(circular_id=circular.id, resident_id=person, batch=batch, status=status))
            session.flush()
            session.execute(
                update(Delivery).where(Delivery.resident_id == person).values(sent_at=sent_at, confirmed_at=confirmed)
            )
        session.commit()


def test_old_deliveries_become_batches_and_come_back(database_url):  # noqa: F811 - the fixture
    engine = make_engine(database_url)
    migrate(engine, BEFORE)
    old_deliveries(engine)
    migrate(engine, "head")
    Session.configure(bind=engine)
    with Session() as session:
        counts = circulars.progress(session, 1)
        assert (counts.total, counts.sent, counts.skipped, counts.confirmed) == (5, 3, 1, 1)
        assert [r.id for r in circulars.silent(session, 1, "confirmed_at")] == [1]  # batch 1 is pending
        batches = session.execute(text("SELECT number, status, size, sent FROM delivery_batches ORDER BY number"))
        assert [tuple(b) for b in batches] == [(0, "sent", 3, 2), (1, "pending", 2, 1)]
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM deliveries WHERE resident_id IN (1, 2)"))  # as if made by 0023
    migrate(engine, BEFORE, down=True)
    with engine.connect() as connection:
        back = connection.execute(text("SELECT resident_id, status FROM deliveries ORDER BY resident_id"))
        assert [tuple(r) for r in back] == [(1, "sent"), (2, "skipped"), (3, "sent"), (4, "sent"), (5, "pending")]
    engine.dispose()
