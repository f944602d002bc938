"""venues and match slots: where and when each match is played

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

import bracketry.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "venues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tournament_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.Integer(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["tournament_id"], ["tournaments.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_venues_tournament_id", "venues", ["tournament_id"])
    op.create_table(
        "match_slots",
        sa.Column("match_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("tournament_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.Integer(), nullable=False),
        sa.Column("starts_at", bracketry.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", bracketry.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("match_id"),
    )
    op.create_index(
        "ix_match_slots_time", "match_slots", ["tournament_id", "starts_at", "match_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_match_slots_time", table_name="match_slots")
    op.drop_table("match_slots")
    op.drop_index("ix_venues_tournament_id", table_name="venues")
    op.drop_table("venues")
