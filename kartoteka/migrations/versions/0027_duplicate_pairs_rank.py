"""duplicate_pairs are read best first through an index (ix_duplicate_pairs_rank)

The duplicates page shows the best pairs of live persons the reader may see, without the pairs judged
different. It read every stored pair for that (at a million persons ~186,000 pairs, 0.5 s a view), then
picked its 200. With this index, ordered as the page is, the database reads the page's pairs in order
and stops when the page is full.

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_duplicate_pairs_rank", "duplicate_pairs",
                    [sa.text("score DESC"), "person_id", "other_person_id"])


def downgrade() -> None:
    op.drop_index("ix_duplicate_pairs_rank", table_name="duplicate_pairs")
