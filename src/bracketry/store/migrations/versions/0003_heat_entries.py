"""heat entries: the players of many-player matches and their measured results

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "heat_entries",
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("lane", sa.SmallInteger(), nullable=False),
        sa.Column("tournament_id", sa.Integer(), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("attempts", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("match_id", "lane"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_heat_entries_tournament", "heat_entries", ["tournament_id"])


def downgrade() -> None:
    op.drop_index("ix_heat_entries_tournament", table_name="heat_entries")
    op.drop_table("heat_entries")
