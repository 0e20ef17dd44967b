"""custody: who holds a person (history with sources), categories, imported recognitions; vetting runs
know whose custody a list concerns, rows keep their context, missing persons their section

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _record_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def _person_fk(table: str) -> sa.Column[object]:
    return sa.Column("person_id", sa.Integer(), sa.ForeignKey("persons.id", name=f"fk_{table}_person_id_persons"),
                     nullable=False)


def _source_fk(table: str) -> sa.Column[object]:
    return sa.Column("source_id", sa.Integer(), sa.ForeignKey("sources.id", name=f"fk_{table}_source_id_sources"),
                     nullable=True)


def upgrade() -> None:
    op.create_table(
        "custody",
        sa.Column("id", sa.Integer(), primary_key=True),
        _person_fk("custody"),
        sa.Column("held_by", sa.String(80), nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("since", sa.String(10), nullable=True),
        sa.Column("confirmed_on", sa.String(10), nullable=True),
        sa.Column("confirmed_source_id", sa.Integer(),
                  sa.ForeignKey("sources.id", name="fk_custody_confirmed_source_id_sources"), nullable=True),
        _source_fk("custody"),
        sa.Column("note", sa.Text(), nullable=False),
        *_record_columns(),
    )
    op.create_index("ix_custody_person_id", "custody", ["person_id"])
    op.create_table(
        "person_categories",
        sa.Column("id", sa.Integer(), primary_key=True),
        _person_fk("person_categories"),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("definition_id", sa.String(60), nullable=False),
        _source_fk("person_categories"),
        sa.Column("note", sa.Text(), nullable=False),
        *_record_columns(),
    )
    op.create_index("ix_person_categories_person_id", "person_categories", ["person_id"])
    op.create_table(
        "recognitions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _person_fk("recognitions"),
        sa.Column("organisation", sa.String(300), nullable=False),
        sa.Column("definition_id", sa.String(60), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("stated_on", sa.String(10), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_record_columns(),
    )
    op.create_index("ix_recognitions_person_id", "recognitions", ["person_id"])
    with op.batch_alter_table("vetting_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_by", sa.String(80), nullable=False, server_default=""))
    with op.batch_alter_table("vetting_rows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context", sa.Text(), nullable=False, server_default="{}"))
    with op.batch_alter_table("vetting_missing", schema=None) as batch_op:
        batch_op.add_column(sa.Column("section", sa.String(16), nullable=False, server_default="recognised"))


def downgrade() -> None:
    with op.batch_alter_table("vetting_missing", schema=None) as batch_op:
        batch_op.drop_column("section")
    with op.batch_alter_table("vetting_rows", schema=None) as batch_op:
        batch_op.drop_column("context")
    with op.batch_alter_table("vetting_runs", schema=None) as batch_op:
        batch_op.drop_column("held_by")
    for table in ("recognitions", "person_categories", "custody"):
        op.drop_index(f"ix_{table}_person_id", table_name=table)
        op.drop_table(table)
