"""A stored webhook event names the job queued to handle it with the others of its group

Revision ID: 0026_event_jobs
Revises: 0025_helper_kinds_covering
"""
from alembic import op
import sqlalchemy as sa


revision = '0026_event_jobs'
down_revision = '0025_helper_kinds_covering'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inbound_events', schema=None) as batch_op:
        batch_op.drop_column('job_id')
