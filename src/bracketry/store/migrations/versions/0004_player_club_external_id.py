"""players: club and external id (set by CSV imports)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("players") as batch:
        batch.add_column(sa.Column("club", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("external_id", sa.String(length=100), nullable=True))
        batch.create_index("ix_players_external_id", ["external_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("players") as batch:
        batch.drop_index("ix_players_external_id")
        batch.drop_column("external_id")
        batch.drop_column("club")
