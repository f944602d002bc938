"""points standings: points, draws and tiebreak values in rankings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rankings") as batch:
        batch.add_column(sa.Column("points", sa.Float(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("draws", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("metrics", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rankings") as batch:
        batch.drop_column("metrics")
        batch.drop_column("draws")
        batch.drop_column("points")
