"""residents.watched: whether a daily check-in (見守り) was ever set up for the resident, so that
a text is looked at as an answer to its greeting only for them (a look-up on every text of
everyone before)

Revision ID: 0028_residents_watched
Revises: 0027_helper_kinds_flags
"""
from alembic import op
import sqlalchemy as sa


revision = '0028_residents_watched'
down_revision = '0027_helper_kinds_flags'
branch_labels = None
depends_on = None


# Plain ALTER TABLE (SQLite has ADD and DROP COLUMN): a batch would copy the residents table,
# which every other table refers to.
def upgrade() -> None:
    op.add_column('residents', sa.Column('watched', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE residents SET watched = true WHERE id IN (SELECT resident_id FROM check_ins)")


def downgrade() -> None:
    op.drop_column('residents', 'watched')
