"""Fixtures for circulars: many followers at once, and launching as an admin would."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import insert, select

from bot import runtime
from bot.circulars import circulars
from bot.circulars.circulars import Draft
from db.models import Resident, Subscription, local_now
from tests import factories

_batch = itertools.count(1)


def add_followers(
    session, district, count: int, *, platform: str = "fake", language: str = "ja", prefix: str | None = None
) -> list[str]:
    """`count` residents following `district`, inserted in bulk; their platform user ids."""
    prefix = prefix or f"U{next(_batch):08x}"  # LINE user ids: U and 32 hex digits
    user_ids = [f"{prefix}{n:024x}" for n in range(count)]
    session.execute(
        insert(Resident),
        [
            {
                "platform": platform,
                "platform_user_id": u,
                "display_name": u,
                "language": language,
                "district_id": district.id,
                "active": True,
                "erased": False,
                "created_at": local_now(),
            }
            for u in user_ids
        ],
    )
    ids = session.scalars(select(Resident.id).where(Resident.platform_user_id.in_(user_ids)))
    session.execute(
        insert(Subscription),
        [{"resident_id": r, "district_id": district.id, "active": True, "created_at": local_now()} for r in ids],
    )
    session.flush()
    return user_ids


def launch(session, admin, district, **fields):
    """Draft and launch a circular as `admin` (jobs run after the commit); its id."""
    spec = Draft(
        district.id,
        fields.pop("title", "防災訓練のお知らせ"),
        fields.pop("body", "日曜日の9時に公民館に集まってください。"),
        **fields,
    )
    circular = circulars.draft(session, admin.id, spec)
    circulars.launch(session, circular, admin.id, local_now(), runtime.current().channels)
    session.commit()
    return circular.id


@pytest.fixture
def midori(session):
    return factories.district(session, "緑ケ丘")


@pytest.fixture
def midori_admin(session, midori):
    return factories.admin(session, midori, display_name="田中さん")
