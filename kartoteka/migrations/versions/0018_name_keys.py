"""the matcher's blocking keys stored in the database (issue 17)

name_keys: one row per (person, block); a block is a stable 64-bit hash of a (surname key, given-name
block) pair, a kin block (full birth date, given name, father's name) or the first given name's class
(kartoteka/matching/stored_keys.py). surname_variants: the deletion neighbourhoods of the registry's
surname keys and spellings (typos), insert-only (a stale entry only names a surname key that no person
carries any more, which finds nobody). name_keys_state: the audit chain position the keys reflect.
The table starts empty with seq -1: the first search (or `kartoteka index rebuild`) fills it.

Revision ID: 0018
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "name_keys",
        sa.Column("person_id", sa.Integer, sa.ForeignKey("persons.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_name_keys_key", "name_keys", ["key", "person_id"])
    op.create_index("ix_name_keys_person", "name_keys", ["person_id"])
    op.create_table(
        "surname_variants",
        sa.Column("variant", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
    )
    state = op.create_table(
        "name_keys_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.bulk_insert(state, [{"id": 1, "seq": -1}])


def downgrade() -> None:
    op.drop_table("name_keys_state")
    op.drop_table("surname_variants")
    op.drop_index("ix_name_keys_person", table_name="name_keys")
    op.drop_index("ix_name_keys_key", table_name="name_keys")
    op.drop_table("name_keys")
