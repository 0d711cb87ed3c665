"""A draft request keeps the other kinds asked for in the same message, sent with it as requests of
their own

Revision ID: 0022_more_kinds
Revises: 0018_helper_kinds_offerable
"""
from alembic import op
import sqlalchemy as sa


revision = '0022_more_kinds'
down_revision = '0018_helper_kinds_offerable'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('more_kinds', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.drop_column('more_kinds')
