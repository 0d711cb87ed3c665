"""Migration 0028: a resident whose daily check-in was set up before it is watched (their texts
are read as answers to its greetings), no one else, on SQLite and PostgreSQL; and back."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, insert, inspect, select

from db.models import CheckIn, Resident
from db.session import make_engine
from tests.core.test_migration_delivery_batches import migrate
from tests.faults.conftest import database_url  # noqa: F401 - the fixture

BEFORE = "0028_residents_watched-1"


def test_residents_with_a_check_in_are_watched_and_the_others_not(database_url):  # noqa: F811 - the fixture
    engine = make_engine(database_url)
    migrate(engine, BEFORE)
    residents, check_ins = cast(Table, Resident.__table__), cast(Table, CheckIn.__table__)
    with engine.begin() as connection:  # by the tables: the model's residents has the new column
        connection.execute(
            insert(residents), [{"id": n, "platform": "line", "platform_user_id": f"U{n}"} for n in (1, 2, 3)]
        )
        connection.execute(
            insert(check_ins),
            [
                {"resident_id": 1, "created_by_id": 1, "invite_code": "111111"},
                {"resident_id": 3, "created_by_id": 2, "invite_code": "333333", "active": False},  # stopped since
            ],
        )
    migrate(engine, "head")
    with engine.connect() as connection:
        watched = connection.execute(select(residents.c.id, residents.c.watched).order_by(residents.c.id))
        assert [tuple(row) for row in watched] == [(1, True), (2, False), (3, True)]
    migrate(engine, BEFORE, down=True)
    assert "watched" not in {column["name"] for column in inspect(engine).get_columns("residents")}
    engine.dispose()
