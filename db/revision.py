"""Write a new migration for what changed in db/models.py since the last one.

Usage: .venv/bin/python -m db.revision "add a column for ..."

It upgrades an empty SQLite database to the newest migration, compares it with the models and
writes the difference as the next revision in db/migrations/versions/ (read it before you
commit: Alembic cannot see renames). tests/core/test_migrations.py fails while the models and
the migrations disagree.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from db.session import alembic_config, make_engine, upgrade


def main(message: str) -> None:
    """Autogenerate the next revision from the models."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'head.sqlite'}"
        upgrade(make_engine(url))
        command.revision(alembic_config(url), message=message, autogenerate=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
