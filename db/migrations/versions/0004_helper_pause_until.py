"""Helpers pause until a date (「来週は旅行でお休みします」)

Revision ID: 0004_pause_until
Revises: 0003_admin_sessions
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_pause_until'
down_revision = '0003_admin_sessions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('helper_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paused_until', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('helper_profiles', schema=None) as batch_op:
        batch_op.drop_column('paused_until')
