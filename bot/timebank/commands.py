"""`flask timebank ...`: record a class, read a balance, check the ledger."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from bot import runtime
from bot.errors import LedgerError, NotAllowedError
from bot.timebank import ledger
from db.session import Session

timebank = AppGroup("timebank", help="The time bank of hours.")


@timebank.command("teach")
@click.argument("master_id", type=int)
@click.argument("district_id", type=int)
@click.argument("participants", type=int)
@click.argument("minutes", type=int)
@click.option("--admin", "admin_id", type=int, required=True, help="The district admin recording it.")
def teach(master_id: int, district_id: int, participants: int, minutes: int, admin_id: int) -> None:
    """Record a class taught by an experience master: PARTICIPANTS x MINUTES, from the community."""
    try:
        with Session.begin() as session:
            config = runtime.current().config
            earned = ledger.teach(session, master_id, district_id, participants, minutes, admin_id, config=config)
    except (LedgerError, NotAllowedError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"recorded {earned} minutes for resident {master_id}")


@timebank.command("balance")
@click.argument("resident_id", type=int)
def balance(resident_id: int) -> None:
    """Show a resident's balance and latest movements."""
    with Session() as session:
        click.echo(f"balance: {ledger.balance(session, resident_id)} minutes")
        for m in ledger.recent(session, resident_id, limit=10):
            click.echo(f"{m.at:%Y-%m-%d %H:%M} {m.kind:<9} {m.minutes:+6d} {m.other_name or ''}")


@timebank.command("check")
def check() -> None:
    """Check that every entry sums to zero (the double-entry invariant)."""
    with Session() as session:
        total = ledger.total(session)
    if total != 0:
        raise click.ClickException(f"the ledger is off by {total} minutes")
    click.echo("ledger balanced: total 0")


def register(cli: click.Group) -> None:
    """Add `flask timebank` to the app's commands."""
    cli.add_command(timebank)
