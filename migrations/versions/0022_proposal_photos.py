"""proposal photos: WebP renditions and alt texts in each language

Revision ID: 0022
Revises: 0023
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposal_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=16), nullable=False),
    sa.Column('alt_text', sa.String(length=250), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_proposal_photos_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_photos_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_photos')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_proposal_photos_proposal_id'))
    )
    op.create_table('proposal_photo_alts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('alt_text', sa.String(length=250), nullable=False),
    sa.ForeignKeyConstraint(['photo_id'], ['proposal_photos.id'], name=op.f('fk_proposal_photo_alts_photo_id_proposal_photos'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_photo_alts')),
    sa.UniqueConstraint('photo_id', 'language', name='uq_proposal_photo_alts_photo_language')
    )
    op.create_table('proposal_photo_renditions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['photo_id'], ['proposal_photos.id'], name=op.f('fk_proposal_photo_renditions_photo_id_proposal_photos'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_photo_renditions')),
    sa.UniqueConstraint('photo_id', 'width', name='uq_proposal_photo_renditions_photo_width')
    )


def downgrade():
    op.drop_table('proposal_photo_renditions')
    op.drop_table('proposal_photo_alts')
    op.drop_table('proposal_photos')
