"""vetting: the list snapshot and reviewer decisions per run row, missing recognised persons, outcomes
linked to a run

Revision ID: 0004
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("vetting_rows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gender", sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column("raw", sa.Text(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("flag_detail", sa.Text(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("review", sa.String(length=10), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("reviewed_by", sa.String(length=120), nullable=False, server_default=""))
        batch_op.create_index(batch_op.f("ix_vetting_rows_person_id"), ["person_id"], unique=False)
    with op.batch_alter_table("vetting_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("list_format", sa.String(length=10), nullable=False, server_default=""))
    op.create_table(
        "vetting_missing",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["vetting_runs.id"],
                                name=op.f("fk_vetting_missing_run_id_vetting_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "person_id", name=op.f("pk_vetting_missing")),
    )
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("run_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.drop_column("run_id")
    op.drop_table("vetting_missing")
    with op.batch_alter_table("vetting_runs", schema=None) as batch_op:
        batch_op.drop_column("list_format")
    with op.batch_alter_table("vetting_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vetting_rows_person_id"))
        for name in ("reviewed_by", "review", "flag_detail", "raw", "gender"):
            batch_op.drop_column(name)
