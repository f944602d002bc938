"""open entrant indexes: the entrant indexes also carry the tournament, so a tournament's
matches with an entrant still to come are found by index (match status counts)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEXES = (("ix_matches_entrant_a", "entrant_a"), ("ix_matches_entrant_b", "entrant_b"))


def upgrade() -> None:
    for name, column in INDEXES:
        op.drop_index(name, table_name="matches")
        op.create_index(name, "matches", [column, "tournament_id"])


def downgrade() -> None:
    for name, column in INDEXES:
        op.drop_index(name, table_name="matches")
        op.create_index(name, "matches", [column])
