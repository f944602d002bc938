"""integrity: reports remember the pairing they were about, primary keys that never recycle,
API key scopes, sign-ins that end on a password change and have an absolute lifetime, and
an instance id that names this database in task messages

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import uuid

import sqlalchemy as sa
from alembic import op

import bracketry.store.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

Stamp = bracketry.store.types.UtcDateTime


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("entrant_a", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("entrant_b", sa.Integer(), nullable=True))
    op.create_table(
        "id_counters",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    # The live feed's change check reads a tournament's latest result time from the index.
    op.drop_index("ix_results_tournament", table_name="results")
    op.create_index("ix_results_tournament", "results", ["tournament_id", "recorded_at"])
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(
            sa.Column("scope", sa.String(length=16), nullable=False, server_default="full")
        )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("credentials_changed_at", Stamp(timezone=True), nullable=True))
    with op.batch_alter_table("refresh_tokens") as batch:
        batch.add_column(sa.Column("family_expires_at", Stamp(timezone=True), nullable=True))
    # Reports whose session is gone (deleted by a correction before reports were voided)
    # can never be answered rightly: drop them, and never hand out their session ids again.
    op.execute(
        "INSERT INTO id_counters (name, last) SELECT 'matches', max(top) FROM ("
        "SELECT max(id) AS top FROM matches UNION ALL SELECT max(match_id) FROM reports "
        "UNION ALL SELECT max(match_id) FROM results UNION ALL SELECT max(match_id) "
        "FROM advancements) AS used HAVING max(top) IS NOT NULL"
    )
    op.execute(
        "DELETE FROM reports WHERE NOT EXISTS (SELECT 1 FROM matches "
        "WHERE matches.id = reports.match_id AND matches.tournament_id = reports.tournament_id)"
    )
    secrets = sa.table("secrets", sa.column("name", sa.String), sa.column("value_hash", sa.String))
    op.bulk_insert(secrets, [{"name": "instance_id", "value_hash": uuid.uuid4().hex}])


def downgrade() -> None:
    op.execute("DELETE FROM secrets WHERE name = 'instance_id'")
    with op.batch_alter_table("refresh_tokens") as batch:
        batch.drop_column("family_expires_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("credentials_changed_at")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("scope")
    op.drop_table("id_counters")
    op.drop_index("ix_results_tournament", table_name="results")
    op.create_index("ix_results_tournament", "results", ["tournament_id"])
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("entrant_b")
        batch.drop_column("entrant_a")
