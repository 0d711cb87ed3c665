"""helper_kinds carries the helper's resident id and the end of a pause, so that a district's pool
of candidates is read from that table alone

Revision ID: 0018_helper_kinds_offerable
Revises: 0015_redrive_marks
"""
from alembic import op
import sqlalchemy as sa


revision = '0018_helper_kinds_offerable'
down_revision = '0015_redrive_marks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('helper_kinds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resident_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('paused_until', sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE helper_kinds SET"
        " resident_id = (SELECT resident_id FROM helper_profiles WHERE helper_profiles.id = helper_kinds.helper_id),"
        " paused_until = (SELECT paused_until FROM helper_profiles WHERE helper_profiles.id = helper_kinds.helper_id)"
    )
    with op.batch_alter_table('helper_kinds', schema=None) as batch_op:
        batch_op.alter_column('resident_id', existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('helper_kinds', schema=None) as batch_op:
        batch_op.drop_column('paused_until')
        batch_op.drop_column('resident_id')
