"""City staff (地区担当職員): a district's admins get a role, admin or staff

Revision ID: 0009_city_staff
Revises: 0010_check_in_requests (main's newest head when this landed)
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_city_staff'
down_revision = '0010_check_in_requests'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('district_admins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=20), server_default='admin', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('district_admins', schema=None) as batch_op:
        batch_op.drop_column('role')
