"""A question remembers whether its timeout is told to the person (re-driven by the reconciler)

Revision ID: 0013_tell_when_expired
Revises: 0008_searches
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_tell_when_expired'
down_revision = '0008_searches'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tell_when_expired', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_column('tell_when_expired')
