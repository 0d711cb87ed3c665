"""`flask circulars ...`: staff at a desk send, schedule and follow circulars and safety checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from bot import runtime
from bot.circulars import circulars
from bot.circulars.circulars import Draft, QuotaExceededError
from bot.errors import NotAllowedError
from bot.i18n import t
from db.models import Circular, District
from db.session import Session

group = AppGroup("circulars", help="District circulars (回覧板) and safety checks (安否確認).")


def _district_id(session: OrmSession, name_or_id: str) -> int:
    district = (
        session.get(District, int(name_or_id))
        if name_or_id.isdigit()
        else session.scalar(select(District).where(District.name == name_or_id))
    )
    if district is None:
        raise click.ClickException(f"no district {name_or_id!r}")
    return district.id


def _launch(admin_id: int, district: str, yes: bool, **fields: Any) -> None:
    """Draft, show the cost, confirm, launch: the same steps as the admin's chat. This is the
    command's boundary: it reads the process's channels and the time once and hands them down."""
    started = runtime.current()
    channels = started.channels
    try:
        with Session.begin() as session:
            circular = circulars.draft(session, admin_id, Draft(_district_id(session, district), **fields))
            price = circulars.cost(session, circular.district_id, channels)
            left = "unlimited" if price.limit is None else f"{price.left} left this month"
            click.echo(f"{circular.kind} {circular.id}: {price.messages} LINE messages ({left}), {price.verdict}")
            if not yes and not click.confirm("send?"):
                circular.status = "cancelled"
                return
            circulars.launch(session, circular, admin_id, started.clock.now(), channels)
            click.echo(f"{circular.kind} {circular.id}: {circular.status}")
    except (NotAllowedError, QuotaExceededError) as error:
        raise click.ClickException(str(error)) from error


@group.command("send")
@click.option("--district", required=True, help="District name or id.")
@click.option("--admin", "admin_id", type=int, required=True, help="The district admin sending it.")
@click.option("--title", required=True)
@click.option("--body", default="")
@click.option("--image", "image_url", default=None, help="An image link shown with the circular.")
@click.option("--confirm/--no-confirm", "needs_confirmation", default=False, help="Add the 確認しました button.")
@click.option(
    "--at",
    "scheduled_at",
    type=click.DateTime(),
    default=None,
    help="Send later (local time), e.g. 2026-12-01T09:00:00.",
)
@click.option("--yes", is_flag=True, help="Do not ask before sending.")
def send(district: str, admin_id: int, yes: bool, **fields: Any) -> None:
    """Send a circular now (or at --at)."""
    _launch(admin_id, district, yes, **fields)


@group.command("schedule")
@click.option("--district", required=True, help="District name or id.")
@click.option("--admin", "admin_id", type=int, required=True)
@click.option("--title", required=True)
@click.option("--body", default="")
@click.option("--at", "scheduled_at", type=click.DateTime(), required=True, help="Local time.")
@click.option("--yes", is_flag=True)
def schedule(district: str, admin_id: int, yes: bool, scheduled_at: datetime, **fields: Any) -> None:
    """Send a circular at a later time."""
    _launch(admin_id, district, yes, scheduled_at=scheduled_at, **fields)


@group.command("safety-start")
@click.option("--district", required=True, help="District name or id.")
@click.option("--admin", "admin_id", type=int, required=True)
@click.option("--title", default=None, help="Default: the catalog's title for a safety check.")
@click.option("--body", default=None)
@click.option(
    "--remind-after",
    "remind_after_minutes",
    type=int,
    default=60,
    help="Remind those who have not answered after this many minutes.",
)
@click.option("--yes", is_flag=True)
def safety_start(district: str, admin_id: int, yes: bool, **fields: Any) -> None:
    """Start a safety check: every follower is asked 無事です / 助けが必要."""
    fields["title"] = fields["title"] or t("safety.default_title", "ja")
    fields["body"] = fields["body"] or t("safety.default_body", "ja")
    _launch(admin_id, district, yes, kind="safety_check", **fields)


@group.command("status")
@click.argument("circular_id", type=int)
def status(circular_id: int) -> None:
    """Sent / read / answered counts, and who has not read or answered yet."""
    with Session() as session:
        circular = session.get(Circular, circular_id)
        if circular is None:
            raise click.ClickException(f"no circular {circular_id}")
        counts = circulars.progress(session, circular_id)
        click.echo(f"{circular.kind} {circular.id} {circular.title!r}: {circular.status}")
        click.echo(" ".join(f"{name}={value}" for name, value in counts.counts().items()))
        column = "answer" if circular.kind == "safety_check" else "confirmed_at"
        for person in circulars.silent(session, circular_id, column, limit=200):
            click.echo(f"  silent: {person.id} {person.display_name}")


group.add_command(status, "safety-status")


def register(cli: click.Group) -> None:
    """Add `flask circulars` to the app's commands."""
    cli.add_command(group)
