"""family asking for a resident's daily check-in, started only with the resident's consent

Revision ID: 0010_check_in_requests
Revises: 0013_tell_when_expired
Create Date: 2026-11-30 03:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_check_in_requests'
down_revision = '0013_tell_when_expired'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('check_in_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('minute_of_day', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.JSON(), nullable=False),
    sa.Column('alert_after_hours', sa.Integer(), nullable=False),
    sa.Column('district_admins_watch', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['residents.id'], name=op.f('fk_check_in_requests_requested_by_id_residents')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_check_in_requests_resident_id_residents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in_requests'))
    )
    with op.batch_alter_table('check_in_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_in_requests_requested_by_id'), ['requested_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_in_requests_resident_id'), ['resident_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('check_in_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_in_requests_resident_id'))
        batch_op.drop_index(batch_op.f('ix_check_in_requests_requested_by_id'))
    op.drop_table('check_in_requests')
