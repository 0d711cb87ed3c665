"""helper_kinds carries whether the helper may be asked at all (their resident follows on a
platform we can write to, and waits for no admin's approval), their free time and their weekly
cap, in the covering index: a district's pool is read from the index alone, with no look-up of
the profile and the resident of each helper read

Revision ID: 0027_helper_kinds_flags
Revises: 0023_delivery_batches
"""
from alembic import op
import sqlalchemy as sa


revision = '0027_helper_kinds_flags'
down_revision = '0023_delivery_batches'
branch_labels = None
depends_on = None

COLUMNS = ['district_id', 'kind', 'helper_id', 'resident_id', 'approved', 'paused', 'paused_until']
PROFILE = "FROM helper_profiles p WHERE p.id = helper_kinds.helper_id"
# As db.matching_index writes it: following, on a platform that can be written to, and approved
# unless no district the helper serves asks for approval.
OFFERABLE = (
    "SELECT r.active AND r.platform <> 'none' AND (p.approved OR NOT EXISTS ("
    " SELECT 1 FROM helper_districts hd JOIN districts d ON d.id = hd.district_id"
    " WHERE hd.helper_id = p.id AND d.requires_approval))"
    " FROM helper_profiles p JOIN residents r ON r.id = p.resident_id WHERE p.id = helper_kinds.helper_id"
)


def upgrade() -> None:
    with op.batch_alter_table('helper_kinds', schema=None) as batch_op:
        batch_op.drop_index('ix_helper_kinds_offerable')
        batch_op.add_column(sa.Column('offerable', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('weekly_cap', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('availability', sa.Text(), nullable=True))
    op.execute(
        f"UPDATE helper_kinds SET offerable = COALESCE(({OFFERABLE}), false),"
        f" weekly_cap = (SELECT p.weekly_cap {PROFILE}),"
        f" availability = COALESCE((SELECT CAST(p.availability AS TEXT) {PROFILE}), '[]')"
    )
    with op.batch_alter_table('helper_kinds', schema=None) as batch_op:
        batch_op.alter_column('offerable', existing_type=sa.Boolean(), nullable=False)
        batch_op.alter_column('availability', existing_type=sa.Text(), nullable=False)
        batch_op.create_index(
            'ix_helper_kinds_offerable', [*COLUMNS, 'offerable', 'weekly_cap', 'availability'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('helper_kinds', schema=None) as batch_op:
        batch_op.drop_index('ix_helper_kinds_offerable')
        batch_op.drop_column('availability')
        batch_op.drop_column('weekly_cap')
        batch_op.drop_column('offerable')
        batch_op.create_index('ix_helper_kinds_offerable', COLUMNS, unique=False)
