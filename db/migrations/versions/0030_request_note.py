"""help_requests get a note: what the person added at the summary (「お米は10キロです」), told only
to the helper who takes the request

Revision ID: 0030_request_note
Revises: 0029_requests_by_creator
"""
import sqlalchemy as sa
from alembic import op


revision = '0030_request_note'
down_revision = '0029_requests_by_creator'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('help_requests', sa.Column('note', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('help_requests', 'note')
