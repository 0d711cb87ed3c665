"""help_requests gets an index by who made them and their status: the request a person just sent
is looked up on every text that names a time (a correction after sending), and the other requests
of the same message when a helper accepts one (a look-up over every request before)

Revision ID: 0029_requests_by_creator
Revises: 0028_residents_watched
"""
from alembic import op


revision = '0029_requests_by_creator'
down_revision = '0028_residents_watched'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_help_requests_creator_status', 'help_requests', ['created_by_id', 'status'])


def downgrade() -> None:
    op.drop_index('ix_help_requests_creator_status', table_name='help_requests')
