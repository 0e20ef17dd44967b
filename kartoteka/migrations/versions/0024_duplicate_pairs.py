"""duplicate_pairs, duplicate_state: likely duplicates stored, so that no web request scores the registry

duplicate_pairs: the pairs of the last full scan, kept current by rescoring the persons changed since
(services/duplicate_pairs.py). duplicate_state: one row, the audit chain position and the matcher
settings the pairs reflect (seq -1: never scored), and the progress and sign of life of a full scan
under way. It starts with seq -1: the first `kartoteka duplicates`, or the web's background job, scores.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duplicate_pairs",
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.Column("other_person_id", sa.Integer, primary_key=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
    )
    op.create_index("ix_duplicate_pairs_other", "duplicate_pairs", ["other_person_id"])
    state = op.create_table(
        "duplicate_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("settings", sa.String(64), nullable=False),
        sa.Column("beat", sa.Float),
        sa.Column("started", sa.Float),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.bulk_insert(state, [{"id": 1, "seq": -1, "settings": "", "done": 0, "total": 0}])


def downgrade() -> None:
    op.drop_table("duplicate_state")
    op.drop_index("ix_duplicate_pairs_other", table_name="duplicate_pairs")
    op.drop_table("duplicate_pairs")
