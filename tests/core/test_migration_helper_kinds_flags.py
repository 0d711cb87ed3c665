"""Migration 0027: helper_kinds rows written before it get whether the helper may be asked, their
free time and cap, exactly as db.matching_index writes them now, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import insert, select, text

from db import matching_index
from db.models import District, HelperKind, HelperProfile, Resident, helper_districts
from db.session import make_engine
from tests.core.test_migration_delivery_batches import migrate
from tests.faults.conftest import database_url  # noqa: F401 - the fixture

BEFORE = "0027_helper_kinds_flags-1"
# (platform, active, approved, districts, availability, weekly cap): who may be asked, and who not.
HELPERS = [
    ("line", True, True, [1], ["weekend"], 3),  # asked
    ("line", False, True, [1], [], None),  # unfollowed
    ("none", True, True, [1], [], None),  # no platform: a proxy acts for them
    ("line", True, False, [1, 2], [], None),  # waits for district 2's admin
    ("line", True, False, [1], ["weekday_morning"], 1),  # unapproved, where nobody asks it
]


def old_helpers(engine) -> None:
    """Helpers and their helper_kinds rows as the revision before 0027 had them."""
    with engine.begin() as connection:
        connection.execute(
            insert(District),
            [
                {"id": 1, "name": "緑ケ丘", "requires_approval": False},
                {"id": 2, "name": "八幡", "requires_approval": True},
            ],
        )
        for n, (platform, active, approved, districts, free, cap) in enumerate(HELPERS, start=1):
            connection.execute(
                insert(Resident), {"id": n, "platform": platform, "platform_user_id": f"U{n}", "active": active}
            )
            connection.execute(
                insert(HelperProfile),
                {
                    "id": n,
                    "resident_id": n,
                    "skills": ["repair"],
                    "availability": free,
                    "approved": approved,
                    "weekly_cap": cap,
                },
            )
            for district in districts:
                connection.execute(insert(helper_districts), {"helper_id": n, "district_id": district})
                connection.execute(
                    text(
                        "INSERT INTO helper_kinds (district_id, kind, helper_id, resident_id, paused, approved)"
                        " VALUES (:district, 'repair', :helper, :helper, false, :approved)"
                    ),
                    {"district": district, "helper": n, "approved": approved},
                )


def kinds(engine) -> list[tuple]:
    columns = (HelperKind.district_id, HelperKind.helper_id, HelperKind.offerable, HelperKind.weekly_cap)
    with engine.connect() as connection:
        rows = connection.execute(select(*columns, HelperKind.availability).order_by(*columns[:2]))
        return [(*row[:4], json.loads(row[4])) for row in rows]


def test_rows_written_before_get_the_flags_the_index_writes_now(database_url):  # noqa: F811 - the fixture
    engine = make_engine(database_url)
    migrate(engine, BEFORE)
    old_helpers(engine)
    migrate(engine, "head")
    migrated = kinds(engine)
    assert [(helper, offerable) for district, helper, offerable, _, _ in migrated if district == 1] == [
        (1, True),
        (2, False),
        (3, False),
        (4, False),
        (5, True),
    ]
    assert migrated[0][3:] == (3, ["weekend"])
    with engine.begin() as connection:
        matching_index.rebuild(connection)
    assert kinds(engine) == migrated
    migrate(engine, BEFORE, down=True)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM helper_kinds")).scalar() == len(migrated)
