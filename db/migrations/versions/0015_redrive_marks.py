"""What the reconciler needs to re-drive a lost search fan-out or menu switch

Revision ID: 0015_redrive_marks
Revises: 0014_deliveries_fillfactor
"""
from alembic import op
import sqlalchemy as sa


revision = '0015_redrive_marks'
down_revision = '0014_deliveries_fillfactor'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('menus_disaster', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('searches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(), nullable=True))
    # Districts already in disaster mode had their menus switched by the job of the time.
    op.execute("UPDATE districts SET menus_disaster = disaster_mode")
    op.execute("UPDATE searches SET sent_at = created_at WHERE status <> 'draft'")


def downgrade() -> None:
    with op.batch_alter_table('searches', schema=None) as batch_op:
        batch_op.drop_column('sent_at')
    with op.batch_alter_table('districts', schema=None) as batch_op:
        batch_op.drop_column('menus_disaster')
