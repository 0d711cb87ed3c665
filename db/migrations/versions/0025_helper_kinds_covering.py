"""helper_kinds gets an index that holds every column a candidate pool reads, so a pool is read
from the index alone (no visit to the table for each helper)

Revision ID: 0025_helper_kinds_covering
Revises: 0022_more_kinds
"""
from alembic import op


revision = '0025_helper_kinds_covering'
down_revision = '0022_more_kinds'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'ix_helper_kinds_offerable',
        'helper_kinds',
        ['district_id', 'kind', 'helper_id', 'resident_id', 'approved', 'paused', 'paused_until'],
    )


def downgrade() -> None:
    op.drop_index('ix_helper_kinds_offerable', table_name='helper_kinds')
