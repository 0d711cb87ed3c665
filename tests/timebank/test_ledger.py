"""The ledger: double entry, derived balances, the floor and the community's cover."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from bot.config import Config
from bot.errors import LedgerError, NotAllowedError
from bot.timebank import ledger
from db.models import Account, LedgerEntry
from tests import factories

GRANT, FLOOR = 120, -600
CONFIG = Config(starting_grant_minutes=GRANT, balance_floor_minutes=FLOOR)  # the ledger is handed its rules


def transfer_sums(session) -> list[int]:
    rows = session.execute(select(func.sum(LedgerEntry.minutes)).group_by(LedgerEntry.transfer_id))
    return [total for (total,) in rows]


@pytest.fixture
def town(session):
    district = factories.district(session, "緑ケ丘")
    return district, factories.resident(session, district=district), factories.helper(session, district=district)


def test_settled_task_moves_minutes_from_helped_to_helper(session, town):
    district, helped, helper = town
    ledger.settle_task(session, factories.task(session, helped, helper), 15, config=CONFIG)
    assert ledger.balance(session, helper.id) == GRANT + 15
    assert ledger.balance(session, helped.id) == GRANT - 15
    assert set(transfer_sums(session)) == {0}
    assert ledger.total(session) == 0


def test_balance_is_the_sum_of_entries_not_a_stored_number(session, town):
    district, helped, helper = town
    ledger.give(session, helped.id, helper.id, 30, config=CONFIG)
    account = session.scalar(select(Account).where(Account.resident_id == helper.id))
    session.add(LedgerEntry(transfer_id="manual", account_id=account.id, minutes=7, kind="gift"))
    session.flush()
    assert ledger.balance(session, helper.id) == GRANT + 30 + 7


def test_settling_a_task_twice_pays_once(session, town):
    district, helped, helper = town
    task = factories.task(session, helped, helper)
    ledger.settle_task(session, task, 45, config=CONFIG)
    ledger.settle_task(session, task, 45, config=CONFIG)
    assert ledger.balance(session, helper.id) == GRANT + 45
    assert ledger.balance(session, helped.id) == GRANT - 45


def test_community_covers_what_a_person_cannot_pay_below_the_floor(session, town):
    district, helped, helper = town
    for _ in range(8):  # 8 x 90 = 720 minutes of help, with 120 granted and a floor of -600
        ledger.settle_task(session, factories.task(session, helped, helper, "tidying"), 90, config=CONFIG)
    assert ledger.balance(session, helped.id) == FLOOR
    assert ledger.balance(session, helper.id) == GRANT + 720
    assert ledger.community_balance(session, district.id) == -(720 - (GRANT - FLOOR))
    assert ledger.total(session) == 0


def test_a_person_past_the_floor_still_gets_help_paid_by_the_community(session, town):
    district, helped, helper = town
    ledger.give(session, helped.id, helper.id, GRANT - FLOOR, config=CONFIG)
    ledger.settle_task(session, factories.task(session, helped, helper), 60, config=CONFIG)
    assert ledger.balance(session, helped.id) == FLOOR
    assert ledger.community_balance(session, district.id) == -60


def test_gift_past_the_floor_is_refused_and_nothing_moves(session, town):
    district, helped, helper = town
    with pytest.raises(LedgerError):
        ledger.give(session, helped.id, helper.id, GRANT - FLOOR + 1, config=CONFIG)
    assert ledger.balance(session, helped.id) == GRANT
    ledger.give(session, helped.id, helper.id, GRANT - FLOOR, config=CONFIG)
    assert ledger.balance(session, helped.id) == FLOOR


def test_gift_with_the_same_transfer_id_is_given_once(session, town):
    district, helped, helper = town
    ledger.give(session, helped.id, helper.id, 30, transfer_id="button-1", config=CONFIG)
    ledger.give(session, helped.id, helper.id, 30, transfer_id="button-1", config=CONFIG)
    assert ledger.balance(session, helper.id) == GRANT + 30


def test_teaching_counts_per_participant_hour_from_the_community(session, town):
    district, learner, master = town
    admin = factories.admin(session, district)
    earned = ledger.teach(session, master.id, district.id, participants=6, minutes=90, admin_id=admin.id, config=CONFIG)
    assert earned == 540
    assert ledger.balance(session, master.id) == GRANT + 540
    assert ledger.community_balance(session, district.id) == -540
    assert ledger.recent(session, master.id, limit=1)[0].kind == "teaching"


def test_only_the_district_admin_records_teaching(session, town):
    district, learner, master = town
    other = factories.admin(session, factories.district(session, "八幡"))
    with pytest.raises(NotAllowedError):
        ledger.teach(session, master.id, district.id, 6, 60, admin_id=other.id, config=CONFIG)
    assert ledger.balance(session, master.id) == 0  # nothing opened, nothing moved


def test_starting_grant_is_given_once(session, town):
    district, helped, helper = town
    assert ledger.grant(session, helped.id, config=CONFIG) is True
    assert ledger.grant(session, helped.id, config=CONFIG) is False
    ledger.give(session, helped.id, helper.id, 10, config=CONFIG)
    assert ledger.balance(session, helped.id) == GRANT - 10
    grants = session.scalar(select(func.count()).where(LedgerEntry.kind == "grant", LedgerEntry.minutes > 0))
    assert grants == 2  # helped and helper, once each


def test_recent_names_the_other_person_newest_first(session, town):
    district, helped, helper = town
    ledger.settle_task(session, factories.task(session, helped, helper), 15, config=CONFIG)
    ledger.give(session, helped.id, helper.id, 30, config=CONFIG)
    movements = ledger.recent(session, helped.id)
    assert [(m.kind, m.minutes, m.other_name) for m in movements] == [
        ("gift", -30, helper.display_name),
        ("task", -15, helper.display_name),
        ("grant", GRANT, None),
    ]


def test_default_minutes_per_kind_of_help():
    assert ledger.default_minutes("garbage") == 15
    assert ledger.default_minutes("tidying") == 90
    assert ledger.default_minutes("unknown") == 30


def test_many_random_transfers_keep_the_total_at_zero_and_balances_above_the_floor(session):
    rng = random.Random(4)
    districts = [factories.district(session) for _ in range(2)]
    people = [factories.resident(session, district=rng.choice(districts)) for _ in range(8)]
    admins = [factories.admin(session, d) for d in districts]
    for _ in range(150):
        a, b = rng.sample(people, 2)
        minutes = rng.choice([5, 15, 30, 60, 90, 240])
        action = rng.random()
        if action < 0.45:
            ledger.settle_task(session, factories.task(session, a, b), minutes, config=CONFIG)
        elif action < 0.9:
            try:
                ledger.give(session, a.id, b.id, minutes, config=CONFIG)
            except LedgerError:
                assert ledger.balance(session, a.id) - minutes < FLOOR
        else:
            ledger.teach(session, a.id, districts[0].id, rng.randint(1, 5), minutes, admins[0].id, config=CONFIG)
    assert ledger.total(session) == 0
    assert set(transfer_sums(session)) == {0}
    assert min(ledger.balance(session, p.id) for p in people) >= FLOOR
