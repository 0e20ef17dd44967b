"""exchange: statements, each claim an organisation made about a registry record (statement-based, as
nomenklatura keeps them), so that imports from several organisations keep who said what and when

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity_type", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("prop", sa.String(40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("organisation", sa.String(300), nullable=False),
        sa.Column("origin_id", sa.String(400), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_id", sa.String(40), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_statements"),
    )
    op.create_index("ix_statements_entity", "statements", ["entity_type", "entity_id"])
    op.create_index("ix_statements_origin", "statements", ["organisation", "origin_id"])


def downgrade() -> None:
    op.drop_index("ix_statements_origin", table_name="statements")
    op.drop_index("ix_statements_entity", table_name="statements")
    op.drop_table("statements")
