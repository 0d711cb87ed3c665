"""Helpers pause until a date (「来週は旅行でお休みします」)

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('helper_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paused_until', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('helper_profiles', schema=None) as batch_op:
        batch_op.drop_column('paused_until')
