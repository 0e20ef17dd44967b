"""duplicate_pairs keep their explanation as data (reasons), to be shown in the reader's language

The explanation column holds the English text, as before; `reasons` holds the same explanation as
message ids and values (JSON, kartoteka/matching/explain.py dumps), which the duplicates page, the API and
the CLI render in their reader's language. Pairs stored before have no reasons (''): they are shown in
English until they are scored again.

Revision ID: 0028
Revises: 0027
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("duplicate_pairs") as batch:
        batch.add_column(sa.Column("reasons", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("duplicate_pairs") as batch:
        batch.drop_column("reasons")
