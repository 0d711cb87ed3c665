"""The time bank: a double-entry ledger of minutes; a balance is a sum of entries, never stored.

Every transfer writes two or more LedgerEntry legs with one transfer_id that sum to zero.
Accounts: one per resident ("resident"), one per district ("community") and the city's
grant source ("grants"). A resident's balance stays above the configured floor; when a person
cannot pay for help, their district's community account covers the rest.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot.circulars.subscriptions import require_admin
from bot.config import Config
from bot.errors import LedgerError
from bot.kinds import DEFAULT_MINUTES
from db.models import Account, HelpRequest, LedgerEntry, Resident, Task
from db.session import hold


Leg = tuple[Account, int, str]  # account, minutes (+ credit, - debit), entry kind


@dataclass(frozen=True)
class Movement:
    """One line of a resident's statement: when, how much, why, with whom."""

    at: datetime
    minutes: int
    kind: str  # grant, task, gift, teaching, cover
    other_name: str | None


def default_minutes(category: str) -> int:
    """The usual length of a kind of help, in minutes."""
    return DEFAULT_MINUTES.get(category, DEFAULT_MINUTES["other"])


def split_cost(balance: int, minutes: int, floor: int) -> tuple[int, int]:
    """(paid by the person, covered by the community) so the balance stays at or above `floor`."""
    paid = max(0, min(minutes, balance - floor))
    return paid, minutes - paid


# -- accounts --------------------------------------------------------------------------------


def _first_account(session: Session, *where: ColumnElement[bool]) -> Account | None:
    # Two rows may exist after a race on first use; balances sum over both, so use the first.
    return session.scalar(select(Account).where(*where).order_by(Account.id).limit(1))


def _account(session: Session, kind: str, *, resident_id: int | None = None, district_id: int | None = None) -> Account:
    account = _first_account(
        session, Account.kind == kind, Account.resident_id == resident_id, Account.district_id == district_id
    )
    if account is None:
        account = Account(kind=kind, resident_id=resident_id, district_id=district_id)
        session.add(account)
        session.flush()
    return account


def resident_account(session: Session, resident_id: int, *, config: Config) -> Account:
    """A resident's account, opened with the starting grant on first use."""
    account = _account(session, "resident", resident_id=resident_id)
    grant(session, resident_id, config=config, account=account)
    return account


def community_account(session: Session, district_id: int | None) -> Account:
    """A district's community account; without a district, the city's grant source."""
    if district_id is None:
        return grants_account(session)
    return _account(session, "community", district_id=district_id)


def grants_account(session: Session) -> Account:
    """Where starting grants come from (it goes negative as it gives)."""
    return _account(session, "grants")


# -- reading ---------------------------------------------------------------------------------


def _sum(session: Session, *where: ColumnElement[bool]) -> int:
    query = select(func.coalesce(func.sum(LedgerEntry.minutes), 0)).join(Account, Account.id == LedgerEntry.account_id)
    return int(session.scalar(query.where(*where)) or 0)


def balance(session: Session, resident_id: int) -> int:
    """A resident's balance in minutes: the sum of their entries."""
    return _sum(session, Account.kind == "resident", Account.resident_id == resident_id)


def community_balance(session: Session, district_id: int) -> int:
    """A district community account's balance in minutes."""
    return _sum(session, Account.kind == "community", Account.district_id == district_id)


def total(session: Session) -> int:
    """The sum of every entry: zero, always (the invariant of double entry)."""
    return _sum(session)


def recent(session: Session, resident_id: int, limit: int = 5) -> list[Movement]:
    """A resident's latest movements, newest first, with the other person where there is one."""
    entries = (
        session.execute(
            select(LedgerEntry)
            .join(Account, Account.id == LedgerEntry.account_id)
            .where(Account.kind == "resident", Account.resident_id == resident_id)
            .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )
    others = _other_names(session, resident_id, {e.transfer_id for e in entries})
    return [Movement(e.created_at, e.minutes, e.kind, others.get(e.transfer_id)) for e in entries]


def _other_names(session: Session, resident_id: int, transfer_ids: set[str]) -> dict[str, str]:
    rows = session.execute(
        select(LedgerEntry.transfer_id, Resident.display_name)
        .join(Account, Account.id == LedgerEntry.account_id)
        .join(Resident, Resident.id == Account.resident_id)
        .where(
            LedgerEntry.transfer_id.in_(transfer_ids), Account.kind == "resident", Account.resident_id != resident_id
        )
    )
    return {transfer_id: name for transfer_id, name in rows}


# -- writing ---------------------------------------------------------------------------------


def transfer(
    session: Session, legs: list[Leg], *, task_id: int | None = None, memo: str = "", transfer_id: str | None = None
) -> str:
    """Write the legs of one transfer; they must sum to zero."""
    if sum(minutes for _, minutes, _ in legs) != 0:
        raise LedgerError(f"transfer legs do not sum to zero: {legs!r}")
    transfer_id = transfer_id or str(uuid.uuid4())
    for account, minutes, kind in legs:
        if minutes:
            session.add(
                LedgerEntry(
                    transfer_id=transfer_id,
                    account_id=account.id,
                    minutes=minutes,
                    kind=kind,
                    task_id=task_id,
                    memo=memo[:200],
                )
            )
    session.flush()
    return transfer_id


def recorded(session: Session, transfer_id: str | None) -> bool:
    """Whether a transfer with this id is in the ledger (a pressed-twice button, a rerun)."""
    return (
        transfer_id is not None
        and session.scalar(select(LedgerEntry.id).where(LedgerEntry.transfer_id == transfer_id).limit(1)) is not None
    )


def _lock(session: Session, model: type[Resident] | type[Task], row_id: int) -> None:
    # Serialises concurrent jobs on one task or payer (row locks on PostgreSQL, the write lock on SQLite).
    hold(session, model.__tablename__, row_id)
    session.execute(select(model.id).where(model.id == row_id).with_for_update())


def grant(session: Session, resident_id: int, *, config: Config, account: Account | None = None) -> bool:
    """Give a resident the starting grant, once; True if given now."""
    _lock(session, Resident, resident_id)
    given = session.scalar(
        select(LedgerEntry.id)
        .join(Account, Account.id == LedgerEntry.account_id)
        .where(Account.kind == "resident", Account.resident_id == resident_id, LedgerEntry.kind == "grant")
        .limit(1)
    )
    minutes = config.starting_grant_minutes
    if given is not None or minutes <= 0:
        return False
    account = account or _account(session, "resident", resident_id=resident_id)
    transfer(session, [(account, minutes, "grant"), (grants_account(session), -minutes, "grant")])
    return True


def settle_task(session: Session, task: Task, minutes: int, *, config: Config) -> None:
    """Pay the helper for a done task; the helped person pays what the floor allows, the community the rest."""
    _check_positive(minutes)
    _lock(session, Task, task.id)
    if session.scalar(select(LedgerEntry.id).where(LedgerEntry.task_id == task.id).limit(1)):
        return
    request = session.get_one(HelpRequest, task.request_id)
    helped = session.get_one(Resident, request.resident_id)
    payer = resident_account(session, helped.id, config=config)
    paid, covered = split_cost(balance(session, helped.id), minutes, config.balance_floor_minutes)
    community = community_account(session, request.district_id or helped.district_id)
    legs = [
        (resident_account(session, task.helper_id, config=config), minutes, "task"),
        (payer, -paid, "task"),
        (community, -covered, "cover"),
    ]
    transfer(session, legs, task_id=task.id, memo=request.category)


def give(
    session: Session, from_id: int, to_id: int, minutes: int, *, config: Config, transfer_id: str | None = None
) -> str:
    """Give hours to another resident; LedgerError if the giver would pass the floor."""
    _check_positive(minutes)
    if from_id == to_id:
        raise LedgerError("a resident cannot give hours to themself")
    _lock(session, Resident, from_id)
    if transfer_id is not None and recorded(session, transfer_id):
        return transfer_id
    giver = resident_account(session, from_id, config=config)
    if balance(session, from_id) - minutes < config.balance_floor_minutes:
        raise LedgerError(f"resident {from_id} cannot give {minutes} minutes past the floor")
    legs = [(giver, -minutes, "gift"), (resident_account(session, to_id, config=config), minutes, "gift")]
    return transfer(session, legs, transfer_id=transfer_id)


def teach(
    session: Session,
    master_id: int,
    district_id: int,
    participants: int,
    minutes: int,
    admin_id: int,
    *,
    config: Config,
    transfer_id: str | None = None,
) -> int:
    """Record a class taught by an experience master: participants x minutes, paid by the community."""
    _check_positive(minutes)
    _check_positive(participants)
    require_admin(session, admin_id, district_id)
    earned = participants * minutes
    if not recorded(session, transfer_id):
        legs = [
            (resident_account(session, master_id, config=config), earned, "teaching"),
            (community_account(session, district_id), -earned, "teaching"),
        ]
        transfer(session, legs, memo=f"admin {admin_id}: {participants} x {minutes} min", transfer_id=transfer_id)
    return earned


def _check_positive(amount: int) -> None:
    if amount <= 0:
        raise LedgerError(f"an amount must be positive, not {amount}")
