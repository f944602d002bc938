"""rankings: an index in reading order (best first), for pages found by key

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_rankings_order", "rankings", ["tournament_id", "rank", "player_id"])


def downgrade() -> None:
    op.drop_index("ix_rankings_order", table_name="rankings")
