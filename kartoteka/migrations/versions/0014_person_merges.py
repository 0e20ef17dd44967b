"""person_merges: two registry records joined into one (from the duplicates page), with what moved, so
that an unmerge restores both

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_merges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kept_id", sa.Integer(), sa.ForeignKey("persons.id", name="fk_person_merges_kept_id_persons"),
                  nullable=False),
        sa.Column("merged_id", sa.Integer(), sa.ForeignKey("persons.id", name="fk_person_merges_merged_id_persons"),
                  nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("unmerged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unmerged_by", sa.String(120), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_person_merges"),
    )
    op.create_index("ix_person_merges_kept_id", "person_merges", ["kept_id"])
    op.create_index("ix_person_merges_merged_id", "person_merges", ["merged_id"])


def downgrade() -> None:
    op.drop_table("person_merges")
