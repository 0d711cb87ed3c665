"""A circular's deliveries are recorded a row per multicast batch (whom it holds, whether it was
sent), not a row per person: a 100k fan-out writes 200 rows instead of inserting and then
updating 100,000. A person's own row (deliveries) is made when they confirm, answer or are
reminded. The batches of circulars sent before are made from their deliveries.

Revision ID: 0023_delivery_batches
Revises: 0026_event_jobs
"""
from itertools import groupby

from alembic import op
import sqlalchemy as sa


revision = '0023_delivery_batches'
down_revision = '0026_event_jobs'
branch_labels = None
depends_on = None

deliveries = sa.table(
    'deliveries',
    sa.column('circular_id', sa.Integer()),
    sa.column('resident_id', sa.Integer()),
    sa.column('batch', sa.Integer()),
    sa.column('status', sa.String()),
    sa.column('sent_at', sa.DateTime()),
)


def upgrade() -> None:
    batches = op.create_table('delivery_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circular_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('first_resident_id', sa.Integer(), nullable=False),
    sa.Column('last_resident_id', sa.Integer(), nullable=False),
    sa.Column('resident_ids', sa.JSON(), nullable=False),
    sa.Column('skipped_ids', sa.JSON(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['circular_id'], ['circulars.id'], name=op.f('fk_delivery_batches_circular_id_circulars')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_batches')),
    sa.UniqueConstraint('circular_id', 'number', name=op.f('uq_delivery_batches_circular_id'))
    )
    with op.batch_alter_table('delivery_batches', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_batches_circular_first', ['circular_id', 'first_resident_id'], unique=False)
    rows = op.get_bind().execute(
        sa.select(deliveries).order_by(deliveries.c.circular_id, deliveries.c.batch, deliveries.c.resident_id)
    )
    for (circular_id, number), group in groupby(rows, key=lambda row: (row.circular_id, row.batch)):
        batch = list(group)
        ids = [row.resident_id for row in batch]
        sent = [row for row in batch if row.status == 'sent']
        op.bulk_insert(batches, [{
            'circular_id': circular_id,
            'number': number,
            'first_resident_id': ids[0],
            'last_resident_id': ids[-1],
            'resident_ids': ids,
            'skipped_ids': [row.resident_id for row in batch if row.status == 'skipped'],
            'size': len(ids),
            'status': 'pending' if any(row.status == 'pending' for row in batch) else 'sent',
            'sent': len(sent),
            'sent_at': max((row.sent_at for row in sent if row.sent_at), default=None),
        }])


def downgrade() -> None:
    # Everyone in a batch gets their row back (those who have none: nobody had acted on it).
    batches = sa.table(
        'delivery_batches',
        sa.column('circular_id', sa.Integer()),
        sa.column('number', sa.Integer()),
        sa.column('resident_ids', sa.JSON()),
        sa.column('skipped_ids', sa.JSON()),
        sa.column('status', sa.String()),
        sa.column('sent_at', sa.DateTime()),
    )
    bind = op.get_bind()
    have = {tuple(row) for row in bind.execute(sa.select(deliveries.c.circular_id, deliveries.c.resident_id))}
    for batch in bind.execute(sa.select(batches)).mappings().all():
        skipped = set(batch['skipped_ids'])
        missing = [r for r in batch['resident_ids'] if (batch['circular_id'], r) not in have]
        status = {r: 'pending' if batch['status'] == 'pending' else 'skipped' if r in skipped else 'sent' for r in missing}
        if missing:
            op.bulk_insert(deliveries, [
                {'circular_id': batch['circular_id'], 'resident_id': r, 'batch': batch['number'], 'status': status[r],
                 'sent_at': batch['sent_at'] if status[r] == 'sent' else None}
                for r in missing
            ])
    with op.batch_alter_table('delivery_batches', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_batches_circular_first')
    op.drop_table('delivery_batches')
