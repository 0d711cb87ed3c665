"""Regenerate the initial migration from db/models.py (only while nothing has shipped).

Usage: .venv/bin/python -m db.regenerate
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from db.session import MIGRATIONS, alembic_config


def main() -> None:
    """Write db/migrations/versions/0001_initial_schema.py anew from the models."""
    for old in (MIGRATIONS / "versions").glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        config = alembic_config(f"sqlite:///{Path(folder) / 'empty.sqlite'}")
        command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")


if __name__ == "__main__":
    main()
