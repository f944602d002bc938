"""player matches: a player's matches in every tournament are found by index (entrants,
advancements, heat entries)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_matches_entrant_a", "matches", "entrant_a"),
    ("ix_matches_entrant_b", "matches", "entrant_b"),
    ("ix_advancements_player", "advancements", "player_id"),
    ("ix_heat_entries_player", "heat_entries", "player_id"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _column in INDEXES:
        op.drop_index(name, table_name=table)
