"""value_mappings: a free-text value an organisation writes (a case status, a custody state, a category)
and the controlled value a user confirmed for it once; applied on that organisation's next import.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "value_mappings",
        sa.Column("organisation", sa.String(300), primary_key=True),
        sa.Column("vocabulary", sa.String(40), primary_key=True),
        sa.Column("raw", sa.String(300), primary_key=True),
        sa.Column("value", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("value_mappings")
